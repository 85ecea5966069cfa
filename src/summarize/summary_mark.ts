/**
 * The mark `summarize` puts on the table it returns. A summary says what it is and nothing of
 * screens; a viewer (the Jupyter display, src/display/show_table.ts) reads the mark to show it
 * with the summary's own view instead of the plain table view.
 *
 * @module
 */

/** The non-enumerable property that marks a summary table. */
const SUMMARY_MARK: unique symbol = Symbol("vllm-metrics summary");

/**
 * Marks `table` as a summary (a non-enumerable symbol property: JSON, `objects()` and arquero
 * verbs are unaffected; the tables verbs return carry no mark) and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { isSummary, markSummary } from "./summary_mark.ts";
 * const summary = markSummary(table({ requests: [2] }));
 * assert.equal(isSummary(summary), true);
 * assert.equal(isSummary(summary.select("requests")), false);
 * assert.deepEqual(Object.keys(summary.objects()[0]), ["requests"]);
 * ```
 */
export function markSummary<T extends object>(table: T): T {
  return Object.defineProperty(table, SUMMARY_MARK, { value: true, enumerable: false });
}

/** Whether `value` is a table `summarize` returned (see {@link markSummary}). */
export function isSummary(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.hasOwn(value, SUMMARY_MARK);
}
