/**
 * Runs side by side: a summary of several groups (`summarize(toTable([a, b]))`) as one table with
 * one column per group, one row per quantity (counts, throughput, goodput, then mean/p50/p90/p99 of
 * each metric), and the change of every other group from the first in %.
 *
 * @module
 */

import { type ColumnTable, table } from "../deps/arquero.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatNumber } from "./format_value.ts";
import { summaryBlocks } from "./summary_blocks.ts";

const TOTALS: [string, string][] = [
  ["requests", "requests"],
  ["failed", "failed"],
  ["request_throughput", "throughput (req/s)"],
  ["output_throughput", "output (tok/s)"],
  ["goodput", "goodput (req/s)"],
];
const STATS = ["mean", "p50", "p90", "p99"];

/** One row of the side-by-side view. */
interface Row {
  quantity: string;
  values: (number | null)[];
}

/** The groups' names: their labels when those tell them apart, else the summary's block titles. */
function groupNames(summary: ColumnTable): string[] {
  const labels = summary.columnNames().includes("label") ? summary.array("label") as unknown[] : [];
  const asText = Array.from(labels, (l) => String(l));
  if (asText.length === summary.numRows() && new Set(asText).size === asText.length) return asText;
  return summaryBlocks(summary).map((b) => b.title);
}

function numberAt(summary: ColumnTable, name: string, row: number): number | null {
  const v = summary.get(name, row);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function sideBySideRows(summary: ColumnTable): Row[] {
  const names = summary.columnNames();
  const n = summary.numRows();
  const column = (name: string) => Array.from({ length: n }, (_, i) => numberAt(summary, name, i));
  const rows: Row[] = [];
  for (const [name, quantity] of TOTALS) {
    if (!names.includes(name)) continue;
    const values = column(name);
    if (values.some((v) => v !== null)) rows.push({ quantity, values });
  }
  const metrics = names
    .filter((c) => c.endsWith("_count") && names.includes(c.slice(0, -6) + "_mean"))
    .map((c) => c.slice(0, -6));
  for (const metric of metrics) {
    for (const stat of STATS) {
      const name = `${metric}_${stat}`;
      if (!names.includes(name)) continue;
      const values = column(name);
      if (values.some((v) => v !== null)) rows.push({ quantity: `${metric} ${stat}`, values });
    }
  }
  return rows;
}

/** (v − base) / base in %, or null when either is missing or base is 0. */
function deltaPct(v: number | null, base: number | null): number | null {
  return v === null || base === null || base === 0 ? null : ((v - base) / base) * 100;
}

/**
 * A summary's groups side by side, as an arquero table: column `quantity`, one column per group
 * (named by the group's label, or its `run_id=… label=…` title), and `Δ% <group>` for each group
 * after the first (its change from the first group, in %). Tables display as HTML in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sideBySide } from "./side_by_side.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const a = makeRun([makeRecord({ run_id: "a", ttft_ms: 20 })], { label: "baseline" });
 * const b = makeRun([makeRecord({ run_id: "b", ttft_ms: 15 })], { label: "tuned" });
 * const view = sideBySide(summarize(toTable([a, b])));
 * const rows = view.objects() as Record<string, unknown>[];
 * const row = rows.find((r) => r.quantity === "ttft_ms p50");
 * assert.deepEqual(row, { quantity: "ttft_ms p50", baseline: 20, tuned: 15, "Δ% tuned": -25 });
 * ```
 */
export function sideBySide(summary: ColumnTable): ColumnTable {
  if (summary === null || typeof summary?.columnNames !== "function") {
    throw new TypeError(`sideBySide: expected a summary table (from summarize), got ${summary}`);
  }
  const groups = groupNames(summary);
  const rows = sideBySideRows(summary);
  const columns: Record<string, unknown[]> = { quantity: rows.map((r) => r.quantity) };
  groups.forEach((g, i) => (columns[g] = rows.map((r) => r.values[i])));
  groups.slice(1).forEach((g, i) =>
    columns[`Δ% ${g}`] = rows.map((r) => deltaPct(r.values[i + 1], r.values[0]))
  );
  return table(columns);
}

/** A signed percentage: "+12.3 %", "−4.0 %", "" when missing. */
function signedPct(v: unknown): string {
  if (typeof v !== "number" || !Number.isFinite(v)) return "";
  return `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(1)} %`;
}

/** The HTML of {@link sideBySide} (every text escaped; deltas signed, in %). */
export function sideBySideHtml(summary: ColumnTable): string {
  const view = sideBySide(summary);
  const names = view.columnNames();
  const right = ' style="text-align:right"';
  const cell = (name: string, v: unknown) =>
    name === "quantity"
      ? String(v)
      : name.startsWith("Δ% ")
      ? signedPct(v)
      : typeof v === "number"
      ? formatNumber(v)
      : "";
  return [
    '<table class="vllm-metrics-side-by-side"><thead><tr>',
    ...names.map((n, i) => `<th${i ? right : ""}>${escapeHtml(n)}</th>`),
    "</tr></thead><tbody>",
    ...(view.objects() as Record<string, unknown>[]).map((row) =>
      `<tr>${
        names.map((n, i) => `<td${i ? right : ""}>${escapeHtml(cell(n, row[n]))}</td>`).join("")
      }</tr>`
    ),
    "</tbody></table>",
  ].join("");
}
