/**
 * `compareRuns`: is run B really faster than run A? Every compared statistic with its
 * difference, a bootstrap confidence interval of the difference, and a verdict.
 *
 * @module
 */

import { type ColumnTable, table as makeTable } from "../deps/arquero.ts";
import type { Run, Slo } from "../types.ts";
import { toTable } from "../table/to_table.ts";
import { percentile } from "../summarize/percentile.ts";
import { checkSlo } from "../summarize/goodput.ts";
import { bootstrapStatistics, type StatisticKey, statisticKeys } from "./bootstrap.ts";
import { runData } from "./run_data.ts";
import { showComparison } from "./compare_display.ts";
import { percentileColumn } from "../summarize/percentile_column.ts";

/** Options of {@link compareRuns}. */
export interface CompareRunsOptions {
  /** Bootstrap resamples per run (default {@link DEFAULT_RESAMPLES}); an integer ≥ 100. */
  resamples?: number;
  /** Confidence level of the intervals, in (0, 1) (default 0.95). */
  confidence?: number;
  /** Seed of the draws (default 0): run A's are drawn with it, run B's with seed + 1. */
  seed?: number;
  /** SLOs for goodput (as summarize); without it there is no goodput row. */
  slo?: Slo;
  /**
   * Latency columns compared (default: ttft_ms, tpot_ms, itl_ms, e2e_ms, server_queue_ms,
   * server_prefill_ms, server_decode_ms, those of them with values in either run). A list column
   * (itl_ms) is pooled over requests.
   */
  metrics?: string[];
}

/** The default number of bootstrap resamples per run (docs/PERFORMANCE.md: its cost). */
export const DEFAULT_RESAMPLES = 1000;

const DEFAULT_METRICS = [
  "ttft_ms",
  "tpot_ms",
  "itl_ms",
  "e2e_ms",
  "server_queue_ms",
  "server_prefill_ms",
  "server_decode_ms",
];

/** The verdicts of {@link compareRuns}. */
export type Verdict = "B lower" | "B higher" | "no difference detected";

/**
 * Compares run B with run A (each a `Run`, e.g. from `load`, or its request table from
 * `toTable`). One row per compared quantity: for each latency metric (TTFT, TPOT, pooled ITL,
 * E2E, the server's queue, prefill and decode times) its mean, p50, p90 and p99, then the request
 * throughput, output throughput and (with `slo`) goodput.
 *
 * Columns: `metric`, `statistic` (`mean`, `p50`, `p90`, `p99`, or `value` for a rate), `unit`,
 * `a`, `b` (the values `summarize` gives), `diff` (b − a), `diff_pct` (100 · diff / a),
 * `ci_low`, `ci_high` (the bootstrap confidence interval of b − a), `ci_low_pct`, `ci_high_pct`
 * (the same relative to a), and `verdict`: "B lower" when the whole interval is below 0, "B
 * higher" when above, else "no difference detected" (null when a run has no values).
 *
 * The bootstrap: each run's requests (failed ones included) are resampled with replacement,
 * `resamples` times, independently for A and B; every statistic is computed on each resample
 * (whole requests: a request's ITL gaps go together), the differences B* − A* are paired by
 * resample, and the interval is their (1 − confidence)/2 and (1 + confidence)/2 percentiles
 * (numpy linear). Rates of a resample: see docs/metrics.md. Seeded: the same inputs and options
 * give the same table. The table displays as HTML in Jupyter and as text in `console.log`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareRuns } from "./compare_runs.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // in real use, two runs from `load` or `collect`: here 40 requests each, B 10 ms faster
 * const runOf = (ttft: number) =>
 *   makeRun(Array.from({ length: 40 }, (_, i) =>
 *     makeRecord({ index: i, ttft_ms: ttft + (i % 7), e2e_ms: ttft + 40 + (i % 5) })
 *   ));
 * const table = compareRuns(runOf(30), runOf(20), { seed: 1 });
 * const rows = table.objects() as Record<string, unknown>[];
 * const ttftMean = rows.find((r) => r.metric === "ttft_ms" && r.statistic === "mean")!;
 * assert.equal(ttftMean.diff, -10);
 * assert.equal(ttftMean.verdict, "B lower");
 * ```
 */
export function compareRuns(
  a: Run | ColumnTable,
  b: Run | ColumnTable,
  options: CompareRunsOptions = {},
): ColumnTable {
  const settings = checkOptions(options);
  const tableA = asTable(a, "a");
  const tableB = asTable(b, "b");
  const metrics = comparedMetrics(tableA, tableB, options.metrics);
  const runA = runData(tableA, metrics, options.slo);
  const runB = runData(tableB, metrics, options.slo);
  const keys = statisticKeys(metrics, options.slo !== undefined);
  const drawsA = bootstrapStatistics(runA, keys, settings.resamples, settings.seed);
  const drawsB = bootstrapStatistics(runB, keys, settings.resamples, settings.seed + 1);
  const rows = keys.map((key, k) =>
    comparisonRow(key, runA.summary, runB.summary, drawsA[k], drawsB[k], settings.confidence)
  );
  const columns: Record<string, unknown[]> = {};
  for (const name of COLUMNS) columns[name] = rows.map((row) => row[name]);
  return showComparison(makeTable(columns), {
    ...settings,
    labelA: labelOf(tableA, runA.requests),
    labelB: labelOf(tableB, runB.requests),
  });
}

const COLUMNS = [
  "metric",
  "statistic",
  "unit",
  "a",
  "b",
  "diff",
  "diff_pct",
  "ci_low",
  "ci_high",
  "ci_low_pct",
  "ci_high_pct",
  "verdict",
] as const;

