/**
 * Column names of percentile statistics.
 *
 * @module
 */

/**
 * The summary column for metric `metric` at percentile `p`: `ttft_ms_p99`, and with a decimal
 * point replaced by `_`: p = 99.9 → `itl_ms_p99_9`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentileColumn } from "./percentile_column.ts";
 * assert.equal(percentileColumn("itl_ms", 99.9), "itl_ms_p99_9");
 * ```
 */
export function percentileColumn(metric: string, p: number): string {
  return `${metric}_p${String(p).replace(".", "_")}`;
}
