/**
 * The bootstrap's draws: which requests each resample takes, seeded and deterministic.
 *
 * @module
 */

import { sampleWithReplacement } from "../deps/simple_statistics.ts";
import { createRng } from "../util/rng.ts";

/**
 * The request indices of `resamples` bootstrap resamples of `n` requests: each resample draws `n`
 * indices in [0, n) uniformly with replacement (simple-statistics' `sampleWithReplacement`, fed
 * by the seeded mulberry32 of src/util/rng.ts, so a seed always gives the same draws). Yields one
 * array per resample, in order; `compareRuns` draws run A's requests with `seed` and run B's with
 * `seed + 1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resampleIndices } from "./resample.ts";
 * const first = [...resampleIndices(5, 3, 42)];
 * assert.equal(first.length, 3);
 * assert.ok(first.every((draw) => draw.length === 5 && draw.every((i) => i >= 0 && i < 5)));
 * assert.deepEqual([...resampleIndices(5, 3, 42)], first); // same seed, same draws
 * ```
 */
export function* resampleIndices(
  n: number,
  resamples: number,
  seed: number,
): Generator<number[]> {
  const rng = createRng(seed);
  const indices = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < resamples; r++) yield sampleWithReplacement(indices, n, rng.next);
}

/**
 * How many times each of `n` requests was drawn, written into `counts` (length n, zeroed first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawCounts } from "./resample.ts";
 * assert.deepEqual([...drawCounts([2, 0, 2], new Uint32Array(3))], [1, 0, 2]);
 * ```
 */
export function drawCounts(draw: readonly number[], counts: Uint32Array): Uint32Array {
  counts.fill(0);
  for (let k = 0; k < draw.length; k++) counts[draw[k]]++;
  return counts;
}

/**
 * The draws of {@link resampleIndices}(n, resamples, seed), as how many times each request was
 * drawn: the same random numbers, counted straight into one reused array (yielded once per
 * resample; copy it to keep it) instead of a list of n indices per resample, which would
 * allocate n numbers per resample.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawCounts, resampleCounts, resampleIndices } from "./resample.ts";
 * const counted = [...resampleCounts(6, 4, 9)].length;
 * const indices = [...resampleIndices(6, 4, 9)];
 * let r = 0;
 * for (const counts of resampleCounts(6, 4, 9)) {
 *   assert.deepEqual(counts, drawCounts(indices[r++], new Uint32Array(6)));
 * }
 * assert.equal(counted, 4);
 * ```
 */
export function* resampleCounts(
  n: number,
  resamples: number,
  seed: number,
): Generator<Uint32Array> {
  const rng = createRng(seed);
  const counts = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    // As sampleWithReplacement: index ⌊u·n⌋ for each uniform u.
    for (let k = 0; k < n; k++) counts[Math.floor(rng.next() * n)]++;
    yield counts;
  }
}