type Row = Record<(typeof COLUMNS)[number], unknown>;

/** One row of the result: point values from the summaries, the interval from the draws. */
function comparisonRow(
  key: StatisticKey,
  summaryA: Record<string, unknown>,
  summaryB: Record<string, unknown>,
  drawsA: Float64Array,
  drawsB: Float64Array,
  confidence: number,
): Row {
  const column = summaryColumn(key);
  const a = numberOrNaN(summaryA[column]);
  const b = numberOrNaN(summaryB[column]);
  const [low, high] = differenceInterval(drawsA, drawsB, confidence);
  const relative = (x: number) => (a !== 0 ? (100 * x) / a : NaN);
  return {
    metric: key.metric,
    statistic: key.statistic,
    unit: unitOf(key.metric),
    a: orNull(a),
    b: orNull(b),
    diff: orNull(b - a),
    diff_pct: orNull(relative(b - a)),
    ci_low: orNull(low),
    ci_high: orNull(high),
    ci_low_pct: orNull(relative(low)),
    ci_high_pct: orNull(relative(high)),
    verdict: verdictOf(low, high),
  };
}

/**
 * The confidence interval of B − A from paired resample values: the (1 − confidence)/2 and
 * (1 + confidence)/2 percentiles (numpy linear) of drawsB[r] − drawsA[r], NaN ones left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { differenceInterval } from "./compare_runs.ts";
 * const a = Float64Array.of(10, 10, 10, 10, 10);
 * const b = Float64Array.of(11, 12, 13, 14, 15);
 * assert.deepEqual(differenceInterval(a, b, 0.5), [2, 4]); // the 25th and 75th percentiles
 * ```
 */
export function differenceInterval(
  drawsA: Float64Array,
  drawsB: Float64Array,
  confidence: number,
): [number, number] {
  const diffs = new Float64Array(drawsA.length);
  for (let r = 0; r < diffs.length; r++) diffs[r] = drawsB[r] - drawsA[r];
  const [lowP, highP] = intervalPercentiles(confidence);
  return [percentile(diffs, lowP), percentile(diffs, highP)];
}

/** The percentiles bounding a central interval: 2.5 and 97.5 for 0.95. */
export function intervalPercentiles(confidence: number): [number, number] {
  const low = (100 - 100 * confidence) / 2;
  return [low, 100 - low];
}

function verdictOf(low: number, high: number): Verdict | null {
  if (Number.isNaN(low) || Number.isNaN(high)) return null;
  if (high < 0) return "B lower";
  if (low > 0) return "B higher";
  return "no difference detected";
}

function summaryColumn(key: StatisticKey): string {
  if (key.statistic === "value") return key.metric;
  if (key.statistic === "mean") return `${key.metric}_mean`;
  return percentileColumn(key.metric, Number(key.statistic.slice(1)));
}

function unitOf(metric: string): string {
  if (metric.endsWith("_ms")) return "ms";
  return metric === "output_throughput" ? "tok/s" : "req/s";
}

interface Settings {
  resamples: number;
  confidence: number;
  seed: number;
}

function checkOptions(options: CompareRunsOptions): Settings {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`compareRuns: options must be an object, got ${options}`);
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 100) {
    throw new RangeError(`compareRuns: resamples must be an integer ≥ 100, got ${resamples}`);
  }
  const confidence = options.confidence ?? 0.95;
  if (typeof confidence !== "number" || !(confidence > 0 && confidence < 1)) {
    throw new RangeError(`compareRuns: confidence must be in (0, 1), got ${confidence}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`compareRuns: seed must be an integer, got ${seed}`);
  }
  if (options.slo !== undefined) checkSlo(options.slo);
  if (options.metrics !== undefined && !Array.isArray(options.metrics)) {
    throw new TypeError(`compareRuns: metrics must be an array of column names`);
  }
  return { resamples, confidence, seed };
}

function asTable(input: Run | ColumnTable, name: string): ColumnTable {
  if (input !== null && typeof input === "object") {
    if ("meta" in input && "requests" in input) return toTable(input);
    if (typeof (input as ColumnTable).columnNames === "function") return input as ColumnTable;
  }
  throw new TypeError(
    `compareRuns: ${name} must be a Run (from load or collect) or its table (toTable), got ${
      input === null ? "null" : typeof input
    }`,
  );
}

/** The latency metrics to compare: the given ones (checked) or the defaults with values. */
function comparedMetrics(a: ColumnTable, b: ColumnTable, given?: string[]): string[] {
  if (given) {
    for (const [name, table] of [["a", a], ["b", b]] as const) {
      const missing = given.filter((m) => typeof m !== "string" || !table.column(m));
      if (missing.length > 0) {
        throw new TypeError(
          `compareRuns: metrics ${JSON.stringify(missing)} are not columns of ${name}`,
        );
      }
    }
    return given;
  }
  return DEFAULT_METRICS.filter((m) =>
    a.column(m) && b.column(m) && (hasValue(a, m) || hasValue(b, m))
  );
}

function hasValue(table: ColumnTable, name: string): boolean {
  const column = table.column(name)!;
  for (const row of table.indices()) {
    const v = column.at(row);
    if (typeof v === "number" ? Number.isFinite(v) : v != null) return true;
  }
  return false;
}

/** "label (n requests)" of a run's table: its first label, else "run". */
function labelOf(table: ColumnTable, requests: number): string {
  const labels = table.column("label");
  const rows = table.indices();
  const label = labels && rows.length > 0 ? labels.at(rows[0]) : null;
  return `${typeof label === "string" && label ? label : "run"} (${requests} requests)`;
}

function numberOrNaN(value: unknown): number {
  return typeof value === "number" ? value : NaN;
}

function orNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
