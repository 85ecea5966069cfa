import assert from "node:assert/strict";
import { parseSimArgs } from "./cli_args.ts";

Deno.test("parseSimArgs() maps flags to simulator options", () => {
  assert.deepEqual(
    parseSimArgs([
      "--port=0",
      "--model",
      "m",
      "--max-num-seqs",
      "4",
      "--otlp-endpoint",
      "http://127.0.0.1:4318/v1/traces",
      "--otlp-protocol",
      "http/protobuf",
      "--export-delay-ms",
      "100",
      "--fault-cut-rate",
      "0.1",
      "--fault-stall-ms=50",
    ]),
    {
      port: 0,
      model: "m",
      maxNumSeqs: 4,
      otlpEndpoint: "http://127.0.0.1:4318/v1/traces",
      otlpProtocol: "http/protobuf",
      exportDelayMs: 100,
      faults: { cutRate: 0.1, stallMs: 50 },
    },
  );
  assert.deepEqual(parseSimArgs([]), { port: 8000 });
  assert.equal(parseSimArgs(["--port", "1", "--help"]), "help");
});

Deno.test("parseSimArgs() names unknown flags, missing values and bad numbers", () => {
  assert.throws(() => parseSimArgs(["--nope"]), /unknown flag --nope/);
  assert.throws(() => parseSimArgs(["--port"]), /--port needs a value/);
  assert.throws(
    () => parseSimArgs(["--max-num-seqs", "lots"]),
    /option --max-num-seqs must be a number, got "lots"/,
  );
});
