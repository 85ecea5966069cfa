/**
 * The simulator's prefix cache, as vLLM's automatic prefix caching counts it: a prompt is cut
 * into blocks of {@link BLOCK_TOKENS} tokens, each full block is keyed by its text and every
 * block before it, and a request reuses the leading blocks already cached — at most
 * `prompt_tokens − 1` tokens, since the last prompt token is always computed. Least recently
 * used blocks are evicted past the capacity. Tokens are the simulator's (4 characters each).
 *
 * @module
 */

/** Tokens per KV-cache block (vLLM's default `--block-size`). */
export const BLOCK_TOKENS = 16;
/** Characters per simulator token (see ./tokenizer.ts). */
const TOKEN_CHARS = 4;

/** What one lookup found: tokens asked for and tokens reused. */
export interface PrefixCacheLookup {
  queried_tokens: number;
  hit_tokens: number;
}

/**
 * An LRU set of block keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PrefixCache } from "./prefix_cache.ts";
 * const cache = new PrefixCache(100);
 * const prompt = "word ".repeat(40); // 200 characters: 50 tokens, 3 full blocks
 * assert.deepEqual(cache.admit(prompt, 50), { queried_tokens: 50, hit_tokens: 0 });
 * assert.deepEqual(cache.admit(prompt, 50), { queried_tokens: 50, hit_tokens: 48 });
 * ```
 */
export class PrefixCache {
  readonly #capacityBlocks: number;
  /** Block key → true, least recently used first. */
  readonly #blocks = new Map<string, true>();

  /** A cache of at most `capacityBlocks` blocks (0 = caching off). */
  constructor(capacityBlocks: number) {
    if (!Number.isInteger(capacityBlocks) || capacityBlocks < 0) {
      throw new RangeError(
        `PrefixCache: capacityBlocks must be an integer ≥ 0, got ${capacityBlocks}`,
      );
    }
    this.#capacityBlocks = capacityBlocks;
  }

  /** Blocks held now. */
  get size(): number {
    return this.#blocks.size;
  }

  /**
   * Looks the prompt's leading blocks up, then caches all its full blocks. `text` null (a
   * token-id prompt) is counted as queried, never hit.
   */
  admit(text: string | null, promptTokens: number): PrefixCacheLookup {
    if (text === null || this.#capacityBlocks === 0) {
      return { queried_tokens: promptTokens, hit_tokens: 0 };
    }
    const keys = blockKeys(text);
    const reusable = Math.floor((promptTokens - 1) / BLOCK_TOKENS);
    let hits = 0;
    while (hits < Math.min(keys.length, reusable) && this.#blocks.has(keys[hits])) hits++;
    for (const key of keys) {
      this.#blocks.delete(key); // re-inserted as the most recently used
      this.#blocks.set(key, true);
    }
    for (const key of this.#blocks.keys()) {
      if (this.#blocks.size <= this.#capacityBlocks) break;
      this.#blocks.delete(key);
    }
    return { queried_tokens: promptTokens, hit_tokens: hits * BLOCK_TOKENS };
  }
}

/** Keys of the text's full blocks, each naming its block and every block before it. */
function blockKeys(text: string): string[] {
  const chars = BLOCK_TOKENS * TOKEN_CHARS;
  const keys: string[] = [];
  let previous = "";
  for (let at = 0; at + chars <= text.length; at += chars) {
    previous = hashText(previous + text.slice(at, at + chars));
    keys.push(previous);
  }
  return keys;
}

/** A 53-bit hash of a string, as hex (cyrb53: two 32-bit multiplicative lanes). */
function hashText(text: string): string {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}
