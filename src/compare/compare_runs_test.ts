import assert from "node:assert/strict";
import { compareRuns, drawCounts, resampleIndices, ValuePool } from "./mod.ts";
import { resampleCounts } from "./resample.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { percentile } from "../summarize/percentile.ts";
import { syntheticRun } from "./_test_runs.ts";
import { createRng } from "../util/rng.ts";

const fast = syntheticRun({ requests: 200, seed: 1, ttftMeanMs: 20, gapMeanMs: 3, label: "fast" });
const slow = syntheticRun({ requests: 200, seed: 2, ttftMeanMs: 60, gapMeanMs: 3, label: "slow" });

type Row = Record<string, unknown>;
const rowOf = (table: { objects(): object[] }, metric: string, statistic: string) =>
  (table.objects() as Row[]).find((r) => r.metric === metric && r.statistic === statistic)!;

Deno.test("the same inputs and seed give the same table, another seed other intervals", () => {
  const first = compareRuns(slow, fast, { resamples: 200, seed: 5 });
  const again = compareRuns(slow, fast, { resamples: 200, seed: 5 });
  const other = compareRuns(slow, fast, { resamples: 200, seed: 6 });
  assert.deepEqual(first.objects(), again.objects());
  assert.notDeepEqual(first.objects(), other.objects());
});

Deno.test("A and B are the values summarize gives", () => {
  const slo = { ttft_ms: 50 };
  const table = compareRuns(slow, fast, { resamples: 100, slo });
  const summaryA = summarize(toTable(slow), { percentiles: [50, 90, 99], slo }).objects()[0] as Row;
  const summaryB = summarize(toTable(fast), { percentiles: [50, 90, 99], slo }).objects()[0] as Row;
  for (
    const [metric, statistic, column] of [
      ["ttft_ms", "mean", "ttft_ms_mean"],
      ["itl_ms", "p99", "itl_ms_p99"],
      ["server_decode_ms", "p50", "server_decode_ms_p50"],
      ["output_throughput", "value", "output_throughput"],
      ["goodput", "value", "goodput"],
    ]
  ) {
    const row = rowOf(table, metric, statistic);
    assert.equal(row.a, summaryA[column], `${metric} ${statistic} a`);
    assert.equal(row.b, summaryB[column], `${metric} ${statistic} b`);
  }
});

Deno.test("a clearly faster TTFT is 'B lower', a run against itself shows no difference", () => {
  const table = compareRuns(slow, fast, { resamples: 300 });
  assert.equal(rowOf(table, "ttft_ms", "mean").verdict, "B lower");
  assert.equal(rowOf(table, "ttft_ms", "p50").verdict, "B lower");
  const reversed = compareRuns(fast, slow, { resamples: 300 });
  assert.equal(rowOf(reversed, "ttft_ms", "mean").verdict, "B higher");
  const self = compareRuns(fast, fast, { resamples: 300 });
  for (const row of self.objects() as Row[]) {
    assert.equal(row.diff, 0, `${row.metric} ${row.statistic}`);
    assert.equal(row.verdict, "no difference detected", `${row.metric} ${row.statistic}`);
  }
});

Deno.test("each interval contains the difference of the point values for these runs", () => {
  const table = compareRuns(slow, fast, { resamples: 400, seed: 2 });
  for (const row of table.objects() as Row[]) {
    const [low, high, diff] = [row.ci_low, row.ci_high, row.diff] as number[];
    assert.ok(low <= high, `${row.metric} ${row.statistic}: ${low} > ${high}`);
    assert.ok(
      low <= diff && diff <= high,
      `${row.metric} ${row.statistic}: ${diff} ∉ [${low}, ${high}]`,
    );
  }
});

