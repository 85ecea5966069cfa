import assert from "node:assert/strict";
import { resolveOptions } from "./options.ts";

Deno.test("resolveOptions() fills vLLM-like defaults", () => {
  const o = resolveOptions();
  assert.equal(o.hostname, "127.0.0.1");
  assert.equal(o.port, 0);
  assert.equal(o.model, "sim-llama-3-8b");
  assert.equal(o.maxNumSeqs, 256);
  assert.equal(o.otlpEndpoint, null);
  assert.equal(o.otlpProtocol, "grpc");
  assert.equal(o.exportDelayMs, 5000);
  assert.equal(o.maxBodyBytes, 4 * 1024 * 1024);
  assert.equal(o.earlyStopRate, 0);
});

Deno.test("resolveOptions() rejects bad values naming the option", () => {
  assert.throws(() => resolveOptions({ maxNumSeqs: 0 }), /maxNumSeqs/);
  assert.throws(() => resolveOptions({ port: 70000 }), /port/);
  assert.throws(() => resolveOptions({ decodeStepMs: -1 }), /decodeStepMs/);
  assert.throws(() => resolveOptions({ faults: { cutRate: 2 } }), /faults.cutRate/);
  assert.throws(() => resolveOptions({ otlpEndpoint: "localhost:4317" }), /otlpEndpoint/);
  assert.throws(
    () => resolveOptions({ otlpProtocol: "http/json" as "grpc" }),
    /otlpProtocol/,
  );
});
