/**
 * Empirical cumulative distribution (ECDF) of one latency metric, optionally one curve per group.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import type { TableLike } from "./columns.ts";
import { columnTitle, metricName } from "./labels.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { ecdfPoints } from "./stats.ts";
import { failedNote, fmtCount, metricGroups, runColumn } from "./values.ts";
import { checkNumber } from "../util/options.ts";

/** Options of {@link ecdf}. */
export interface EcdfOptions extends ChartOptions {
  /** Column to plot: `ttft_ms`, `tpot_ms`, `itl_ms`, `e2e_ms`, `server_*_ms` (`"ttft"` works too). */
  metric: string;
  /**
   * Column whose values get one curve each, e.g. `"label"`. Default: by run (label, else run_id)
   * when the table holds several runs, so they are never pooled.
   */
  color?: string;
  /** Logarithmic x axis (default false); useful when the tail spans orders of magnitude. */
  logX?: boolean;
  /** Points per curve at most (default 500, shared down when there are many groups). */
  maxPoints?: number;
}

/**
 * The ECDF of one metric over successful requests: y = fraction of values ≤ x, with dotted
 * guides at p50, p90 and p99. Curves with more values than `maxPoints` are drawn through evenly
 * spaced quantiles, so the spec stays small for any table size. `itl_ms` flattens the per-request
 * gap lists (or reads a chunk table's `gap_ms`). Empty input gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { ecdf } from "./ecdf.ts";
 * const t = aq.table({ ttft_ms: [12, 15, 14, 40], label: ["a", "a", "b", "b"] });
 * const spec = ecdf(t, { metric: "ttft_ms", color: "label" });
 * assert.deepEqual(spec.title, {
 *   text: "TTFT: cumulative distribution", subtitle: "a: 2, b: 2 values", anchor: "start",
 * });
 * ```
 */
export function ecdf(table: TableLike, options: EcdfOptions): VegaLiteSpec {
  // several runs are never pooled silently: without a color, each run gets its own
  const color = options?.color ?? runColumn(table);
  const { metric, groups, failedExcluded } = metricGroups(
    table,
    options?.metric,
    color,
    "plot.ecdf",
  );
  const width = size("plot.ecdf", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.ecdf", "height", options.height, DEFAULT_HEIGHT);
  const title = options.title ?? `${metricName(metric)}: cumulative distribution`;
  let total = 0;
  for (const v of groups.values()) total += v.length;
  if (total === 0) return noDataSpec(title, `no values of ${metric}`, { width });
  const maxPoints = checkNumber("plot.ecdf", "maxPoints", options.maxPoints ?? 500, {
    integer: true,
    min: 2,
  });
  const perGroup = Math.max(50, Math.floor(Math.min(maxPoints, 1500 / groups.size)));
  const grouped = color !== undefined;
  const logX = options.logX ?? false;
  const rows: Record<string, unknown>[] = [];
  for (const [group, sorted] of groups) {
    // A log axis cannot show values ≤ 0.
    const values = logX ? sorted.filter((v) => v > 0) : sorted;
    for (const p of ecdfPoints(values, perGroup)) {
      rows.push(grouped ? { ...p, group } : p);
    }
  }
  const xTitle = columnTitle(metric);
  const subtitle = [
    grouped
      ? [...groups].map(([g, v]) => `${g}: ${fmtCount(v.length)}`).join(", ") + " values"
      : `${fmtCount(total)} values`,
    failedNote(failedExcluded),
  ].filter((s) => s).join(" · ");
  return {
    ...base(`ECDF of ${xTitle}`, title, subtitle, width, height),
    data: { values: rows },
    layer: [
      {
        data: { values: [{ q: 0.5 }, { q: 0.9 }, { q: 0.99 }] },
        mark: { type: "rule", strokeDash: [2, 3], color: "#999" },
        encoding: { y: { field: "q", type: "quantitative" } },
      },
      {
        data: { values: [{ q: 0.5, t: "p50" }, { q: 0.9, t: "p90" }, { q: 0.99, t: "p99" }] },
        mark: { type: "text", align: "left", dx: 3, dy: -5, fontSize: 9, color: "#777" },
        encoding: {
          y: { field: "q", type: "quantitative" },
          x: { value: 0 },
          text: { field: "t" },
        },
      },
      {
        mark: { type: "line", interpolate: "step-after", strokeWidth: 1.8 },
        encoding: {
          x: {
            field: "value",
            type: "quantitative",
            title: xTitle + (logX ? ", log scale" : ""),
            scale: logX ? { type: "log" } : { zero: false },
          },
          y: {
            field: "fraction",
            type: "quantitative",
            title: "fraction of values ≤ x",
            scale: { domain: [0, 1] },
            axis: { format: "%", values: [0, 0.25, 0.5, 0.75, 0.9, 1] },
          },
          ...(grouped
            ? { color: { field: "group", type: "nominal", title: color, sort: null } }
            : { color: { value: "#4c78a8" } }),
          order: { field: "fraction", type: "quantitative" },
        },
      },
    ],
  };
}
