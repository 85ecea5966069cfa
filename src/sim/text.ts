/**
 * The simulator's generated text: every token is one word of exactly four characters (a space
 * and three letters), so `estimateTokens(text)` of a whole output equals its token count.
 *
 * @module
 */

const WORDS = [
  " the",
  " and",
  " for",
  " you",
  " can",
  " are",
  " but",
  " not",
  " all",
  " any",
  " one",
  " new",
  " sim",
  " tok",
  " run",
  " see",
  " way",
  " use",
  " how",
  " now",
  " top",
  " low",
  " fit",
  " set",
  " map",
  " key",
  " row",
  " log",
  " sum",
  " max",
  " min",
  " end",
];

/** Characters of every generated token. */
export const CHARS_PER_OUTPUT_TOKEN = 4;

/**
 * Text of tokens `[from, from + count)` of a sequence; deterministic in (salt, index).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenText } from "./text.ts";
 * assert.equal(tokenText(7, 0, 3), " any top fit"); // 4 characters per token
 * assert.equal(tokenText(7, 1, 2), " top fit");
 * ```
 */
export function tokenText(salt: number, from: number, count: number): string {
  let out = "";
  for (let i = from; i < from + count; i++) {
    // A cheap integer hash of (salt, i) picks the word.
    let h = Math.imul((salt ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    out += WORDS[(h >>> 0) % WORDS.length];
  }
  return out;
}

/** A 32-bit salt from a string (FNV-1a), for per-request word choice. */
export function textSalt(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