Deno.test("without server spans the server metrics are left out; without an SLO goodput is", () => {
  const plain = (run: typeof fast) => ({
    ...run,
    requests: run.requests.map((r) => ({
      ...r,
      span_status: "not_enriched" as const,
      server_queue_ms: null,
      server_prefill_ms: null,
      server_decode_ms: null,
    })),
  });
  const table = compareRuns(plain(slow), plain(fast), { resamples: 100 });
  assert.deepEqual([...new Set(table.array("metric") as string[])], [
    "ttft_ms",
    "tpot_ms",
    "itl_ms",
    "e2e_ms",
    "request_throughput",
    "output_throughput",
  ]);
});

Deno.test("bad options are refused before any work, naming the option and the value", () => {
  assert.throws(() => compareRuns(slow, fast, { resamples: 10 }), {
    name: "RangeError",
    message: "compareRuns: resamples must be an integer ≥ 100, got 10",
  });
  assert.throws(() => compareRuns(slow, fast, { confidence: 95 }), {
    name: "RangeError",
    message: "compareRuns: confidence must be in (0, 1), got 95",
  });
  assert.throws(() => compareRuns(slow, fast, { seed: 1.5 }), {
    name: "RangeError",
    message: "compareRuns: seed must be an integer, got 1.5",
  });
  assert.throws(() => compareRuns(slow, fast, { metrics: ["nope_ms"] }), {
    name: "TypeError",
    message: 'compareRuns: metrics ["nope_ms"] are not columns of a',
  });
  assert.throws(() => compareRuns(null as never, fast), {
    name: "TypeError",
    message: /^compareRuns: a must be a Run/,
  });
});

Deno.test("the table shows as HTML in Jupyter and as text in console.log", () => {
  const table = compareRuns(slow, fast, { resamples: 100 });
  const bundle = (table as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.match(bundle["text/html"], /<table class="vllm-metrics-comparison">/);
  assert.match(bundle["text/html"], /B lower/);
  assert.match(Deno.inspect(table), /^metric\s+statistic\s+A\s+B/);
  assert.match(Deno.inspect(table), /A = slow \(200 requests\), B = fast \(200 requests\); 95 %/);
});

Deno.test("a pool's resample percentiles equal numpy-linear percentiles of the copied resample", () => {
  // Random lists, random draws, many percentiles near and far from the windows' centres.
  const rng = createRng(9);
  const lists = Array.from(
    { length: 300 },
    () =>
      rng.next() < 0.1
        ? null
        : Array.from({ length: rng.int(0, 6) }, () => Math.round(rng.exponential(10))),
  );
  const percentiles = [0, 1, 25, 50, 90, 99, 100];
  const pool = ValuePool.fromLists(lists, percentiles);
  const counts = new Uint32Array(lists.length);
  for (const draw of resampleIndices(lists.length, 50, 3)) {
    counts.fill(0);
    for (const i of draw) counts[i]++;
    const copied = draw.flatMap((i) => lists[i] ?? []);
    const stats = pool.stats(counts);
    assert.equal(stats.count, copied.length);
    percentiles.forEach((p, k) =>
      assert.equal(stats.percentiles[k], percentile(copied, p), `p${p}`)
    );
  }
  // A resample far from the data (one request drawn every time) leaves the windows: still exact.
  const longest = lists.reduce(
    (best, list, i) => ((list?.length ?? 0) > (lists[best]?.length ?? 0) ? i : best),
    0,
  );
  counts.fill(0);
  counts[longest] = lists.length;
  const copied = Array.from({ length: lists.length }, () => lists[longest]!).flat();
  const stats = pool.stats(counts);
  percentiles.forEach((p, k) => assert.equal(stats.percentiles[k], percentile(copied, p), `p${p}`));
});

Deno.test("resampleCounts counts exactly the draws of resampleIndices (simple-statistics)", () => {
  const indices = [...resampleIndices(1000, 20, 4)];
  let r = 0;
  for (const counts of resampleCounts(1000, 20, 4)) {
    assert.deepEqual(counts, drawCounts(indices[r++], new Uint32Array(1000)));
  }
  assert.equal(r, 20);
});
