import assert from "node:assert/strict";
import { FLAGS, helpText, parseBenchArgs } from "./bench_args.ts";
import { UsageError } from "./usage_error.ts";
import { deriveRunId } from "./run_id.ts";
import { pointLabel, sweepPoints } from "./sweep.ts";

const env = (vars: Record<string, string>) => ({ get: (name: string) => vars[name] });

Deno.test("parseBenchArgs() applies the defaults", () => {
  const args = parseBenchArgs([]);
  assert.equal(args.url, "http://127.0.0.1:8000");
  assert.equal(args.model, "auto");
  assert.equal(args.endpoint, "chat");
  assert.equal(args.dataset, "random");
  assert.equal(args.requests, 100);
  assert.equal(args.durationS, null);
  assert.deepEqual(args.concurrencies, [undefined]);
  assert.deepEqual(args.rates, [undefined]);
  assert.deepEqual(args.traces, { kind: "none" });
  assert.equal(args.otlpGrpcPort, 4317);
  assert.equal(args.out, "runs");
  assert.equal(args.apiKey, null);
});

Deno.test("parseBenchArgs() reads lists, rates with inf, SLOs and --flag=value", () => {
  const args = parseBenchArgs([
    "--concurrency=1,4",
    "--rate",
    "2.5,inf",
    "--slo",
    "ttft=500,tpot:50",
    "--traces",
    "jaeger=http://localhost:16686/",
    "--shard",
    "1/4",
    "--duration",
    "30",
  ]);
  assert.deepEqual(args.concurrencies, [1, 4]);
  assert.deepEqual(args.rates, [2.5, undefined]);
  assert.deepEqual(args.slo, { ttft_ms: 500, tpot_ms: 50 });
  assert.deepEqual(args.traces, { kind: "jaeger", url: "http://localhost:16686" });
  assert.deepEqual(args.shard, { index: 1, count: 4 });
  assert.equal(args.requests, null, "bounded by duration only");
  assert.equal(args.durationS, 30);
});

Deno.test("parseBenchArgs() with --simulate traces the simulator on free ports", () => {
  const args = parseBenchArgs(["--simulate"]);
  assert.equal(args.url, null);
  assert.deepEqual(args.traces, { kind: "embedded" });
  assert.equal(args.otlpGrpcPort, 0);
  assert.equal(args.otlpHttpPort, 0);
  assert.equal(parseBenchArgs(["--simulate", "--otlp-http-port", "off"]).otlpHttpPort, null);
});

Deno.test("parseBenchArgs() takes the API key from the flag or OPENAI_API_KEY", () => {
  assert.equal(parseBenchArgs([], env({ OPENAI_API_KEY: "sk-env" })).apiKey, "sk-env");
  assert.equal(
    parseBenchArgs(["--api-key", "sk-flag"], env({ OPENAI_API_KEY: "x" })).apiKey,
    "sk-flag",
  );
});

Deno.test("parseBenchArgs() rejects bad flags with a message naming the flag", () => {
  const cases: [string[], RegExp][] = [
    [["--concurency", "4"], /unknown flag --concurency \(did you mean --concurrency\?\)/],
    [["--requests", "ten"], /--requests: expected an integer ≥ 1, got "ten"/],
    [["--requests", "0"], /--requests/],
    [["--concurrency", "1,,4"], /--concurrency: bad list/],
    [["--concurrency", "4,4"], /--concurrency: bad list .*repeated/],
    [["--concurrency", "1,x"], /--concurrency: expected an integer/],
    [["--rate", "0"], /--rate: a rate must be > 0/],
    [["--shard", "4/4"], /--shard: I must be in 0..3/],
    [["--shard", "1-4"], /--shard: expected I\/N/],
    [["--slo", "ttft=abc"], /--slo ttft: expected a number/],
    [["--slo", "latency=5"], /--slo: expected ttft=MS/],
    [["--endpoint", "embeddings"], /--endpoint: expected chat or completions/],
    [["--dataset", "sharegpt"], /--dataset sharegpt needs --dataset-path/],
    [["--traces", "zipkin=http://x"], /--traces: expected embedded/],
    [["--url", "localhost:8000"], /--url: expected an http\(s\) URL/],
    [["--requests"], /--requests needs a value/],
    [["--simulate=yes"], /--simulate takes no value/],
    [["--seed", "1", "--seed", "2"], /--seed given 2 times/],
    [["positional"], /unexpected argument "positional"/],
    [["--extra-body", "{bad"], /--extra-body: not valid JSON/],
    [["--label", "a b"], /--label: use letters/],
    [["--otlp-grpc-port", "70000"], /--otlp-grpc-port: a port is 0..65535/],
    [["--simulate", "--url", "http://x:1"], /--simulate starts its own server/],
    [["--dataset-path", "x.json"], /--dataset-path is for --dataset sharegpt or jsonl/],
    [
      ["--dataset", "jsonl", "--dataset-path", "x", "--input-tokens", "5"],
      /--input-tokens applies to --dataset random only/,
    ],
    [["--duration", "0"], /--duration: must be > 0/],
    [["--percentiles", "50,101"], /--percentiles: 101 is above 100/],
  ];
  for (const [argv, expected] of cases) {
    assert.throws(() => parseBenchArgs(argv), (error: Error) => {
      assert.ok(error instanceof UsageError, `${argv.join(" ")}: ${error}`);
      assert.match(error.message, expected, argv.join(" "));
      return true;
    });
  }
});

Deno.test("helpText() lists every flag", () => {
  const help = helpText();
  for (const flag of FLAGS) assert.ok(help.includes(`--${flag.name}`), flag.name);
  assert.match(help, /Exit codes/);
});

Deno.test("deriveRunId() is the same for every shard of one load and differs between loads", () => {
  const a0 = deriveRunId(parseBenchArgs(["--rate", "4", "--shard", "0/2", "--out", "a"]));
  const a1 = deriveRunId(parseBenchArgs(["--rate", "4", "--shard", "1/2", "--out", "b"]));
  const b = deriveRunId(parseBenchArgs(["--rate", "8", "--shard", "0/2"]));
  assert.equal(a0, a1);
  assert.notEqual(a0, b);
  assert.match(a0, /^bench-[0-9a-f]{12}$/);
});

Deno.test("sweepPoints() is the cartesian product of concurrencies and rates", () => {
  const points = sweepPoints([1, 4], [2, undefined]);
  assert.deepEqual(points, [
    { concurrency: 1, rate: 2 },
    { concurrency: 1, rate: undefined },
    { concurrency: 4, rate: 2 },
    { concurrency: 4, rate: undefined },
  ]);
  assert.equal(pointLabel("x", points[1], true), "x-c1-rinf");
  assert.equal(pointLabel("x", points[1], false), "x");
});
