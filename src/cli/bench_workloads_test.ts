import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_args.ts";
import { benchRequests, tokenizedRequests } from "./bench_requests.ts";
import { UsageError } from "./usage_error.ts";
import { startSimulator } from "../sim/server.ts";

const TRACE = new URL("../datasets/testdata/mooncake_trace.jsonl", import.meta.url).pathname;
const traceArgs = (...more: string[]) =>
  parseBenchArgs(["--dataset", "trace", "--dataset-path", TRACE, ...more]);

Deno.test("--dataset trace replays the whole file once unless --requests bounds it", async () => {
  const args = traceArgs("--time-scale", "0.5");
  assert.equal(args.requests, null);
  assert.equal(args.timeScale, 0.5);
  const specs = await Array.fromAsync(benchRequests(args));
  assert.deepEqual(specs.map((s) => s.send_at_ms), [0, 20, 20, 47.5, 75]);
  assert.equal(traceArgs("--requests", "2").requests, 2);
});

Deno.test("flags a trace sets itself, and --time-scale without a trace, are refused", () => {
  for (const flag of [["--rate", "5"], ["--burstiness", "2"], ["--output-tokens", "9"]]) {
    assert.throws(() => traceArgs(...flag), {
      name: UsageError.name,
      message: `${flag[0]} does not apply to --dataset trace: the trace sets it`,
    });
  }
  assert.throws(
    () => parseBenchArgs(["--time-scale", "2"]),
    /--time-scale applies to --dataset trace only/,
  );
  assert.throws(() => traceArgs("--time-scale", "0"), /option --time-scale must be a number > 0/);
  assert.throws(
    () => parseBenchArgs(["--dataset", "trace"]),
    /--dataset trace needs --dataset-path/,
  );
});

Deno.test("trace prompts are fitted with the server's tokenizer before the run", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const args = traceArgs();
    const warnings: string[] = [];
    const sent = await tokenizedRequests(
      benchRequests(args),
      args,
      sim.url,
      (m) => warnings.push(m),
    );
    const specs = await Array.fromAsync(sent);
    assert.deepEqual(warnings, []);
    assert.deepEqual(specs.map((s) => s.prompt_tokens_estimate), [1100, 700, 1300, 300, 1200]);
    assert.deepEqual(specs.map((s) => s.send_at_ms), [0, 40, 40, 95, 150]);
  } finally {
    await sim.close();
  }
});

Deno.test("--prefix-tokens and --prefix-groups make a shared-prefix random workload", async () => {
  const args = parseBenchArgs([
    "--prefix-tokens",
    "32",
    "--prefix-groups",
    "2",
    "--input-tokens",
    "8",
    "--output-tokens",
    "3",
  ]);
  assert.deepEqual([args.prefixTokens, args.prefixGroups], [32, 2]);
  const taken: string[] = [];
  for await (const spec of benchRequests(args)) {
    if (taken.push(spec.tag!) === 4) break;
  }
  assert.deepEqual(taken, ["prefix-group-0", "prefix-group-1", "prefix-group-0", "prefix-group-1"]);
  assert.throws(
    () => parseBenchArgs(["--prefix-groups", "2"]),
    /--prefix-groups needs --prefix-tokens/,
  );
  assert.throws(
    () => traceArgs("--prefix-tokens", "8"),
    /--prefix-tokens applies to --dataset random only/,
  );
  assert.throws(
    () => parseBenchArgs(["--prefix-tokens", "0"]),
    /option --prefix-tokens must be an integer ≥ 1/,
  );
});

Deno.test("shared prefixes are fitted to the server's tokens before the run", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const args = parseBenchArgs(
      ["--prefix-tokens", "40", "--prefix-groups", "2", "--input-tokens", "8", "--requests", "4"],
    );
    const sent = await tokenizedRequests(benchRequests(args), args, sim.url, () => {});
    const specs = [];
    for await (const spec of sent) if (specs.push(spec) === 4) break; // endless: the run bounds it
    assert.ok(specs.every((s) => s.prompt_tokens_estimate === 48));
    assert.equal(specs[0].prompt!.slice(0, 160), specs[2].prompt!.slice(0, 160));
    assert.notEqual(specs[0].prompt!.slice(0, 160), specs[1].prompt!.slice(0, 160));
  } finally {
    await sim.close();
  }
});

Deno.test("--ramp raises the rate to --rate over --ramp-duration", () => {
  const args = parseBenchArgs(
    ["--rate", "10,20", "--ramp", "exp", "--ramp-duration", "30", "--ramp-start-rate", "2"],
  );
  assert.deepEqual(args.ramp, { shape: "exp", durationS: 30, startRate: 2 });
  assert.equal(parseBenchArgs(["--rate", "5"]).ramp, null);
  const refused: [string[], RegExp][] = [
    [["--ramp", "linear", "--rate", "5"], /--ramp needs --ramp-duration S/],
    [["--ramp", "linear", "--ramp-duration", "5"], /--ramp needs --rate R/],
    [
      ["--ramp", "log", "--ramp-duration", "5", "--rate", "5"],
      /option --ramp must be linear or exp/,
    ],
    [["--ramp-duration", "5", "--rate", "5"], /--ramp-duration needs --ramp linear\|exp/],
    [
      ["--ramp", "linear", "--ramp-duration", "5", "--rate", "5,inf"],
      /--ramp with --rate inf: a ramp needs a finite rate/,
    ],
    [
      ["--ramp", "linear", "--ramp-duration", "5", "--rate", "5", "--ramp-start-rate", "9"],
      /--ramp with --rate 5: ramp.startRate must be in \(0, rate = 5\], got 9/,
    ],
  ];
  for (const [argv, message] of refused) {
    assert.throws(() => parseBenchArgs(argv), { name: UsageError.name, message }, argv.join(" "));
  }
});
