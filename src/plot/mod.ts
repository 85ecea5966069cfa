/**
 * Charts as Vega-Lite specs, headless rendering to SVG/PNG, and the HTML report.
 *
 * Every chart function takes an arquero table (from `toTable`, `toChunkTable` or `summarize`)
 * and returns a plain Vega-Lite 5 spec object with the v5 `$schema`, aggregated before embedding
 * so specs stay small for any number of requests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot, render } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // two requests with TTFT 20 and 30 ms; in real use, toTable(run) of a collected run
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const svg = await render(plot.ecdf(table, { metric: "ttft_ms" }));
 * assert.match(svg, /^<svg /);
 * ```
 *
 * @module
 */

import { histogram as histogramSpec, type HistogramOptions } from "./histogram.ts";
import { ecdf as ecdfSpec, type EcdfOptions } from "./ecdf.ts";
import { breakdown as breakdownSpec, type BreakdownOptions } from "./breakdown.ts";
import { timeline as timelineSpec, type TimelineOptions } from "./timeline.ts";
import { itlOverTime as itlOverTimeSpec, type ItlOverTimeOptions } from "./itl_over_time.ts";
import {
  itlByPosition as itlByPositionSpec,
  type ItlByPositionOptions,
} from "./itl_by_position.ts";
import {
  throughputOverTime as throughputOverTimeSpec,
  type ThroughputOverTimeOptions,
} from "./throughput_over_time.ts";
import { inFlight as inFlightSpec, type InFlightOptions } from "./in_flight.ts";
import { sweep as sweepSpec, type SweepOptions } from "./sweep.ts";
import {
  throughputVsLatency as throughputVsLatencySpec,
  type ThroughputVsLatencyOptions,
} from "./throughput_vs_latency.ts";
import { compare as compareSpec, type CompareOptions } from "./compare.ts";
import { compareCi as compareCiSpec, type CompareCiOptions } from "./compare_ci.ts";
import { pareto as paretoSpec, type ParetoOptions } from "./pareto.ts";
import { serverState as serverStateSpec, type ServerStateOptions } from "./server_state.ts";
import { displayableSpec } from "./bundle.ts";
import type { TableLike } from "./columns.ts";
import type { VegaLiteSpec } from "../types.ts";

