/**
 * Per-request interactivity metrics AIPerf reports and `vllm bench serve` does not: time to second
 * token and output tokens per second per user. Definitions in docs/metrics.md ("Interactivity").
 *
 * @module
 */

import type { RequestRecord } from "../types.ts";

/** The fields of a record {@link timeToSecondTokenMs} reads. */
export type SecondTokenFields = Pick<
  RequestRecord,
  "chunk_times_ms" | "chunk_tokens" | "completion_tokens"
>;

/**
 * Time from the first generated token to the second, in ms: the moment the user sees the stream
 * start moving. With per-chunk token counts (`chunk_tokens`), the arrival of the chunk holding
 * token 2 minus that of the chunk holding token 1, so 0 when the first chunk carried two tokens;
 * without them, the gap between the first two content chunks (one token each, AIPerf's
 * "second response − first response"). Null with fewer than 2 output tokens or content chunks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeToSecondTokenMs } from "./interactivity.ts";
 * const chunk_times_ms = [20, 35, 45];
 * assert.equal(timeToSecondTokenMs({ chunk_times_ms, chunk_tokens: null, completion_tokens: 3 }), 15);
 * // the first chunk carried two tokens (speculative decoding): the second came with the first
 * assert.equal(
 *   timeToSecondTokenMs({ chunk_times_ms, chunk_tokens: [2, 1, 1], completion_tokens: 4 }),
 *   0,
 * );
 * assert.equal(timeToSecondTokenMs({ chunk_times_ms: [20], chunk_tokens: null, completion_tokens: 1 }), null);
 * ```
 */
export function timeToSecondTokenMs(record: SecondTokenFields): number | null {
  const times = record.chunk_times_ms;
  if (!times || times.length === 0) return null;
  if (record.completion_tokens != null && record.completion_tokens < 2) return null;
  const tokens = record.chunk_tokens;
  if (!tokens || tokens.length !== times.length) {
    return times.length >= 2 ? times[1] - times[0] : null;
  }
  const first = chunkHoldingToken(tokens, 1);
  const second = chunkHoldingToken(tokens, 2);
  if (first === -1 || second === -1) return null;
  return times[second] - times[first];
}

/** Index of the chunk whose cumulative token count first reaches `token` (1-based), else −1. */
function chunkHoldingToken(tokens: readonly number[], token: number): number {
  let total = 0;
  for (let i = 0; i < tokens.length; i++) {
    total += tokens[i];
    if (total >= token) return i;
  }
  return -1;
}

/**
 * Output tokens per second as one user sees them once the stream has started: `1000 / tpot_ms`
 * (AIPerf's "output token throughput per user", 1 / its ITL, which is our TPOT). The usual
 * interactivity axis; null when TPOT is null or not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputTokensPerSecondPerUser } from "./interactivity.ts";
 * assert.equal(outputTokensPerSecondPerUser({ tpot_ms: 20 }), 50);
 * assert.equal(outputTokensPerSecondPerUser({ tpot_ms: null }), null);
 * ```
 */
export function outputTokensPerSecondPerUser(
  record: Pick<RequestRecord, "tpot_ms">,
): number | null {
  const tpot = record.tpot_ms;
  return tpot != null && tpot > 0 && Number.isFinite(tpot) ? 1000 / tpot : null;
}
