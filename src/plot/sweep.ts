/**
 * Sweep curves: summary metrics against the load level (concurrency or request rate).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { groupKeys, numbers, requireColumns, type TableLike } from "./columns.ts";
import { columnTitle, columnUnit } from "./labels.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { tidy } from "./stats.ts";
import { oneOf, optionMessage } from "../util/options.ts";

/** Options of {@link sweep}. */
export interface SweepOptions extends ChartOptions {
  /** The load column on the x axis. */
  x: "concurrency" | "rate";
  /**
   * Summary columns on the y axis, e.g. `["ttft_ms_p50", "ttft_ms_p99"]` (default TTFT and TPOT
   * p50 and p99). Each metric (TTFT, TPOT, throughput, ...) gets its own panel and y axis; its
   * statistics (p50, p99, ...) share that panel.
   */
  y?: string | string[];
  /**
   * The series column: one line per value (e.g. `"model"` when sweeping two servers), drawn
   * with its own dash, as colours already show the metric.
   */
  color?: string;
  /** Log-2 x axis: default when the load values span a factor of 8 or more. */
  logX?: boolean;
}

/** The default y columns of {@link sweep}. */
export const SWEEP_DEFAULT_Y = ["ttft_ms_p50", "ttft_ms_p99", "tpot_ms_p50", "tpot_ms_p99"];

/**
 * Lines with points of summary metrics against load, one row of `summarize()` per point (rows
 * with a null load value are left out). Colors show the metric; `color` adds a dash per group.
 * Different metrics (TTFT and TPOT, or latency and tok/s) go into stacked panels with their own
 * y axes, so a small metric is not squashed by a large one.
 * Throws a `TypeError` naming missing columns; no usable rows gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweep } from "./sweep.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // runs at concurrency 1 and 4; in real use, summarize(toTable(runs)) of a sweep
 * const runs = [1, 4].map((c) =>
 *   makeRun([makeRecord({ run_id: `c${c}`, ttft_ms: 10 * c })], {
 *     label: `c=${c}`, load: { concurrency: c, burstiness: 1, warmup: 0, seed: 0 },
 *   })
 * );
 * const summary = summarize(toTable(runs));
 * const spec = sweep(summary, { x: "concurrency", y: ["ttft_ms_p99", "tpot_ms_p99"] });
 * const points = (spec.data as { values: { x: number; metric: string; value: number }[] })
 *   .values;
 * assert.deepEqual(points.map((p) => [p.x, p.metric, p.value]), [
 *   [1, "TTFT p99", 10],
 *   [1, "TPOT p99", 10],
 *   [4, "TTFT p99", 40],
 *   [4, "TPOT p99", 10],
 * ]);
 * ```
 */
export function sweep(summary: TableLike, options: SweepOptions): VegaLiteSpec {
  const xCol = oneOf("plot.sweep", "x", options?.x, ["concurrency", "rate"] as const);
  const ys = options.y === undefined
    ? SWEEP_DEFAULT_Y
    : Array.isArray(options.y)
    ? options.y
    : [options.y];
  if (ys.length === 0) {
    throw new RangeError(optionMessage("plot.sweep", "y", "at least one column name", options.y));
  }
  requireColumns(summary, [xCol, ...ys, ...(options.color ? [options.color] : [])], "plot.sweep");
  const width = size("plot.sweep", "width", options.width, DEFAULT_WIDTH);
  const title = options.title ?? `Latency vs ${xCol === "rate" ? "request rate" : "concurrency"}`;
  const x = numbers(summary, xCol);
  const groups = groupKeys(summary, options.color);
  const yValues = ys.map((c) => numbers(summary, c));
  const rows: Record<string, unknown>[] = [];
  let xMin = Infinity, xMax = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === null) continue;
    ys.forEach((c, k) => {
      const v = yValues[k][i];
      if (v === null) return;
      xMin = Math.min(xMin, x[i]!);
      xMax = Math.max(xMax, x[i]!);
      rows.push({
        x: x[i],
        metric: columnTitle(c).replace(/ \([^()]*\)$/, ""),
        unit: columnUnit(c) || "value",
        panel: panelOf(c),
        value: tidy(v),
        ...(options.color ? { group: groups[i] } : {}),
      });
    });
  }
  if (rows.length === 0) {
    return noDataSpec(title, `no rows with both ${xCol} and a y value`, { width });
  }
  const logX = options.logX ?? (xMin > 0 && xMax / xMin >= 8);
  const units = [...new Set(rows.map((r) => r.panel as string))];
  const panelHeight = size(
    "plot.sweep",
    "height",
    options.height,
    units.length > 1 ? Math.max(160, Math.floor(DEFAULT_HEIGHT * 0.7)) : DEFAULT_HEIGHT,
  );
  const xs = [...new Set(rows.map((r) => r.x as number))].sort((a, b) => a - b);
  const layer = {
    mark: { type: "line", point: { size: 40, filled: true }, strokeWidth: 1.8 },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: columnTitle(xCol),
        scale: logX ? { type: "log", base: 2 } : { zero: false },
        axis: xs.length <= 12 ? { values: xs, format: "~g" } : { format: "~g" },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: units.length > 1 ? null : yTitle(ys),
        scale: { zero: true },
      },
      color: { field: "metric", type: "nominal", title: "metric", sort: null },
      ...(options.color
        ? { strokeDash: { field: "group", type: "nominal", title: options.color, sort: null } }
        : {}),
      tooltip: [
        { field: "x", title: xCol },
        { field: "metric", title: "metric" },
        { field: "value", title: "value", format: ".2f" },
        { field: "unit", title: "unit" },
        ...(options.color ? [{ field: "group", title: options.color }] : []),
      ],
    },
  };
  const head = base(
    `Sweep: ${ys.join(", ")} against ${xCol}`,
    title,
    `${xs.length} load levels` + (logX ? " · log₂ x axis" : ""),
    width,
    panelHeight,
  );
  if (units.length === 1) return { ...head, data: { values: rows }, ...layer };
  // Several metrics: one panel (row) per metric, each with its own y axis.
  const { width: w, height: h, ...rest } = head;
  return {
    ...rest,
    data: { values: rows },
    facet: {
      row: {
        field: "panel",
        type: "nominal",
        title: null,
        sort: units,
        header: { labelFontSize: 12, labelFontWeight: "bold" },
      },
    },
    spec: { width: w, height: h, ...layer },
    resolve: { scale: { y: "independent" } },
  };
}

/** The panel of a column: its title without the statistic, e.g. `tpot_ms_p99` → `TPOT (ms)`. */
function panelOf(column: string): string {
  return columnTitle(column).replace(/ (mean|std|min|max|p[\d.]+)( \([^()]*\))$/, "$2");
}

function yTitle(ys: string[]): string {
  if (ys.length === 1) return columnTitle(ys[0]);
  const unit = columnUnit(ys[0]);
  const names = [...new Set(ys.map((c) => columnTitle(c).replace(/ \S+ \([^()]*\)$/, "")))];
  return names.length === 1 ? `${names[0]} (${unit})` : unit ? `latency (${unit})` : "value";
}
