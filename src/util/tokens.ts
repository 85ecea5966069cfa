/**
 * The one token-count approximation used where no tokenizer is available: the simulator's
 * prompt length, the random dataset's target lengths, and the fallback for a response without
 * usage. Four characters per token is the usual rule of thumb for English BPE vocabularies; it is
 * exact for the random dataset, whose words are built to be four characters each.
 *
 * @module
 */

/** Characters per token assumed by {@link estimateTokens}. */
export const CHARS_PER_TOKEN = 4;

/**
 * Approximate token count of a text: ceil(characters / 4), at least 1 for non-empty text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateTokens } from "./tokens.ts";
 * assert.equal(estimateTokens("abcd efgh "), 3);
 * ```
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}
