/**
 * A forest plot of a `compareRuns` table: every difference B − A with its confidence interval,
 * on one axis (in % of A by default, so latencies and rates fit together).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { requireColumns, type TableLike } from "./columns.ts";
import { base, type ChartOptions, DEFAULT_WIDTH, noDataSpec, size } from "./spec.ts";
import { metricLabel } from "../compare/compare_display.ts";
import { ofType } from "../util/options.ts";

/** Options of {@link compareCi}. */
export interface CompareCiOptions extends ChartOptions {
  /** Differences in % of A (default true); false: in the metric's unit (mixes ms, tok/s, req/s). */
  relative?: boolean;
}

const VERDICT_COLOURS = {
  domain: ["B lower", "B higher", "no difference detected"],
  range: ["#1f77b4", "#ff7f0e", "#8c8c8c"],
};

/**
 * The differences of a `compareRuns` table as a forest plot: one row per compared quantity
 * (TTFT mean, TTFT p50, …, output throughput), a point at B − A, a bar over its confidence
 * interval, coloured by the verdict, and a rule at 0: a bar that misses the rule is a difference
 * the data supports. Rows without an interval are left out; none gives a "no data" chart. Throws
 * a TypeError naming missing columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareCi } from "./compare_ci.ts";
 * import { table } from "../deps/arquero.ts";
 * // in real use, compareRuns(runA, runB)
 * const comparison = table({
 *   metric: ["ttft_ms"], statistic: ["p99"], unit: ["ms"], a: [40], b: [30], diff: [-10],
 *   diff_pct: [-25], ci_low: [-14], ci_high: [-6], ci_low_pct: [-35], ci_high_pct: [-15],
 *   verdict: ["B lower"],
 * });
 * const spec = compareCi(comparison);
 * assert.deepEqual((spec.data as { values: unknown[] }).values, [
 *   { quantity: "TTFT p99", diff: -25, low: -35, high: -15, verdict: "B lower", a: 40, b: 30, unit: "ms" },
 * ]);
 * ```
 */
export function compareCi(table: TableLike, options: CompareCiOptions = {}): VegaLiteSpec {
  const relative = ofType("plot.compareCi", "relative", options.relative ?? true, "boolean");
  const [diff, low, high] = relative
    ? ["diff_pct", "ci_low_pct", "ci_high_pct"]
    : ["diff", "ci_low", "ci_high"];
  const needed = ["metric", "statistic", "unit", "a", "b", diff, low, high, "verdict"];
  requireColumns(table, needed, "plot.compareCi");
  const column = (name: string) => Array.from(table.array(name));
  const [metric, statistic, unit, a, b, d, l, h, verdict] = needed.map(column);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < metric.length; i++) {
    if (typeof l[i] !== "number" || typeof h[i] !== "number" || typeof d[i] !== "number") continue;
    const stat = statistic[i] === "value" ? "" : ` ${statistic[i]}`;
    rows.push({
      quantity: `${metricLabel(String(metric[i]))}${stat}`,
      diff: d[i],
      low: l[i],
      high: h[i],
      verdict: verdict[i],
      a: a[i],
      b: b[i],
      unit: unit[i],
    });
  }
  const title = options.title ?? "B − A with confidence intervals";
  const width = size("plot.compareCi", "width", options.width, DEFAULT_WIDTH);
  if (rows.length === 0) return noDataSpec(title, "no difference with an interval", { width });
  const height = size("plot.compareCi", "height", options.height, Math.max(80, rows.length * 18));
  const xTitle = relative ? "B − A (% of A)" : "B − A (unit of each row)";
  const x = (field: string) => ({ field, type: "quantitative", title: xTitle });
  const y = { field: "quantity", type: "nominal", title: null, sort: null };
  return {
    ...base(
      `Forest plot of B − A for ${rows.length} statistics`,
      title,
      "point: B − A · bar: bootstrap confidence interval · a bar clear of 0 is a real difference",
      width,
      height,
    ),
    data: { values: rows },
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: "rule", color: "#333", strokeDash: [4, 3] },
        encoding: { x: { field: "zero", type: "quantitative" } },
      },
      {
        mark: { type: "rule", strokeWidth: 3 },
        encoding: {
          y,
          x: x("low"),
          x2: { field: "high" },
          color: { field: "verdict", type: "nominal", scale: VERDICT_COLOURS, title: "verdict" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 40 },
        encoding: {
          y,
          x: x("diff"),
          color: { field: "verdict", type: "nominal", scale: VERDICT_COLOURS, title: "verdict" },
          tooltip: [
            { field: "quantity" },
            { field: "a", title: "A", format: ".4~g" },
            { field: "b", title: "B", format: ".4~g" },
            { field: "unit" },
            { field: "diff", title: relative ? "B − A (%)" : "B − A", format: ".3~g" },
            { field: "low", title: "interval from", format: ".3~g" },
            { field: "high", title: "interval to", format: ".3~g" },
            { field: "verdict" },
          ],
        },
      },
    ],
  };
}
