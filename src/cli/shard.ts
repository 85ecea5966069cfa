/**
 * Splitting one load over several client machines: `--shard I/N` runs the I-th of N equal
 * parts, and the N result files are merged by `loadAll` (same run id).
 *
 * @module
 */

import type { LoadSpec } from "../types.ts";

/** A shard: part `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Distance between shard seeds, so shards draw different prompts and arrival times. */
export const SHARD_SEED_STRIDE = 7919;

/** Part `index` of `total` split into `count` integer parts that differ by at most one and sum to `total`. */
export function splitInteger(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * The part of `load` that shard `shard.index` of `shard.count` runs:
 * - `rate` / N: the superposition of N independent Poisson (gamma) streams of rate r/N has the
 *   total rate r (exactly Poisson when burstiness is 1);
 * - `concurrency` and `requests` split into integer parts that sum to the total (the first
 *   `total mod N` shards get one more);
 * - `seed` + index·{@link SHARD_SEED_STRIDE}, so shards send different prompts at different times;
 * - `duration_s`, `burstiness` and `warmup` unchanged (every client warms its own connections).
 *
 * Throws a RangeError when a part would be empty (fewer requests or concurrency slots than shards).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shardLoad } from "./shard.ts";
 * const load = { concurrency: 10, rate: 8, requests: 101, burstiness: 1, warmup: 0, seed: 0 };
 * assert.deepEqual(shardLoad(load, { index: 0, count: 4 }), {
 *   concurrency: 3, rate: 2, requests: 26, burstiness: 1, warmup: 0, seed: 0,
 *   shard: { index: 0, count: 4 },
 * });
 * ```
 */
export function shardLoad(load: LoadSpec, shard: Shard): LoadSpec {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`shardLoad: shard count must be an integer ≥ 1, got ${count}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`shardLoad: shard index must be in 0..${count - 1}, got ${index}`);
  }
  const part: LoadSpec = {
    ...load,
    seed: load.seed + index * SHARD_SEED_STRIDE,
    shard: { index, count },
  };
  if (load.rate !== undefined) part.rate = load.rate / count;
  if (load.concurrency !== undefined) {
    if (load.concurrency < count) {
      throw new RangeError(
        `shardLoad: concurrency ${load.concurrency} cannot be split over ${count} shards (each needs ≥ 1)`,
      );
    }
    part.concurrency = splitInteger(load.concurrency, index, count);
  }
  if (load.requests !== undefined) {
    if (load.requests < count) {
      throw new RangeError(
        `shardLoad: ${load.requests} requests cannot be split over ${count} shards (each needs ≥ 1)`,
      );
    }
    part.requests = splitInteger(load.requests, index, count);
  }
  return part;
}
