/**
 * Aligned plain-text tables for terminals.
 *
 * @module
 */

/**
 * Lays out rows of cells under a header, columns padded to their widest cell; columns whose flag
 * in `alignRight` is true are right-aligned (numbers). Two spaces between columns, a dashed rule
 * under the header. No colour codes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alignColumns } from "./text_table.ts";
 * assert.equal(
 *   alignColumns(["metric", "p50 (ms)"], [["ttft", "12.5"]], [false, true]),
 *   "metric  p50 (ms)\n------  --------\nttft        12.5",
 * );
 * ```
 */
export function alignColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  alignRight: readonly boolean[] = [],
): string {
  const widths = header.map((h, c) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? "")))
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => pad(cell ?? "", widths[c], alignRight[c] ?? false)).join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join(
    "\n",
  );
}

function displayWidth(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}
