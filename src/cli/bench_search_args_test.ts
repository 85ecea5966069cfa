import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_args.ts";
import { UsageError } from "./usage_error.ts";

const parse = (...argv: string[]) => parseBenchArgs(["--simulate", ...argv]);

Deno.test("--rate auto sweeps the default 8 rates; auto:N sweeps N", () => {
  assert.equal(parse("--rate", "auto").rateAuto, 8);
  const args = parse("--rate", "auto:3", "--slo", "ttft=500", "--collapse-below", "25");
  assert.equal(args.rateAuto, 3);
  assert.deepEqual(args.rates, [undefined]);
  assert.equal(args.collapseBelowPercent, 25);
  assert.equal(parse("--rate", "2,4").rateAuto, null);
});

Deno.test("--find-max-rate takes a target, a precision in req/s or percent, and a probe cap", () => {
  const args = parse(
    "--find-max-rate",
    "--slo",
    "tpot=50",
    "--slo-target",
    "95",
    "--search-precision",
    "2%",
    "--max-probes",
    "6",
    "--concurrency",
    "64",
  );
  assert.equal(args.findMaxRate, true);
  assert.equal(args.sloTargetPercent, 95);
  assert.deepEqual(args.searchPrecision, { percent: 2 });
  assert.equal(args.maxProbes, 6);
  assert.deepEqual(args.concurrencies, [64]);
  const defaults = parse("--find-max-rate", "--slo", "ttft=500");
  assert.deepEqual(
    [defaults.sloTargetPercent, defaults.searchPrecision, defaults.maxProbes],
    [90, { percent: 5 }, 10],
  );
  assert.deepEqual(
    parse("--find-max-rate", "--slo", "ttft=500", "--search-precision", "0.5").searchPrecision,
    { rps: 0.5 },
  );
});

Deno.test("search flags that do not fit are usage errors naming the flag", () => {
  const refused: [string[], RegExp][] = [
    [["--rate", "auto", "--find-max-rate", "--slo", "ttft=1"], /not both/],
    [["--find-max-rate"], /needs --slo/],
    [["--find-max-rate", "--slo", "ttft=1", "--rate", "inf"], /leave out --rate/],
    [["--max-probes", "3"], /--max-probes goes with --find-max-rate/],
    [["--collapse-below", "20"], /--collapse-below goes with --rate auto/],
    [["--rate", "auto", "--shard", "0/2"], /--shard does not go with --rate auto/],
    [["--rate", "auto", "--ramp", "linear", "--ramp-duration", "5"], /--ramp does not go/],
    [["--rate", "auto", "--jsonl", "x.jsonl"], /--jsonl does not go with --rate auto/],
    [["--find-max-rate", "--slo", "ttft=1", "--concurrency", "1,2"], /takes one --concurrency/],
    [["--find-max-rate", "--slo", "ttft=1", "--slo-target", "101"], /--slo-target/],
    [["--find-max-rate", "--slo", "ttft=1", "--search-precision", "100%"], /--search-precision/],
    [["--find-max-rate", "--slo", "ttft=1", "--search-precision", "0"], /--search-precision/],
    [["--find-max-rate", "--slo", "ttft=1", "--max-probes", "0"], /--max-probes/],
    [["--rate", "auto:two"], /--rate auto:N/],
  ];
  for (const [argv, message] of refused) {
    assert.throws(() => parse(...argv), (e) => e instanceof UsageError && message.test(e.message));
  }
});
