/**
 * MIME bundle (HTML + plain text) for an arquero table.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatCell } from "./format_value.ts";
import { alignColumns } from "./text_table.ts";
import type { MimeBundle } from "./displayable.ts";

/** Options of {@link tableBundle}. */
export interface TableBundleOptions {
  /** Rows shown (default 20). */
  limit?: number;
}

/** The first `limit` rows of a table (filter and order applied) as formatted cells. */
export function tableCells(
  table: ColumnTable,
  limit: number,
): { names: string[]; rows: string[][]; numeric: boolean[]; total: number } {
  const names = table.columnNames();
  const indices = table.indices(true);
  const shown = Math.min(limit, indices.length);
  const columns = names.map((name) => table.column(name)!);
  const numeric = columns.map((column) => {
    for (let i = 0; i < shown; i++) {
      const v = column.at(indices[i]);
      if (v != null && !(typeof v === "number" && Number.isNaN(v))) return typeof v === "number";
    }
    return false;
  });
  const rows: string[][] = [];
  for (let i = 0; i < shown; i++) {
    rows.push(columns.map((column) => formatCell(column.at(indices[i]))));
  }
  return { names, rows, numeric, total: indices.length };
}

/**
 * A Jupyter bundle for a table: `text/html` (column names and every value HTML-escaped; numbers
 * right-aligned; missing values empty) and `text/plain` (aligned columns), both showing the first
 * `limit` rows and saying how many there are in all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { tableBundle } from "./table_bundle.ts";
 * const bundle = tableBundle(table({ "<b>": ["<i>x</i>"] }));
 * assert.ok(String(bundle["text/html"]).includes("<th>&lt;b&gt;</th>")); // names are escaped
 * assert.equal(bundle["text/plain"], "<b>\n--------\n<i>x</i>\n1 row × 1 column");
 * ```
 */
export function tableBundle(table: ColumnTable, options: TableBundleOptions = {}): MimeBundle {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`tableBundle: limit must be an integer ≥ 0, got ${limit}`);
  }
  const { names, rows, numeric, total } = tableCells(table, limit);
  const caption = `${total} row${total === 1 ? "" : "s"} × ${names.length} column${
    names.length === 1 ? "" : "s"
  }${rows.length < total ? ` (first ${rows.length} shown)` : ""}`;
  const align = (c: number) => (numeric[c] ? ' style="text-align:right"' : "");
  const html = [
    '<table class="vllm-metrics-table">',
    "<thead><tr>",
    ...names.map((name, c) => `<th${align(c)}>${escapeHtml(name)}</th>`),
    "</tr></thead>",
    "<tbody>",
    ...rows.map((row) =>
      `<tr>${row.map((cell, c) => `<td${align(c)}>${escapeHtml(cell)}</td>`).join("")}</tr>`
    ),
    "</tbody>",
    "</table>",
    `<p><small>${escapeHtml(caption)}</small></p>`,
  ].join("");
  const text = `${alignColumns(names, rows, numeric)}\n${caption}`;
  return { "text/html": html, "text/plain": text };
}
