/**
 * Seeded shuffling and sampling shared by the file datasets.
 *
 * @module
 */

import { createRng } from "../util/rng.ts";

/** A copy of `items` in a seeded random order (Fisher–Yates). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Exactly `count` items: the first `count` of `items`, or, when there are fewer, `items`
 * repeated in order (as `vllm bench serve` oversamples a small dataset).
 */
export function takeCycling<T>(items: readonly T[], count: number): T[] {
  if (items.length === 0) return [];
  return Array.from({ length: count }, (_, i) => items[i % items.length]);
}

/**
 * An endless iterable that repeats `items` in order — for duration-bounded runs over a finite
 * dataset. Empty `items` give an empty iterable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repeatEndlessly } from "./shuffle.ts";
 * const it = repeatEndlessly([1, 2])[Symbol.iterator]();
 * assert.deepEqual([it.next().value, it.next().value, it.next().value], [1, 2, 1]);
 * ```
 */
export function repeatEndlessly<T>(items: readonly T[]): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      if (items.length === 0) return;
      for (let i = 0;; i = (i + 1) % items.length) yield items[i];
    },
  };
}