/**
 * A histogram of one latency metric: `histogram` of ./histogram.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const spec = plot.histogram(table, { metric: "ttft_ms" });
 * assert.deepEqual(spec.title, {
 *   text: "TTFT distribution", subtitle: "2 values, bins of 0.25 ms", anchor: "start",
 * });
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function histogram(table: TableLike, options: HistogramOptions): VegaLiteSpec {
  return displayableSpec(histogramSpec(table, options));
}

/**
 * The ECDF of one latency metric: `ecdf` of ./ecdf.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const spec = plot.ecdf(table, { metric: "tpot_ms", color: "label" });
 * assert.deepEqual(spec.title, {
 *   text: "TPOT: cumulative distribution", subtitle: "test: 2 values", anchor: "start",
 * });
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function ecdf(table: TableLike, options: EcdfOptions): VegaLiteSpec {
  return displayableSpec(ecdfSpec(table, options));
}

/**
 * Stacked latency phases per request: `breakdown` of ./breakdown.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // one request joined to its span; in real use, toTable(await enrich(run, source))
 * const table = toTable(makeRun([makeRecord({
 *   span_status: "found", server_queue_ms: 1, server_prefill_ms: 9, server_decode_ms: 30,
 *   server_ttft_ms: 15, server_e2e_ms: 45, server_inference_ms: 39, client_overhead_ms: 5,
 *   server_frontend_ms: 5,
 * })]));
 * const spec = plot.breakdown(table);
 * assert.equal((spec.title as { text: string }).text, "Latency breakdown per request");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function breakdown(table: TableLike, options: BreakdownOptions = {}): VegaLiteSpec {
  return displayableSpec(breakdownSpec(table, options));
}

/**
 * The request timeline of one run: `timeline` of ./timeline.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const spec = plot.timeline(table, { maxRequests: 50 });
 * assert.equal((spec.title as { text: string }).text, "Request timeline");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function timeline(table: TableLike, options: TimelineOptions = {}): VegaLiteSpec {
  return displayableSpec(timelineSpec(table, options));
}

/**
 * ITL percentiles per time bin: `itlOverTime` of ./itl_over_time.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const chunkTable = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = plot.itlOverTime(chunkTable);
 * assert.equal((spec.title as { text: string }).text, "Inter-token latency over time");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function itlOverTime(chunkTable: TableLike, options: ItlOverTimeOptions = {}): VegaLiteSpec {
  return displayableSpec(itlOverTimeSpec(chunkTable, options));
}

/**
 * ITL percentiles per position in the response: `itlByPosition` of ./itl_by_position.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const chunkTable = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = plot.itlByPosition(chunkTable);
 * assert.equal(
 *   (spec.title as { text: string }).text,
 *   "Inter-token latency by position in the response",
 * );
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function itlByPosition(
  chunkTable: TableLike,
  options: ItlByPositionOptions = {},
): VegaLiteSpec {
  return displayableSpec(itlByPositionSpec(chunkTable, options));
}

/**
 * Output tokens/s per time bin: `throughputOverTime` of ./throughput_over_time.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const chunkTable = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = plot.throughputOverTime(chunkTable);
 * assert.equal((spec.title as { text: string }).text, "Output throughput over time");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function throughputOverTime(
  chunkTable: TableLike,
  options: ThroughputOverTimeOptions = {},
): VegaLiteSpec {
  return displayableSpec(throughputOverTimeSpec(chunkTable, options));
}

/**
 * Requests in flight over time: `inFlight` of ./in_flight.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const spec = plot.inFlight(table);
 * assert.equal((spec.title as { text: string }).text, "Requests in flight");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function inFlight(table: TableLike, options: InFlightOptions = {}): VegaLiteSpec {
  return displayableSpec(inFlightSpec(table, options));
}

/**
 * Summary metrics against load: `sweep` of ./sweep.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // runs at concurrency 1 and 4; in real use, summarize(toTable(runs)) of a sweep
 * const runs = [1, 4].map((c) =>
 *   makeRun([makeRecord({ run_id: `c${c}`, ttft_ms: 10 * c })], {
 *     label: `c=${c}`, load: { concurrency: c, burstiness: 1, warmup: 0, seed: 0 },
 *   })
 * );
 * const spec = plot.sweep(summarize(toTable(runs)), { x: "concurrency", y: ["ttft_ms_p99"] });
 * assert.deepEqual(spec.title, {
 *   text: "Latency vs concurrency", subtitle: "2 load levels", anchor: "start",
 * });
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function sweep(summary: TableLike, options: SweepOptions): VegaLiteSpec {
  return displayableSpec(sweepSpec(summary, options));
}

/**
 * Throughput against latency over a sweep: `throughputVsLatency` of ./throughput_vs_latency.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // runs at concurrency 1 and 4; in real use, summarize(toTable(runs)) of a sweep
 * const runs = [1, 4].map((c) =>
 *   makeRun([makeRecord({ run_id: `c${c}`, ttft_ms: 10 * c })], {
 *     label: `c=${c}`, load: { concurrency: c, burstiness: 1, warmup: 0, seed: 0 },
 *   })
 * );
 * const spec = plot.throughputVsLatency(summarize(toTable(runs)), { latency: "tpot_ms_p50" });
 * assert.equal((spec.title as { text: string }).text, "Throughput vs latency");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function throughputVsLatency(
  summary: TableLike,
  options: ThroughputVsLatencyOptions = {},
): VegaLiteSpec {
  return displayableSpec(throughputVsLatencySpec(summary, options));
}

/**
 * One metric compared across runs: `compare` of ./compare.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable([ // in real use, toTable([baseline, tuned]) of two runs
 *   makeRun([makeRecord({ run_id: "a" })], { label: "baseline" }),
 *   makeRun([makeRecord({ run_id: "b", ttft_ms: 15 })], { label: "tuned" }),
 * ]);
 * const spec = plot.compare(table, { metric: "ttft_ms", by: "label" });
 * assert.equal((spec.title as { text: string }).text, "TTFT by label");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function compare(table: TableLike, options: CompareOptions): VegaLiteSpec {
  return displayableSpec(compareSpec(table, options));
}

/**
 * The differences of a `compareRuns` table with their confidence intervals, as a forest plot:
 * `compareCi` of ./compare_ci.ts (see there for details), with the spec made to display as a
 * chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { compareRuns } from "../compare/compare_runs.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // in real use, two runs from `load` or `collect`
 * const runOf = (ttft: number) =>
 *   makeRun(Array.from({ length: 30 }, (_, i) => makeRecord({ index: i, ttft_ms: ttft + (i % 4) })));
 * const spec = plot.compareCi(compareRuns(runOf(30), runOf(20)));
 * assert.equal((spec.title as { text: string }).text, "B − A with confidence intervals");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function compareCi(comparison: TableLike, options: CompareCiOptions = {}): VegaLiteSpec {
  return displayableSpec(compareCiSpec(comparison, options));
}

/**
 * Interactivity (output tokens/s per user) against throughput over a sweep, with its Pareto
 * front: `pareto` of ./pareto.ts (see there for details), with the spec made to display as a
 * chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // in real use, summarize(toTable(runs)) of a sweep
 * const runs = [1, 4].map((c) =>
 *   makeRun([makeRecord({ run_id: `c${c}`, tpot_ms: 10 * c })], {
 *     load: { concurrency: c, burstiness: 1, warmup: 0, seed: 0 },
 *   })
 * );
 * const spec = plot.pareto(summarize(toTable(runs)));
 * assert.equal((spec.title as { text: string }).text, "Interactivity vs throughput");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function pareto(summary: TableLike, options: ParetoOptions = {}): VegaLiteSpec {
  return displayableSpec(paretoSpec(summary, options));
}

/**
 * vLLM's KV-cache usage, requests running and waiting, and preemptions over a run, on the time
 * axis of `plot.inFlight`: `serverState` of ./server_state.ts (see there for details), with the
 * spec made to display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toMetricsTable } from "../table/to_metrics_table.ts";
 * import { makeRun } from "../table/fixtures.ts";
 * const run = makeRun([]); // in real use, a run collected with scrapeInterval
 * run.meta.server_metrics = {
 *   url: "http://127.0.0.1:8000/metrics", interval_ms: 1000,
 *   at_ms: [run.meta.started_ms, run.meta.started_ms + 1000],
 *   values: { 'vllm:num_requests_waiting{engine="0"}': [4, 1] },
 *   types: { "vllm:num_requests_waiting": "gauge" }, failures: 0, skipped: 0, last_error: null,
 * };
 * const spec = plot.serverState(toMetricsTable(run));
 * assert.equal((spec.title as { text: string }).text, "Server state over time");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function serverState(metrics: TableLike, options: ServerStateOptions = {}): VegaLiteSpec {
  return displayableSpec(serverStateSpec(metrics, options));
}

export type { BreakdownOptions } from "./breakdown.ts";
export type { CompareCiOptions } from "./compare_ci.ts";
export type { CompareOptions } from "./compare.ts";
export type { EcdfOptions } from "./ecdf.ts";
export type { HistogramOptions } from "./histogram.ts";
export type { InFlightOptions } from "./in_flight.ts";
export type { ItlByPositionOptions } from "./itl_by_position.ts";
export type { ItlOverTimeOptions } from "./itl_over_time.ts";
export type { ParetoOptions } from "./pareto.ts";
export type { ServerStateOptions } from "./server_state.ts";
export type { SweepOptions } from "./sweep.ts";
export type { ThroughputOverTimeOptions } from "./throughput_over_time.ts";
export type { ThroughputVsLatencyOptions } from "./throughput_vs_latency.ts";
export type { TimelineOptions } from "./timeline.ts";
export { render, type RenderOptions } from "./render.ts";
export { report, reportFromTables, type ReportInput, type ReportTables } from "./report.ts";
export {
  describeSpec,
  displayableSpec,
  specBundle,
  VEGA_LITE_MIME,
  type VegaLiteBundle,
} from "./bundle.ts";
export { type ChartOptions, noDataSpec, VEGA_LITE_SCHEMA } from "./spec.ts";
export type { TableLike } from "./columns.ts";
export type { Run, VegaLiteSpec } from "../types.ts";

/**
 * All chart functions in one object, as in `plot.ecdf(table, { metric: "ttft_ms" })`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const spec = plot.ecdf(table, { metric: "ttft_ms" });
 * assert.equal((spec.title as { text: string }).text, "TTFT: cumulative distribution");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export const plot = {
  histogram,
  ecdf,
  breakdown,
  timeline,
  itlOverTime,
  itlByPosition,
  throughputOverTime,
  inFlight,
  sweep,
  throughputVsLatency,
  compare,
  compareCi,
  pareto,
  serverState,
} as const;
