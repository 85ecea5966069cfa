import assert from "node:assert/strict";
import { FLAGS, helpText, parseBenchArgs } from "./bench_args.ts";
import { UsageError } from "./usage_error.ts";
import { deriveRunId } from "./run_id.ts";
import { pointLabel, sweepPoints } from "../search/sweep_points.ts";

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
    [["--requests", "ten"], /option --requests must be an integer ≥ 1, got "ten"/],
    [["--requests", "0"], /--requests/],
    [["--concurrency", "1,,4"], /option --concurrency must be a comma list without empty items/],
    [["--concurrency", "4,4"], /option --concurrency must be a comma list without repeated values/],
    [["--concurrency", "1,x"], /option --concurrency must be an integer/],
    [["--rate", "0"], /option --rate must be a rate > 0/],
    [["--shard", "4/4"], /option --shard must be I\/N with I in 0..3/],
    [["--shard", "1-4"], /option --shard must be I\/N/],
    [["--slo", "ttft=abc"], /option --slo ttft must be a number/],
    [["--slo", "latency=5"], /option --slo must be ttft=MS/],
    [["--endpoint", "embeddings"], /option --endpoint must be chat or completions/],
    [["--dataset", "sharegpt"], /--dataset sharegpt needs --dataset-path/],
    [["--traces", "zipkin=http://x"], /option --traces must be embedded/],
    [["--url", "localhost:8000"], /option --url must be an http\(s\) URL/],
    [["--requests"], /--requests needs a value/],
    [["--simulate=yes"], /--simulate takes no value/],
    [["--seed", "1", "--seed", "2"], /--seed given 2 times/],
    [["positional"], /unexpected argument "positional"/],
    [["--extra-body", "{bad"], /option --extra-body must be a JSON object/],
    [["--label", "a b"], /option --label must be letters/],
    [["--otlp-grpc-port", "70000"], /option --otlp-grpc-port must be a port in 0..65535/],
    [["--simulate", "--url", "http://x:1"], /--simulate starts its own server/],
    [["--dataset-path", "x.json"], /--dataset-path is for --dataset sharegpt, jsonl or trace/],
    [
      ["--dataset", "jsonl", "--dataset-path", "x", "--input-tokens", "5"],
      /--input-tokens applies to --dataset random only/,
    ],
    [["--duration", "0"], /option --duration must be a number > 0/],
    [
      ["--percentiles", "50,101"],
      /option --percentiles must be percentiles in \[0, 100\], got "101"/,
    ],
  ];
  for (const [argv, expected] of cases) {
    assert.throws(() => parseBenchArgs(argv), (error: Error) => {
      assert.ok(error instanceof UsageError, `${argv.join(" ")}: ${error}`);
      assert.match(error.message, expected, argv.join(" "));
      return true;
    });
  }
});

