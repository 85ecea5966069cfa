/**
 * Comparison of one metric across runs (or any grouping column).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import type { TableLike } from "./columns.ts";
import { ecdf } from "./ecdf.ts";
import { columnTitle, columnUnit, metricName } from "./labels.ts";
import { base, type ChartOptions, DEFAULT_WIDTH, noDataSpec, size } from "./spec.ts";
import { quantileSorted, tidy } from "./stats.ts";
import { failedNote, fmtCount, metricGroups } from "./values.ts";
import { oneOf } from "../util/options.ts";

/** Options of {@link compare}. */
export interface CompareOptions extends ChartOptions {
  /** Column to compare: `ttft_ms`, `tpot_ms`, `itl_ms`, `e2e_ms`, `server_*_ms` (`"ttft"` works). */
  metric: string;
  /** The series column: one box or curve per value (default `"label"`). */
  color?: string;
  /** `"box"` (default): percentile boxes per group; `"ecdf"`: one ECDF curve per group. */
  kind?: "box" | "ecdf";
  /** Logarithmic metric axis (default false). */
  logX?: boolean;
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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compare } from "./compare.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const table = toTable([ // in real use, toTable([runA, runB])
 *   makeRun([makeRecord({ run_id: "a" })], { label: "baseline" }),
 *   makeRun([makeRecord({ run_id: "b", ttft_ms: 15 })], { label: "tuned" }),
 * ]);
 * const spec = compare(table, { metric: "ttft_ms", color: "label" });
 * assert.deepEqual((spec.data as { values: unknown[] }).values, [
 *   { group: "baseline", n: 1, p5: 20, p25: 20, p50: 20, p75: 20, p95: 20, p99: 20, max: 20 },
 *   { group: "tuned", n: 1, p5: 15, p25: 15, p50: 15, p75: 15, p95: 15, p99: 15, max: 15 },
 * ]);
 * ```
 */
export function compare(table: TableLike, options: CompareOptions): VegaLiteSpec {
  if (options === null || typeof options !== "object" || options.metric === undefined) {
    throw new TypeError(
      'plot.compare: say which metric to compare, e.g. plot.compare(table, { metric: "ttft_ms" }) ' +
        '(options: metric, color = "label", kind = "box" | "ecdf")',
    );
  }
  const by = options.color ?? "label";
  const kind = options.kind ?? "box";
  oneOf("plot.compare", "kind", kind, ["box", "ecdf"]);
  if (kind === "ecdf") {
    return ecdf(table, {
      metric: options.metric,
      color: by,
      logX: options.logX,
      width: options.width,
      height: options.height,
      title: options.title ?? `${metricName(options.metric)} by ${by}`,
    });
  }
  const { metric, groups, failedExcluded } = metricGroups(
    table,
    options.metric,
    by,
    "plot.compare",
  );
  const width = size("plot.compare", "width", options.width, DEFAULT_WIDTH);
  const title = options.title ?? `${metricName(metric)} by ${by}`;
  const rows: Record<string, unknown>[] = [];
  for (const [group, sorted] of groups) {
    if (sorted.length === 0) continue;
    const q = (p: number) => tidy(quantileSorted(sorted, p));
    rows.push({
      group,
      n: sorted.length,
      p5: q(0.05),
      p25: q(0.25),
      p50: q(0.5),
      p75: q(0.75),
      p95: q(0.95),
      p99: q(0.99),
      max: q(1),
    });
  }
  if (rows.length === 0) return noDataSpec(title, `no values of ${metric}`, { width });
  const height = size("plot.compare", "height", options.height, Math.max(80, rows.length * 36));
  const xTitle = columnTitle(metric);
  const logX = options.logX ?? false;
  const cut = logX ? null : axisCut(rows);
  if (cut !== null) {
    for (const r of rows) {
      r.p99_shown = Math.min(r.p99 as number, cut);
      r.max_shown = Math.min(r.max as number, cut);
    }
  }
  const y = {
    field: "group",
    type: "nominal",
    title: by,
    sort: null,
    axis: { labelLimit: 200 },
  };
  const x = (field: string) => ({
    field,
    type: "quantitative",
    title: xTitle + (logX ? ", log scale" : ""),
    scale: logX
      ? { type: "log" }
      : cut !== null
      ? { zero: false, domain: [Math.min(...rows.map((r) => r.p5 as number)), cut], nice: false }
      : { zero: false },
  });
  const unit = columnUnit(metric);
  const cutNote = cut === null
    ? ""
    : `axis cut at ${tidy(cut)}${
      unit ? ` ${unit}` : ""
    }: larger p99/max values are ▸ at the edge (largest ${
      tidy(Math.max(...rows.map((r) => r.max as number)))
    }${unit ? ` ${unit}` : ""})`;
  return {
    ...base(
      `Distribution of ${xTitle} per ${by}`,
      title,
      [
        "box p25–p75 · white tick median · whiskers p5–p95 · ● p99 · ○ max",
        ...(cutNote ? [cutNote] : []),
        [
          rows.map((r) => `${r.group}: ${fmtCount(r.n as number)}`).join(", ") + " values",
          failedNote(failedExcluded),
        ].filter((s) => s).join(" · "),
      ],
      width,
      height,
    ),
    data: { values: rows },
    encoding: { y },
    layer: [
      {
        mark: { type: "rule", color: "#555" },
        encoding: { x: x("p5"), x2: { field: "p95" } },
      },
      {
        mark: { type: "bar", size: 18, cornerRadius: 2 },
        encoding: {
          x: x("p25"),
          x2: { field: "p75" },
          color: { field: "group", type: "nominal", legend: null, sort: null },
          tooltip: [
            { field: "group", title: by },
            { field: "n", title: "values" },
            ...["p5", "p25", "p50", "p75", "p95", "p99", "max"].map((f) => ({
              field: f,
              title: columnUnit(metric) ? `${f} (${columnUnit(metric)})` : f,
              format: ".2f",
            })),
          ],
        },
      },
      {
        mark: { type: "tick", color: "white", size: 18, thickness: 2 },
        encoding: { x: x("p50") },
      },
      {
        mark: { type: "point", filled: true, color: "#333", size: 30 },
        encoding: cut === null ? { x: x("p99") } : { x: x("p99_shown"), shape: edgeShape("p99") },
      },
      {
        mark: { type: "point", filled: false, color: "#333", size: 30 },
        encoding: cut === null ? { x: x("max") } : { x: x("max_shown"), shape: edgeShape("max") },
      },
    ],
  };
}

/**
 * Where to cut the metric axis so one outlier cannot shrink every box to a dot: a quarter of the
 * whiskers' span past the highest p95, when some maximum lies more than three spans beyond it
 * (p99 is no guide: with few values it is the outlier); else null.
 */
function axisCut(rows: Record<string, unknown>[]): number | null {
  const lo = Math.min(...rows.map((r) => r.p5 as number));
  const p95 = Math.max(...rows.map((r) => r.p95 as number));
  const max = Math.max(...rows.map((r) => r.max as number));
  const span = p95 - lo;
  if (!(span > 0) || max <= p95 + 3 * span) return null;
  return p95 + span * 0.25;
}

/** A point's shape: ▸ when its value lies beyond the cut axis (drawn at the edge), else a circle. */
function edgeShape(field: "p99" | "max") {
  return {
    condition: { test: `datum.${field} > datum.${field}_shown`, value: "triangle-right" },
    value: "circle",
  };
}
