import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_args.ts";

Deno.test("--ramp without --rate raises the concurrency to each --concurrency value", () => {
  const args = parseBenchArgs([
    "--concurrency",
    "4,16",
    "--ramp",
    "exp",
    "--ramp-duration",
    "20",
    "--ramp-start-concurrency",
    "2",
  ]);
  assert.deepEqual(args.concurrencyRamp, { shape: "exp", durationS: 20, startConcurrency: 2 });
  assert.equal(args.ramp, null);
  assert.equal(args.steadyState, false);
});

Deno.test("--ramp with --rate ramps the rate only; --concurrency stays a fixed cap", () => {
  const args = parseBenchArgs([
    "--rate",
    "10",
    "--concurrency",
    "8",
    "--ramp",
    "linear",
    "--ramp-duration",
    "5",
  ]);
  assert.deepEqual(args.ramp, { shape: "linear", durationS: 5 });
  assert.equal(args.concurrencyRamp, null);
});

Deno.test("--steady-state is read, and needs --concurrency", () => {
  assert.equal(parseBenchArgs(["--concurrency", "8", "--steady-state"]).steadyState, true);
  assert.throws(
    () => parseBenchArgs(["--rate", "5", "--steady-state"]),
    /--steady-state needs --concurrency N/,
  );
});

Deno.test("ramp flags that do not fit together are refused with the flag named", () => {
  const linear = "--ramp linear --ramp-duration 5";
  const cases: [string, RegExp][] = [
    [linear, /--ramp needs --rate R \(a rate ramp\) or --concurrency N/],
    [
      "--concurrency 4 --ramp-start-concurrency 2",
      /--ramp-start-concurrency needs --ramp linear\|exp/,
    ],
    [
      `--concurrency 4 ${linear} --ramp-start-concurrency 8`,
      /--ramp with --concurrency 4: concurrencyRamp.startConcurrency must be an integer in \[1, concurrency = 4\], got 8/,
    ],
    [
      `--rate 5 ${linear} --ramp-start-concurrency 2`,
      /--ramp-start-concurrency is for a concurrency ramp/,
    ],
    [`--concurrency 4 ${linear} --ramp-start-rate 2`, /--ramp-start-rate needs --rate R/],
    [`--concurrency 4 ${linear} --ramp-start-concurrency 1.5`, /--ramp-start-concurrency/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseBenchArgs(argv.split(" ")), message, argv);
  }
});
