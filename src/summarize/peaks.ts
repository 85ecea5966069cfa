/**
 * Peak output tokens/s and peak concurrent requests of a group of requests: the numbers
 * `vllm bench serve` prints as "Peak output token throughput" and "Peak concurrent requests",
 * with its two miscounts fixed (docs/metrics.md "Aggregates").
 *
 * @module
 */

import type { Indexable } from "./columns.ts";

/** The request-table columns {@link peakOutputTokensPerS} reads (index access by row). */
export interface PeakColumns {
  start_ms: Indexable;
  ttft_ms: Indexable;
  /** Lists of gaps between content chunks. */
  itl_ms: Indexable;
  completion_tokens: Indexable;
  /** Lists of tokens per content chunk, or null cells; null when the table has no such column. */
  chunk_tokens: Indexable | null;
  /** start_ms + e2e_ms; NaN or null when the request has no end. */
  end_ms: Indexable;
}

const finite = (v: unknown): v is number => typeof v === "number" && v - v === 0;

/**
 * The most output tokens that arrived within one 1-second bucket, the buckets counted from the
 * earliest start among `okRows` (the successful requests), as vllm bench does. Unlike vllm bench,
 * which counts one token per chunk, each content chunk (at `start_ms + ttft_ms + Σ itl_ms`) counts
 * its own tokens: `chunk_tokens` when known, else the request's `completion_tokens` spread evenly
 * over its chunks; a request with no chunk (not streamed) counts all its tokens at its end. So the
 * buckets add up to the run's output tokens. Null without successful requests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peakOutputTokensPerS } from "./peaks.ts";
 * // two requests of 3 chunks; the second request's chunks carry 2 tokens each
 * const peak = peakOutputTokensPerS(Uint32Array.of(0, 1), {
 *   start_ms: [0, 500], ttft_ms: [100, 100], itl_ms: [[300, 300], [1000, 300]],
 *   completion_tokens: [3, 6], chunk_tokens: [null, [2, 2, 2]], end_ms: [800, 2000],
 * });
 * // second 0: chunks at 100, 400, 700 (request 0, 1 token each) and 600 (request 1, 2 tokens)
 * assert.equal(peak, 5); // vllm bench: 4 (one per chunk)
 * ```
 */
export function peakOutputTokensPerS(okRows: Uint32Array, columns: PeakColumns): number | null {
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < okRows.length; i++) {
    const row = okRows[i];
    const start = columns.start_ms[row];
    const end = columns.end_ms[row];
    if (!finite(start)) continue;
    if (start < first) first = start;
    if (finite(end) && end > last) last = end;
    if (start > last) last = start;
  }
  if (first === Infinity) return null;
  const buckets = new Float64Array(Math.floor((last - first) / 1000) + 1);
  for (let i = 0; i < okRows.length; i++) addRequestTokens(okRows[i], columns, buckets, first);
  let peak = 0;
  for (let b = 0; b < buckets.length; b++) if (buckets[b] > peak) peak = buckets[b];
  return peak;
}

/** Adds one request's output tokens, chunk by chunk, to the 1-second `buckets` from `first`. */
function addRequestTokens(
  row: number,
  columns: PeakColumns,
  buckets: Float64Array,
  first: number,
): void {
  const start = columns.start_ms[row];
  if (!finite(start)) return;
  const total = columns.completion_tokens[row];
  const ttft = columns.ttft_ms[row];
  const gaps = (columns.itl_ms[row] ?? []) as ArrayLike<number>;
  if (!finite(ttft)) {
    const end = columns.end_ms[row];
    const b = finite(end) ? Math.floor((end - first) / 1000) : -1;
    if (finite(total) && b >= 0 && b < buckets.length) buckets[b] += total;
    return;
  }
  const chunks = gaps.length + 1;
  const perChunk = columns.chunk_tokens?.[row] as ArrayLike<number> | null | undefined;
  const exact = perChunk != null && perChunk.length === chunks;
  const even = finite(total) ? total / chunks : 1;
  let t = start + ttft;
  // Inline, no call per chunk: this runs over every chunk of the run (10^7 and more).
  for (let k = 0; k < chunks; k++) {
    if (k > 0) t += gaps[k - 1];
    const b = Math.floor((t - first) / 1000);
    if (b >= 0 && b < buckets.length) buckets[b] += exact ? perChunk[k] : even;
  }
}

/**
 * The most requests in flight at the same instant: a sweep over the `[start_ms, end_ms)` intervals
 * of `rows` whose start and end are known (failed requests have no end). vllm bench instead
 * counts a request in every whole second it touches, so two back-to-back 100 ms requests in the
 * same second count as 2 concurrent. Null when no row has both times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peakConcurrentRequests } from "./peaks.ts";
 * // three back-to-back requests, then one overlapping the third
 * const peak = peakConcurrentRequests(Uint32Array.of(0, 1, 2, 3), {
 *   start_ms: [0, 100, 200, 250], end_ms: [100, 200, 300, 400],
 * });
 * assert.equal(peak, 2); // vllm bench: 4 (all touch second 0)
 * ```
 */
export function peakConcurrentRequests(
  rows: Uint32Array,
  columns: Pick<PeakColumns, "start_ms" | "end_ms">,
): number | null {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const start = columns.start_ms[rows[i]];
    const end = columns.end_ms[rows[i]];
    if (!finite(start) || !finite(end)) continue;
    starts.push(start);
    ends.push(end);
  }
  if (starts.length === 0) return null;
  const byTime = (a: number, b: number) => a - b;
  starts.sort(byTime);
  ends.sort(byTime);
  let ended = 0;
  let peak = 0;
  for (let i = 0; i < starts.length; i++) {
    // A request that ends when another starts is not concurrent with it.
    while (ends[ended] <= starts[i]) ended++;
    peak = Math.max(peak, i + 1 - ended);
  }
  return peak;
}
