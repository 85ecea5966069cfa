/**
 * HTML helpers for the report: embedding JSON safely, and HTML tables (user strings escaped
 * with src/util/escape_html.ts).
 *
 * @module
 */

import { escapeHtml } from "../util/escape_html.ts";

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the JS line separators
 * are written as `\uXXXX` escapes, so no string inside can close the script element.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonForScript } from "./html.ts";
 * assert.equal(jsonForScript({ a: "</script>" }), String.raw`{"a":"\u003c/script\u003e"}`);
 * ```
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Prefixes every `id` in an SVG document (and the `url(#…)` / `href="#…"` references to them),
 * so several inline SVGs can share one HTML page without id clashes.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_, id) => `href="#${prefix}-${id}"`);
}

/** One cell of {@link htmlTable}: text (escaped) and whether it is numeric (right-aligned). */
export interface Cell {
  text: string;
  numeric?: boolean;
  title?: string;
}

/**
 * An HTML table from header strings and rows of cells; every string is escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlTable } from "./html.ts";
 * const html = htmlTable(["run", "requests"], [[{ text: "a" }, { text: "10", numeric: true }]]);
 * assert.equal(
 *   html,
 *   "<table><thead><tr><th>run</th><th>requests</th></tr></thead>\n" +
 *     '<tbody>\n<tr><td>a</td><td class="num">10</td></tr>\n</tbody></table>',
 * );
 * ```
 */
export function htmlTable(headers: string[], rows: Cell[][], caption?: string): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) =>
    "<tr>" +
    r.map((c) =>
      `<td${c.numeric ? ' class="num"' : ""}${c.title ? ` title="${escapeHtml(c.title)}"` : ""}>${
        escapeHtml(c.text)
      }</td>`
    ).join("") +
    "</tr>"
  ).join("\n");
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ""}` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Formats a table value: numbers with up to 2 decimals (4 significant digits below 1), dates ISO. */
export function formatValue(v: unknown): { text: string; numeric: boolean } {
  if (v === null || v === undefined) return { text: "–", numeric: false };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return { text: String(v), numeric: true };
    if (Number.isInteger(v)) return { text: String(v), numeric: true };
    const a = Math.abs(v);
    return { text: a >= 1 ? v.toFixed(2) : String(Number(v.toPrecision(4))), numeric: true };
  }
  if (typeof v === "boolean") return { text: v ? "yes" : "no", numeric: false };
  if (v instanceof Date) return { text: v.toISOString(), numeric: false };
  return { text: String(v), numeric: false };
}
