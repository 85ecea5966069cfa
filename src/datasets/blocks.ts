/**
 * Blocks of prompt text shared by several requests (trace hash ids, shared-prefix groups): words
 * that depend only on the block's id and a seed, and their first token ids in the server's
 * tokenizer.
 *
 * @module
 */

import { createRng } from "../util/rng.ts";
import { randomPrompt } from "./random.ts";

/**
 * A block's words, from its id and seed alone: `tokens` four-character words (one estimated
 * token each, exactly one simulator token), the last ending in a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockWords } from "./blocks.ts";
 * assert.equal(blockWords(0, 7, 3), blockWords(0, 7, 3)); // same id and seed, same text
 * assert.equal(blockWords(0, 7, 3).length, 12);
 * assert.notEqual(blockWords(0, 7, 3), blockWords(0, 8, 3));
 * ```
 */
export function blockWords(seed: number, id: number, tokens: number): string {
  const rng = createRng((Math.imul(seed ^ 0x27d4eb2d, 0x165667b1) + id) >>> 0);
  return randomPrompt(rng, tokens) + "\n";
}

/** The first `tokens` of `ids` (repeated if a tokenizer made fewer); `what` names it in errors. */
export function firstIds(ids: readonly number[], tokens: number, what: string): number[] {
  if (ids.length === 0) throw new RangeError(`${what} has no tokens`);
  let all = [...ids];
  while (all.length < tokens) all = all.concat(ids);
  return all.slice(0, tokens);
}
