/**
 * How a `compareRuns` table shows: one line per compared quantity, the interval in brackets,
 * as HTML in Jupyter and as aligned text in a terminal (`console.log`, `bench --compare`).
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { displayable, type MimeBundle } from "../display/displayable.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatNumber } from "../display/format_value.ts";
import { alignColumns } from "../display/text_table.ts";

/** What the caption of a comparison says. */
export interface ComparisonInfo {
  resamples: number;
  confidence: number;
  seed: number;
  /** Run A and run B as shown, e.g. "baseline (200 requests)". */
  labelA: string;
  labelB: string;
}

const HEADER = ["metric", "statistic", "A", "B", "B − A", "B − A (%)", "CI of B − A", "verdict"];
const RIGHT = [false, false, true, true, true, true, true, false];

/** The cells of each row of a comparison table, as text. */
function comparisonCells(table: ColumnTable): string[][] {
  return (table.objects() as Record<string, unknown>[]).map((row) => {
    const n = (key: string) => (typeof row[key] === "number" ? row[key] as number : NaN);
    const unit = row.unit ? ` ${row.unit}` : "";
    return [
      metricLabel(String(row.metric)),
      String(row.statistic),
      formatNumber(n("a")),
      formatNumber(n("b")),
      signed(n("diff")),
      signed(n("diff_pct")),
      Number.isNaN(n("ci_low")) ? "" : `[${signed(n("ci_low"))}, ${signed(n("ci_high"))}]${unit}`,
      String(row.verdict ?? ""),
    ];
  });
}

/** The caption under a comparison: what A and B are and how the intervals were made. */
export function comparisonCaption(info: ComparisonInfo): string {
  return `A = ${info.labelA}, B = ${info.labelB}; ${
    formatNumber(100 * info.confidence)
  } % bootstrap confidence intervals of B − A (${info.resamples} resamples of requests per run, seed ${info.seed})`;
}

/**
 * A comparison as aligned text with its caption.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { formatComparison } from "./compare_display.ts";
 * const t = table({
 *   metric: ["ttft_ms"], statistic: ["p50"], unit: ["ms"], a: [30], b: [20], diff: [-10],
 *   diff_pct: [-33.333], ci_low: [-12.5], ci_high: [-7.5], verdict: ["B lower"],
 * });
 * const text = formatComparison(t, {
 *   resamples: 1000, confidence: 0.95, seed: 0, labelA: "a (40 requests)", labelB: "b (40 requests)",
 * });
 * assert.match(text, /TTFT\s+p50\s+30\s+20\s+-10\s+-33\.33\s+\[-12\.50, -7\.50\] ms\s+B lower/);
 * ```
 */
export function formatComparison(table: ColumnTable, info: ComparisonInfo): string {
  return `${alignColumns(HEADER, comparisonCells(table), RIGHT)}\n${comparisonCaption(info)}`;
}

/** The Jupyter bundle of a comparison: an HTML table (verdicts in colour) and the text. */
export function comparisonBundle(table: ColumnTable, info: ComparisonInfo): MimeBundle {
  const align = (c: number) => (RIGHT[c] ? ' style="text-align:right"' : "");
  // Neutral colours: lower is better for latencies, worse for throughput.
  const colour: Record<string, string> = { "B lower": "#1f77b4", "B higher": "#ff7f0e" };
  const cells = comparisonCells(table);
  const html = [
    '<table class="vllm-metrics-comparison"><thead><tr>',
    ...HEADER.map((h, c) => `<th${align(c)}>${escapeHtml(h)}</th>`),
    "</tr></thead><tbody>",
    ...cells.map((row) =>
      `<tr>${
        row.map((cell, c) => {
          const style = c === row.length - 1 && colour[cell]
            ? ` style="color:${colour[cell]};font-weight:bold"`
            : align(c);
          return `<td${style}>${escapeHtml(cell)}</td>`;
        }).join("")
      }</tr>`
    ),
    "</tbody></table>",
    `<p><small>${escapeHtml(comparisonCaption(info))}</small></p>`,
  ].join("");
  return { "text/html": html, "text/plain": formatComparison(table, info) };
}

/** Attaches the comparison display to `table` (non-enumerable symbols) and returns it. */
export function showComparison(table: ColumnTable, info: ComparisonInfo): ColumnTable {
  return displayable(table, () => comparisonBundle(table, info), {
    text: () => formatComparison(table, info),
  });
}

const LABELS: Record<string, string> = {
  ttft_ms: "TTFT",
  tpot_ms: "TPOT",
  itl_ms: "ITL",
  e2e_ms: "E2E",
  server_queue_ms: "server queue",
  server_prefill_ms: "server prefill",
  server_decode_ms: "server decode",
  request_throughput: "request throughput",
  output_throughput: "output throughput",
  goodput: "goodput",
};

/** A short display name of a compared metric: `ttft_ms` → `TTFT`. */
export function metricLabel(metric: string): string {
  return LABELS[metric] ?? metric;
}

function signed(value: number): string {
  if (Number.isNaN(value)) return "";
  return (value > 0 ? "+" : "") + formatNumber(value);
}
