/**
 * One cell value as short text, for HTML and terminal tables.
 *
 * @module
 */

/**
 * Formats a number for reading: integers as they are, others with 3 significant decimals at most
 * (`12.35`, `0.00123`, `1234.6`). NaN and ±Infinity (missing values in typed columns) give "".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./format_value.ts";
 * assert.equal(formatNumber(12.3456), "12.35");
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "" : String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/**
 * Formats any table cell: null/undefined/NaN → "", numbers via {@link formatNumber}, lists and
 * typed arrays as `[n values]` when long, objects as JSON; the result is cut to `maxChars`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCell } from "./format_value.ts";
 * assert.equal(formatCell(new Float64Array([1.5, 2])), "[1.50, 2]");
 * ```
 */
export function formatCell(value: unknown, maxChars = 60): string {
  let text: string;
  if (value == null) text = "";
  else if (typeof value === "number") text = formatNumber(value);
  else if (typeof value === "string") text = value;
  else if (typeof value === "boolean" || typeof value === "bigint") text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    text = list.length > 6
      ? `[${list.length} values]`
      : `[${
        list.map((v) => typeof v === "number" ? formatNumber(v) : JSON.stringify(v)).join(", ")
      }]`;
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/[\r\n\t]+/g, " ");
  return text.length > maxChars ? text.slice(0, Math.max(0, maxChars - 1)) + "…" : text;
}
