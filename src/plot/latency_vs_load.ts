/**
 * Latency against the load in force when each request was sent (a ramp's rate or concurrency).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { numbers, requireColumns, successMask, type TableLike } from "./columns.ts";
import { runKeys, statRunEncoding } from "./lines.ts";
import { columnTitle, metricName } from "./labels.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { positiveInt } from "../util/options.ts";
import { binIndex, type Bins, niceBins, percentilesByBin, tidy } from "./stats.ts";
import { fmtCount } from "./values.ts";

/** Options of {@link latencyVsLoad}. */
export interface LatencyVsLoadOptions extends ChartOptions {
  /** Latency column on the y axis (default `"ttft_ms"`). */
  metric?: string;
  /** Load column on the x axis: `"load_rate_rps"` (default) or `"load_concurrency"`. */
  load?: string;
  /** Number of load bins at most (default 20); fewer distinct whole loads get one bin each. */
  maxBins?: number;
}

/** The percentiles drawn per load bin. */
const STATS = ["p50", "p90"];

/**
 * How latency grows with load during a ramp: successful requests binned by the load in force
 * when they were sent (`load_rate_rps` or `load_concurrency`, see `RequestRecord`), with the
 * p50 and p90 of `metric` per bin as lines (one color per percentile; with several runs, one
 * color per run and a dash per percentile). Whole-number loads with at most `maxBins` distinct
 * values (a concurrency ramp) get one bin per value; others nice bins. Aggregated before
 * embedding; each bin's request count is in the tooltip. Throws a `TypeError` naming missing
 * columns; no rows with both values gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyVsLoad } from "./latency_vs_load.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // TTFT grows with the concurrency in force; in real use, toTable(run) of a ramped run
 * const table = toTable(makeRun([1, 1, 2, 2].map((c, index) =>
 *   makeRecord({ index, load_concurrency: c, ttft_ms: 10 * c + index })
 * )));
 * const spec = latencyVsLoad(table, { load: "load_concurrency" });
 * const p50 = (spec.data as { values: { stat: string; load: number; ms: number }[] }).values
 *   .filter((v) => v.stat === "p50");
 * assert.deepEqual(p50.map((v) => [v.load, v.ms]), [[1, 10.5], [2, 22.5]]);
 * ```
 */
export function latencyVsLoad(table: TableLike, options: LatencyVsLoadOptions = {}): VegaLiteSpec {
  const metric = options.metric ?? "ttft_ms";
  const load = options.load ?? "load_rate_rps";
  requireColumns(table, [metric, load], "plot.latencyVsLoad");
  const width = size("plot.latencyVsLoad", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.latencyVsLoad", "height", options.height, DEFAULT_HEIGHT);
  const maxBins = positiveInt("plot.latencyVsLoad", "maxBins", options.maxBins ?? 20);
  const title = options.title ?? `${metricName(metric)} vs load`;
  const points = loadPoints(table, metric, load);
  if (points.values.length === 0) {
    return noDataSpec(title, `no successful requests with both ${metric} and ${load}`, { width });
  }
  const binned = loadBins(points.loads, maxBins);
  const { runs, rows } = percentilesByBin(
    points.runs,
    points.loads.map(binned.index),
    points.values,
    "load",
    binned.centre,
  );
  const xTitle = columnTitle(load);
  const yTitle = columnTitle(metric);
  return {
    ...base(
      `${metric} percentiles per bin of ${load}`,
      title,
      `${fmtCount(points.values.length)} requests, ${binned.note}`,
      width,
      height,
    ),
    data: { values: rows.filter((r) => STATS.includes(r.stat as string)) },
    mark: { type: "line", point: { size: 24 }, strokeWidth: 1.6 },
    encoding: {
      x: { field: "load", type: "quantitative", title: xTitle, scale: { zero: false } },
      y: { field: "ms", type: "quantitative", title: yTitle },
      ...statRunEncoding("percentile", STATS, runs),
      detail: { field: "run" },
      tooltip: [
        ...(runs.length > 1 ? [{ field: "run", title: "run" }] : []),
        { field: "load", title: xTitle },
        { field: "stat", title: "percentile" },
        { field: "ms", title: yTitle, format: ".2f" },
        { field: "n", title: "requests in bin" },
      ],
    },
  };
}

/** The successful rows' run keys, loads and metric values (rows missing either left out). */
function loadPoints(
  table: TableLike,
  metric: string,
  load: string,
): { runs: string[]; loads: number[]; values: number[] } {
  const keys = runKeys(table);
  const ok = successMask(table);
  const metricValues = numbers(table, metric);
  const loadValues = numbers(table, load);
  const runs: string[] = [], loads: number[] = [], values: number[] = [];
  for (let i = 0; i < metricValues.length; i++) {
    if (!ok[i] || metricValues[i] === null || loadValues[i] === null) continue;
    runs.push(keys[i]);
    loads.push(loadValues[i]!);
    values.push(metricValues[i]!);
  }
  return { runs, loads, values };
}

/** One bin per whole load when there are few, else nice bins over the loads' range. */
function loadBins(
  loads: number[],
  maxBins: number,
): { index: (x: number) => number; centre: (bin: number) => number; note: string } {
  const distinct = [...new Set(loads)];
  if (distinct.length <= maxBins && distinct.every(Number.isInteger)) {
    return { index: (x) => x, centre: (x) => x, note: "one bin per load" };
  }
  const bins: Bins = niceBins(Math.min(...distinct), Math.max(...distinct), maxBins);
  return {
    index: (x) => binIndex(bins, x),
    centre: (b) => tidy(bins.start + (b + 0.5) * bins.step),
    note: `bins of ${tidy(bins.step)}`,
  };
}
