/**
 * Rich display of a `summarize` result: per group, the counts and throughput and a
 * metric × statistic grid, rather than one very wide row.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { displayable, type MimeBundle } from "./displayable.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatSummary } from "./format_summary.ts";
import { summaryBlocks } from "./summary_blocks.ts";
import { sideBySideHtml } from "./side_by_side.ts";

/** HTML of a summary's groups (every text HTML-escaped). */
export function summaryHtml(summary: ColumnTable): string {
  const right = ' style="text-align:right"';
  return summaryBlocks(summary).flatMap((block) => [
    `<h4>${escapeHtml(block.title)}</h4>`,
    ...block.facts.map((f) => `<p>${escapeHtml(f)}</p>`),
    '<table class="vllm-metrics-summary"><thead><tr>',
    ...block.header.map((h, i) => `<th${i ? right : ""}>${escapeHtml(h)}</th>`),
    "</tr></thead><tbody>",
    ...block.rows.map((row) =>
      `<tr>${row.map((c, i) => `<td${i ? right : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`
    ),
    "</tbody></table>",
  ]).join("");
}

/**
 * The Jupyter bundle of a summary: `text/html` and `text/plain` ({@link formatSummary}). With two
 * or more groups the HTML starts with the groups side by side (`sideBySide`: one column per
 * group, the change from the first in %).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryBundle } from "./summary_bundle.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const bundle = summaryBundle(summarize(toTable(makeRun([makeRecord()]))));
 * assert.match(String(bundle["text/plain"]), /^run_id=run-1 label=test concurrency=4\n/);
 * assert.match(String(bundle["text/html"]), /<table/);
 * ```
 */
export function summaryBundle(summary: ColumnTable): MimeBundle {
  // Several groups (runs): first side by side with the change from the first in %, then each
  // group's block.
  const html = summary.numRows() >= 2
    ? `<h4>side by side</h4>${sideBySideHtml(summary)}${summaryHtml(summary)}`
    : summaryHtml(summary);
  return { "text/html": html, "text/plain": formatSummary(summary) };
}

/** Attaches the summary display to `summary` (non-enumerable symbols) and returns it. */
export function showSummary(summary: ColumnTable): ColumnTable {
  return displayable(summary, () => summaryBundle(summary), { text: () => formatSummary(summary) });
}
