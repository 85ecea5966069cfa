/**
 * Charts as Vega-Lite specs, headless rendering to SVG/PNG, and the HTML report.
 *
 * Every chart function takes an arquero table (from `toTable`, `toChunkTable` or `summarize`)
 * and returns a plain Vega-Lite 5 spec object with the v5 `$schema`, aggregated before embedding
 * so specs stay small for any number of requests.
 *
 * @example
 * ```ts
 * import { plot, render } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike; // toTable(run)
 * const svg = await render(plot.ecdf(table, { metric: "ttft_ms" }));
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
import { displayableSpec } from "./bundle.ts";
import type { TableLike } from "./columns.ts";
import type { VegaLiteSpec } from "../types.ts";

/**
 * A histogram of one latency metric: `histogram` of ./histogram.ts (see there for details), with the spec made to
 * display as a chart in Jupyter.
 *
 * @example
 * ```ts
 * import { plot } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike;
 * const spec = plot.histogram(table, { metric: "ttft_ms" });
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
 * import { plot } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike;
 * const spec = plot.ecdf(table, { metric: "tpot_ms", color: "label" });
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
 * import { plot } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike;
 * const spec = plot.breakdown(table);
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
 * import { plot } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike;
 * const spec = plot.timeline(table, { maxRequests: 50 });
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
 * import { plot } from "./mod.ts";
 * declare const chunkTable: import("./columns.ts").TableLike;
 * const spec = plot.itlOverTime(chunkTable);
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
 * import { plot } from "./mod.ts";
 * declare const chunkTable: import("./columns.ts").TableLike;
 * const spec = plot.itlByPosition(chunkTable);
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
 * import { plot } from "./mod.ts";
 * declare const chunkTable: import("./columns.ts").TableLike;
 * const spec = plot.throughputOverTime(chunkTable);
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
 * import { plot } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike;
 * const spec = plot.inFlight(table);
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
 * import { plot } from "./mod.ts";
 * declare const summary: import("./columns.ts").TableLike;
 * const spec = plot.sweep(summary, { x: "concurrency", y: ["ttft_ms_p99"] });
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
 * import { plot } from "./mod.ts";
 * declare const summary: import("./columns.ts").TableLike;
 * const spec = plot.throughputVsLatency(summary, { latency: "tpot_ms_p50" });
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
 * import { plot } from "./mod.ts";
 * declare const table: import("./columns.ts").TableLike;
 * const spec = plot.compare(table, { metric: "ttft_ms", by: "label" });
 * ```
 */
export function compare(table: TableLike, options: CompareOptions): VegaLiteSpec {
  return displayableSpec(compareSpec(table, options));
}

export type { BreakdownOptions } from "./breakdown.ts";
export type { CompareOptions } from "./compare.ts";
export type { EcdfOptions } from "./ecdf.ts";
export type { HistogramOptions } from "./histogram.ts";
export type { InFlightOptions } from "./in_flight.ts";
export type { ItlByPositionOptions } from "./itl_by_position.ts";
export type { ItlOverTimeOptions } from "./itl_over_time.ts";
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
 * import { plot } from "./mod.ts";
 * declare const summary: import("./columns.ts").TableLike; // summarize(table)
 * const spec = plot.sweep(summary, { x: "concurrency", y: ["ttft_ms_p99"] });
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
} as const;
