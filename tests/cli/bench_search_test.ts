import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { measureProbe, probeLoad } from "../../src/search/probe.ts";
import type { Run } from "../../src/types.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";

const SMALL = ["--simulate", "--input-tokens", "32", "--output-tokens", "8", "--trace-wait", "5"];

/** The runs of `out`, in the order they started. */
async function runsIn(out: string): Promise<Run[]> {
  const runs = await Promise.all(
    filesIn(out).filter((f) => f.endsWith(".json")).map((f) => load(join(out, f))),
  );
  return runs.sort((a, b) => a.meta.started_ms - b.meta.started_ms);
}

/** A run's successful requests per second, as the search measured it. */
const throughputOf = (run: Run) =>
  measureProbe(probeLoad("rate", undefined, undefined), run, undefined).throughput_rps!;

Deno.test("bench --rate auto:3 runs the two probes, then 3 increasing rates between their throughputs", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_rate_auto_" });
  try {
    const { code, stdout, stderr } = await runBench([
      ...SMALL,
      "--rate",
      "auto:3",
      "--requests",
      "8",
      "--slo",
      "ttft=60000",
      "--out",
      out,
    ]);
    assert.equal(code, 0, stderr);
    const runs = await runsIn(out);
    assert.deepEqual(runs.map((r) => r.meta.label.replace(/-r[\d.]+$/, "-r*")), [
      "bench-sync-c1-rinf",
      "bench-saturation-cmax-rinf",
      "bench-cmax-r*",
      "bench-cmax-r*",
      "bench-cmax-r*",
    ]);
    assert.deepEqual(runs.map((r) => (r.meta.extra.search as { role: string }).role), [
      "sync",
      "saturation",
      "rate",
      "rate",
      "rate",
    ]);
    assert.equal(runs[0].meta.load.concurrency, 1);
    assert.equal(runs[1].meta.load.concurrency, undefined);
    const sync = throughputOf(runs[0]);
    const saturation = throughputOf(runs[1]);
    const rates = runs.slice(2).map((r) => r.meta.load.rate!);
    assert.ok(
      rates.every((r, i) => r > sync && r < saturation && (i === 0 || r > rates[i - 1])),
      `rates ${rates} not increasing between ${sync} and ${saturation}`,
    );
    // Evenly spaced: equal steps, up to the rounding to 3 significant digits.
    const step = (saturation - sync) / 4;
    rates.forEach((r, i) => assert.ok(Math.abs(r - (sync + step * (i + 1))) <= 0.01 * r));
    assert.ok(runs.every((r) => r.requests.length === 8 && r.requests.every((q) => q.success)));
    assert.match(stdout, /rate auto: .* req\/s planned\n/);
    // The same report as any sweep: one summary row per run and the sweep charts.
    const reports = filesIn(join(out, "reports"));
    const summary = await Deno.readTextFile(join(out, "reports", reports[0]));
    assert.equal(summary.trim().split("\n").length, 1 + 5);
    assert.match(await Deno.readTextFile(join(out, "reports", reports[1])), /Latency vs load/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench --find-max-rate saves every probe, the search chart and its outcome", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_find_max_rate_" });
  try {
    const { code, stdout, stderr } = await runBench([
      ...SMALL,
      "--find-max-rate",
      "--slo",
      "e2e=60000", // met at every rate: the search doubles the rate
      "--max-probes",
      "2",
      "--requests",
      "6",
      "--out",
      out,
    ]);
    assert.equal(code, 0, stderr);
    const runs = await runsIn(out);
    assert.equal(runs.length, 4, "sync, saturation and two rate probes");
    const [first, second] = runs.slice(2).map((r) => r.meta.load.rate!);
    assert.equal(second, 2 * first);
    assert.deepEqual(runs.slice(2).map((r) => r.meta.label), [
      `bench-cmax-r${first}`,
      `bench-cmax-r${second}`,
    ]);
    assert.match(stdout, new RegExp(`max rate with ≥ 90 % of requests meeting the SLO: .*`));
    assert.match(stdout, /2 rate probes run \(maxProbes\)/);
    const reports = filesIn(join(out, "reports"));
    const outcomeFile = reports.find((f) => f.endsWith("_bench-search.json"))!;
    const outcome = JSON.parse(await Deno.readTextFile(join(out, "reports", outcomeFile)));
    assert.equal(outcome.max_rate_rps, second);
    assert.equal(outcome.converged, false);
    assert.deepEqual(outcome.probes.map((p: { rate_rps: number }) => p.rate_rps), [first, second]);
    const svg = reports.find((f) => f.endsWith("_bench-search.svg"))!;
    assert.match(await Deno.readTextFile(join(out, "reports", svg)), /Max-rate search/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench refuses search flags that do not fit, before sending anything", async () => {
  const cases: [string[], RegExp][] = [
    [["--find-max-rate"], /--find-max-rate needs --slo/],
    [["--rate", "auto:0"], /--rate auto:N must be an integer ≥ 1, got "0"/],
    [["--rate", "auto", "--concurrency", "1,4"], /--rate auto takes one --concurrency/],
    [["--find-max-rate", "--slo", "ttft=100", "--rate", "4"], /leave out --rate/],
    [["--slo-target", "95"], /--slo-target goes with --find-max-rate/],
  ];
  for (const [flags, message] of cases) {
    const { code, stderr } = await runBench(["--simulate", ...flags]);
    assert.equal(code, 2, `${flags.join(" ")}: ${stderr}`);
    assert.match(stderr, message);
  }
});
