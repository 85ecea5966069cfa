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
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
import {
  latencyVsLoad as latencyVsLoadSpec,
  type LatencyVsLoadOptions,
} from "./latency_vs_load.ts";
import { compare as compareSpec, type CompareOptions } from "./compare.ts";
import { compareCi as compareCiSpec, type CompareCiOptions } from "./compare_ci.ts";
import { pareto as paretoSpec, type ParetoOptions } from "./pareto.ts";
import { serverState as serverStateSpec, type ServerStateOptions } from "./server_state.ts";
import { rateSearch as rateSearchSpec, type RateSearchOptions } from "./rate_search.ts";
import { byTurn as byTurnSpec, type ByTurnOptions } from "./by_turn.ts";
import { displayableSpec } from "./bundle.ts";
import type { TableLike } from "./columns.ts";
import type { VegaLiteSpec } from "../types.ts";

/**
 * A histogram of one metric over successful requests. Values are binned before embedding, so the
 * spec stays small for any table size. `itl_ms` flattens every request's list of inter-token
 * gaps (or reads a chunk table's `gap_ms`). Failed requests are left out; an empty result gives
 * a "no data" chart. Throws a `TypeError` naming a missing column.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * The ECDF of one metric over successful requests: y = fraction of values ≤ x, with dotted
 * guides at p50, p90 and p99. Curves with more values than `maxPoints` are drawn through evenly
 * spaced quantiles, so the spec stays small for any table size. `itl_ms` flattens the per-request
 * gap lists (or reads a chunk table's `gap_ms`). Empty input gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * Stacked bars, one per successful request ordered by start time, splitting its E2E latency into
 * client overhead (TTFT − server TTFT), server queue, prefill and decode (from vLLM's span), and
 * the remainder of E2E ("other": server frontend work and network after the last token). Requests
 * without a joined span are left out; if none has one the chart says "no data". Above `maxBars`
 * requests, consecutive requests are averaged per bar. Throws a `TypeError` naming missing columns.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * A Gantt-style chart of one run: y = the request's 0-based `index`, x = seconds since the run's
 * first request. Each request row has two bars side by side, so neither hides the other: above,
 * what the client saw (start → first token → end, light then dark blue); below, what the server's
 * span reports (arrival → queue → prefill → decode). Failed requests are black bars (at least a
 * sliver wide) with a cross at their start. Above `maxRequests`, every k-th request is drawn
 * (stated in the subtitle). The legend lists only the phases present; every bar has a tooltip.
 * Requests without server times show only the client bar. Throws a `TypeError` naming missing
 * columns.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * How inter-token latency evolves during a run: the chunk table's gaps (`gap_ms`) binned by the
 * chunk's arrival time (seconds since the run's first request), drawn as p50/p90/p99 lines per
 * bin (one color per statistic; with several runs, one color per run and a dash per statistic).
 * Rows with `success === false` are left out when the table has a `success` column (the chunk
 * table of src/table has none, so gaps of partial streams are included).
 * Aggregated before embedding, so the spec stays small; each bin's number of gaps is in the
 * tooltip (percentiles of sparse bins are noisy). Empty input gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * Whether gaps grow along the response: the chunk table's `gap_ms` grouped by the chunk's
 * position (`chunk`, 0-based; chunk 0 has no gap), drawn as p50/p90/p99 lines per position bin.
 * Late positions are reached only by long responses, so the tooltip shows how many gaps each bin
 * holds. Rows with `success === false` are left out when the table has a `success` column (the
 * chunk table of src/table has none, so gaps of partial streams are included). Aggregated before
 * embedding. Empty input gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * Output tokens per second over time, from the chunk table: tokens of the chunks arriving in each
 * time bin (seconds since the run's first request) divided by the bin width. When the table's
 * `tokens` column is not filled for every chunk (no continuous usage stats), chunks are counted
 * instead and the axis says "chunks/s" (≈ tokens/s when each chunk carries one token). One line
 * per run. Aggregated before embedding. Empty input gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * How many requests were open at each moment: the time-weighted mean count per time bin of
 * requests between `start_ms` and `end_ms` (client view, failed requests included), and, when
 * the table has server times, of requests waiting in vLLM's queue (`server_start_ms` →
 * + `server_queue_ms`) and running (→ + prefill + decode). Computed before embedding (one row
 * per bin and series). With several runs: one color per run, one dash per series. Throws a
 * `TypeError` naming missing columns; empty input gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * Lines with points of summary metrics against load, one row of `summarize()` per point (rows
 * with a null load value are left out). Colors show the metric; `color` adds a dash per group.
 * Different metrics (TTFT and TPOT, or latency and tok/s) go into stacked panels with their own
 * y axes, so a small metric is not squashed by a large one.
 * Throws a `TypeError` naming missing columns; no usable rows gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * The classic serving trade-off: one point per sweep step (a row of `summarize()`), latency on x,
 * throughput on y, joined in load order and labelled with the load (`c=8` or `4 req/s`) when the
 * summary has `concurrency` or `rate`. The upper-left is better. Throws a `TypeError` naming
 * missing columns; no usable rows gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * How latency grows with load during a ramp: successful requests binned by the load in force
 * when they were sent (`load_rate_rps` or `load_concurrency`, see `RequestRecord`), with the
 * p50 and p90 of `metric` per bin as lines (one color per percentile; with several runs, one
 * color per run and a dash per percentile). Whole-number loads with at most `maxBins` distinct
 * values (a concurrency ramp) get one bin per value; others nice bins. Aggregated before
 * embedding; each bin's request count is in the tooltip. Throws a `TypeError` naming missing
 * columns; no rows with both values gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // in real use, toTable(run) of a run with --ramp
 * const table = toTable(makeRun([5, 10].map((rate, index) =>
 *   makeRecord({ index, load_rate_rps: rate, ttft_ms: 2 * rate })
 * )));
 * const spec = plot.latencyVsLoad(table, { metric: "ttft_ms", load: "load_rate_rps" });
 * assert.equal((spec.title as { text: string }).text, "TTFT vs load");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function latencyVsLoad(table: TableLike, options: LatencyVsLoadOptions = {}): VegaLiteSpec {
  return displayableSpec(latencyVsLoadSpec(table, options));
}

/**
 * Compares one metric across runs. `kind: "box"` draws one horizontal box per group: box p25–p75,
 * white tick at the median, whiskers p5–p95, a dot at p99 and a hollow dot at the maximum
 * (percentiles computed before embedding, so any table size gives a small spec). When a maximum
 * lies far beyond every p99, the axis is cut just past the p99s and that maximum is drawn as ▸ at
 * the edge, as the subtitle says (the tooltip keeps its value); `logX` shows everything instead.
 * `kind: "ecdf"` overlays one ECDF per group (see `ecdf`). Failed requests are left out. Throws a
 * `TypeError` naming missing columns; no values gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const table = toTable([ // in real use, toTable([baseline, tuned]) of two runs
 *   makeRun([makeRecord({ run_id: "a" })], { label: "baseline" }),
 *   makeRun([makeRecord({ run_id: "b", ttft_ms: 15 })], { label: "tuned" }),
 * ]);
 * const spec = plot.compare(table, { metric: "ttft_ms", color: "label" });
 * assert.equal((spec.title as { text: string }).text, "TTFT by label");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function compare(table: TableLike, options: CompareOptions): VegaLiteSpec {
  return displayableSpec(compareSpec(table, options));
}

/**
 * The differences of a `compareRuns` table as a forest plot: one row per compared quantity
 * (TTFT mean, TTFT p50, …, output throughput), a point at B − A, a bar over its confidence
 * interval, coloured by the verdict, and a rule at 0: a bar that misses the rule is a difference
 * the data supports. Rows without an interval are left out; none gives a "no data" chart. Throws
 * a TypeError naming missing columns.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { compareRuns } from "../compare/compare_runs.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * The interactivity–throughput trade-off of a sweep (AIPerf's and vllm bench sweep's Pareto plot):
 * one point per sweep step (a row of `summarize()`), output tokens/s per user on x, the server's
 * output throughput on y, labelled with the load (`c=8` or `4 req/s`). The Pareto front (points
 * no other point beats on both axes) is joined by a line; the upper right is better. Throws a
 * `TypeError` naming missing columns; no usable rows gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * Three panels over time, from the table of `toMetricsTable(run)` (scraped with
 * `scrapeInterval`): vLLM's KV-cache usage in %, requests running and waiting, and preemptions
 * between successive scrapes (the increase of `vllm:num_preemptions_total`). Series with several
 * label sets (engines) are summed per scrape, KV-cache usage averaged. The x axis is seconds
 * since the run's first request, as in `plot.inFlight`. With several runs, one color per run.
 * Throws a `TypeError` naming missing columns; no vLLM gauges gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toMetricsTable } from "../table/to_metrics_table.ts";
 * import { makeRun } from "../table/_fixtures.ts";
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

/**
 * How a metric changes along conversations: the request table's `metric` (default `ttft_ms`)
 * grouped by `turn` (1 = the first user message), drawn as p50/p90/p99 lines per turn and per
 * run. A later turn carries a longer history, so without a prefix cache its TTFT grows with the
 * turn; with one, the history is a cache hit and TTFT stays nearly flat. The tooltip shows how
 * many requests each turn holds (conversations that failed or were cut by the run's end reach
 * fewer turns). Failed requests and rows without a turn (not a conversation's) are left out.
 * Aggregated before embedding. No turn values gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./mod.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // in real use, toTable(run) of a run of conversationsDataset
 * const table = toTable(makeRun([
 *   makeRecord({ index: 0, conversation_id: "a", turn: 1, ttft_ms: 40 }),
 *   makeRecord({ index: 1, conversation_id: "a", turn: 2, ttft_ms: 20 }),
 * ]));
 * const spec = plot.byTurn(table, { metric: "ttft_ms" });
 * assert.equal((spec.title as { text: string }).text, "TTFT by conversation turn");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function byTurn(table: TableLike, options: ByTurnOptions = {}): VegaLiteSpec {
  return displayableSpec(byTurnSpec(table, options));
}

/**
 * One point per probe of a max-rate search (a row of `summarize(table, { slo })` with a `rate`
 * and a `good_fraction`; rows without a rate, such as the measuring probes, are left out):
 * request rate on x, percent of requests meeting every SLO on y, coloured by whether it met
 * `targetPercent` and numbered in row order, with a dashed line at the target and a rule at
 * `foundRps`. Throws a `TypeError` naming missing columns and a `RangeError` for a bad
 * `targetPercent`; no usable rows gives a "no data" chart.
 *
 * The spec displays as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { plot } from "./mod.ts";
 * // in real use, summarize(toTable(result.runs), { slo }) of findMaxRate's runs
 * const summary = aq.table({ rate: [40, 20, 30], good_fraction: [0.1, 1, 0.95] });
 * const spec = plot.rateSearch(summary, { targetPercent: 90, foundRps: 30 });
 * assert.equal((spec.title as { text: string }).text, "Max-rate search");
 * assert.ok(Symbol.for("Jupyter.display") in spec); // shows as a chart in a notebook
 * ```
 */
export function rateSearch(summary: TableLike, options: RateSearchOptions): VegaLiteSpec {
  return displayableSpec(rateSearchSpec(summary, options));
}

export type { BreakdownOptions } from "./breakdown.ts";
export type { ByTurnOptions } from "./by_turn.ts";
export type { CompareCiOptions } from "./compare_ci.ts";
export type { CompareOptions } from "./compare.ts";
export type { EcdfOptions } from "./ecdf.ts";
export type { HistogramOptions } from "./histogram.ts";
export type { InFlightOptions } from "./in_flight.ts";
export type { ItlByPositionOptions } from "./itl_by_position.ts";
export type { ItlOverTimeOptions } from "./itl_over_time.ts";
export type { LatencyVsLoadOptions } from "./latency_vs_load.ts";
export type { ParetoOptions } from "./pareto.ts";
export type { RateSearchOptions } from "./rate_search.ts";
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
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
  latencyVsLoad,
  compare,
  compareCi,
  pareto,
  serverState,
  byTurn,
  rateSearch,
} as const;