Deno.test("parseBenchArgs() reads --timeout as a total deadline beside --idle-timeout and --max-event-chars", () => {
  const defaults = parseBenchArgs(["--simulate"]);
  assert.equal(defaults.timeoutS, 600);
  assert.equal(defaults.idleTimeoutS, null);
  assert.equal(defaults.maxEventChars, null);
  const args = parseBenchArgs([
    "--simulate",
    "--timeout=30",
    "--idle-timeout",
    "2.5",
    "--max-event-chars",
    "1048576",
  ]);
  assert.deepEqual([args.timeoutS, args.idleTimeoutS, args.maxEventChars], [30, 2.5, 1048576]);
  assert.throws(
    () => parseBenchArgs(["--idle-timeout", "0"]),
    /option --idle-timeout must be a number > 0/,
  );
  assert.throws(
    () => parseBenchArgs(["--max-event-chars", "1.5"]),
    /option --max-event-chars must be an integer ≥ 1/,
  );
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

Deno.test("parseBenchArgs() rejects an empty value for any flag (--model, --jsonl, --otlp-host, --out)", () => {
  for (const flag of ["model", "jsonl", "otlp-host", "out"]) {
    for (const argv of [[`--${flag}`, ""], [`--${flag}=`], [`--${flag}`, "  "]]) {
      assert.throws(
        () => parseBenchArgs(argv),
        (e: Error) =>
          e instanceof UsageError && e.message.startsWith(`--${flag}: the value is empty`),
        argv.join(" "),
      );
    }
  }
});

Deno.test("parseBenchArgs() reads numbers in decimal only: --requests 0x10 is an error, not 16", () => {
  for (const text of ["0x10", "0b11", "0o7", "Infinity", "1e400"]) {
    assert.throws(
      () => parseBenchArgs(["--requests", text]),
      /option --requests must be an integer/,
    );
  }
  assert.throws(() => parseBenchArgs(["--rate", "0x10"]), /option --rate must be a number/);
  assert.equal(parseBenchArgs(["--requests", "16"]).requests, 16);
  assert.equal(parseBenchArgs(["--rate", "2.5e1"]).rates[0], 25);
});

Deno.test("parseBenchArgs() bounds --input-tokens, --timeout and --trace-wait", () => {
  assert.throws(
    () => parseBenchArgs(["--input-tokens", "100000000"]),
    /option --input-tokens must be at most 1000000, got "100000000"/,
  );
  assert.equal(parseBenchArgs(["--input-tokens", "1000000"]).inputTokens, 1_000_000);
  assert.throws(
    () => parseBenchArgs(["--timeout", "3000000"]),
    /option --timeout must be at most 2000000 s/,
  );
  assert.throws(
    () => parseBenchArgs(["--trace-wait", "3000000"]),
    /option --trace-wait must be at most/,
  );
});

Deno.test("parseBenchArgs() reads the API key from --api-key-file or --api-key-env, and notes a key on the command line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/key`;
    await Deno.writeTextFile(file, "sk-from-file\n");
    const fromFile = parseBenchArgs(["--api-key-file", file], env({ OPENAI_API_KEY: "sk-env" }));
    assert.equal(fromFile.apiKey, "sk-from-file");
    assert.equal(fromFile.apiKeyOnCommandLine, false);
    const fromEnv = parseBenchArgs(["--api-key-env", "MY_KEY"], env({ MY_KEY: "sk-mine" }));
    assert.equal(fromEnv.apiKey, "sk-mine");
    assert.equal(parseBenchArgs(["--api-key", "sk-argv"]).apiKeyOnCommandLine, true);
    assert.throws(
      () => parseBenchArgs(["--api-key-env", "MISSING"], env({})),
      /--api-key-env: the environment variable MISSING is not set or empty/,
    );
    assert.throws(
      () => parseBenchArgs(["--api-key-file", `${dir}/none`]),
      /--api-key-file: cannot read/,
    );
    assert.throws(
      () => parseBenchArgs(["--api-key", "k", "--api-key-file", file]),
      /give one of --api-key, --api-key-file, not several/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseBenchArgs() reads the receiver's token from --otlp-token or --otlp-token-file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "t0ken\n");
    const embedded = ["--traces", "embedded"];
    assert.equal(
      parseBenchArgs([...embedded, "--otlp-token-file", `${dir}/token`]).otlpToken,
      "t0ken",
    );
    assert.equal(parseBenchArgs([...embedded, "--otlp-token", "abc"]).otlpToken, "abc");
    assert.throws(
      () => parseBenchArgs(["--otlp-token", "abc", "--traces", "none"]),
      /--otlp-token is for the embedded receiver/,
    );
    assert.equal(parseBenchArgs([]).otlpToken, null);
    assert.throws(
      () => parseBenchArgs([...embedded, "--otlp-token", "a b"]),
      /--otlp-token: use printable ASCII/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseBenchArgs() takes --sim-reasoning-tokens with --simulate only", () => {
  assert.equal(parseBenchArgs(["--simulate"]).simReasoningTokens, 0);
  assert.equal(
    parseBenchArgs(["--simulate", "--sim-reasoning-tokens", "64"]).simReasoningTokens,
    64,
  );
  assert.throws(
    () => parseBenchArgs(["--sim-reasoning-tokens", "64"]),
    /--sim-reasoning-tokens sets the simulator: it needs --simulate/,
  );
  assert.throws(
    () => parseBenchArgs(["--simulate", "--sim-reasoning-tokens", "-1"]),
    /--sim-reasoning-tokens/,
  );
});
