/**
 * Input and output lengths of a group's successful requests, as `vllm bench serve` reports them:
 * totals (its "Total input tokens" / "Total generated tokens") plus mean, median and p99 of the
 * per-request counts.
 *
 * @module
 */

import type { Indexable } from "./columns.ts";
import { describe } from "./describe.ts";

/** Length statistics of one token column over some rows. */
export interface TokenLengthStats {
  /** Σ of the known counts (unknown counts add 0, as in the throughputs). */
  total: number;
  mean: number | null;
  p50: number | null;
  p99: number | null;
}

/**
 * The statistics of `column` (prompt_tokens or completion_tokens) over `rows`, skipping unknown
 * counts (null or NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenLengthStats } from "./token_lengths.ts";
 * const stats = tokenLengthStats(new Float64Array([100, 120, NaN, 80]), new Uint32Array([0, 1, 2, 3]));
 * assert.deepEqual(stats, { total: 300, mean: 100, p50: 100, p99: 119.6 });
 * ```
 */
export function tokenLengthStats(column: Indexable, rows: Uint32Array): TokenLengthStats {
  const values = new Float64Array(rows.length);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = column[rows[i]];
    if (typeof v === "number" && Number.isFinite(v)) values[k++] = v;
  }
  const known = values.subarray(0, k);
  let total = 0;
  for (let i = 0; i < k; i++) total += known[i];
  const stats = describe(known, [50, 99]);
  return { total, mean: stats.mean, p50: stats.percentiles[0], p99: stats.percentiles[1] };
}
