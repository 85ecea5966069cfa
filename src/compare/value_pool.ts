/**
 * One metric's values over a run's requests, prepared once so that the mean and the numpy-linear
 * percentiles of any bootstrap resample (given as how many times each request was drawn) come
 * without copying or sorting the resample.
 *
 * @module
 */

import { linearRanks, numpyLerp, percentilesInPlace } from "../summarize/percentile.ts";
import { orderStatistics } from "../summarize/select.ts";
import { argsort } from "./argsort.ts";

/** A metric's statistics over one resample: the mean, then one value per percentile. */
export interface PoolStats {
  /** Number of values in the resample (Σ draws × values of the request). */
  count: number;
  mean: number;
  percentiles: number[];
}

/**
 * The values around one percentile of the original data, sorted, wide enough to hold that
 * percentile of nearly every resample.
 */
interface Window {
  /** The values in [lo, hi], ascending, and the request each belongs to. */
  sorted: Float64Array;
  owner: Uint32Array;
  /**
   * How to count a resample's values below the window, whichever is shortest to go through:
   * per request, its number of values below (lists: many values a request); or the requests of
   * the values below; or those of the values above (then below = all − above − inside).
   */
  below: { perRequest: Uint32Array } | { owners: Uint32Array } | { ownersAbove: Uint32Array };
}

/** Standard deviations of a resample's rank kept on each side of a percentile. */
const WINDOW_SDS = 6;

/**
 * The values of one metric, pooled over requests: a request holds zero values (failed, missing),
 * one (TTFT) or a list (its ITL gaps). A resample with multiplicities `c` holds every value of
 * request i `c[i]` times. Its k-th smallest value is found in a window of sorted values around
 * the percentile in the original data: the resample's values below the window are counted per
 * request, then the window is walked, each value weighing its request's multiplicity. The window
 * spans ±6 standard deviations of the resample's rank (plus 32 values), so a resample whose
 * percentile falls outside it is a one-in-a-billion event; it is then computed from a copy of
 * the resample, so the result is always exact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValuePool } from "./value_pool.ts";
 * const pool = ValuePool.fromLists([[1, 2], [10], []], [50]);
 * // request 0 drawn twice, request 1 once: the values 1, 2, 1, 2, 10
 * const stats = pool.stats(Uint32Array.of(2, 1, 0));
 * assert.deepEqual(stats, { count: 5, mean: 16 / 5, percentiles: [2] });
 * ```
 */
export class ValuePool {
  /** All finite values, request after request, and where each request's start. */
  readonly values: Float64Array;
  readonly offsets: Uint32Array;
  /** Per request: the sum and the number of its values. */
  readonly requestSum: Float64Array;
  readonly requestCount: Uint32Array;
  readonly percentiles: readonly number[];
  private readonly windows: Window[];

  private constructor(values: Float64Array, offsets: Uint32Array, percentiles: readonly number[]) {
    this.values = values;
    this.offsets = offsets;
    this.percentiles = percentiles;
    const requests = offsets.length - 1;
    this.requestSum = new Float64Array(requests);
    this.requestCount = new Uint32Array(requests);
    for (let i = 0; i < requests; i++) {
      let sum = 0;
      for (let j = offsets[i]; j < offsets[i + 1]; j++) sum += values[j];
      this.requestSum[i] = sum;
      this.requestCount[i] = offsets[i + 1] - offsets[i];
    }
    this.windows = values.length > 0 ? windowsAround(values, offsets, percentiles) : [];
  }

  /**
   * A pool of the finite values of each request's list (`null` for none); NaN and ±Infinity are
   * left out, as summarize does.
   */
  static fromLists(
    lists: readonly (ArrayLike<number> | null)[],
    percentiles: readonly number[],
  ): ValuePool {
    let total = 0;
    for (const list of lists) if (list) total += list.length;
    const values = new Float64Array(total);
    const offsets = new Uint32Array(lists.length + 1);
    let k = 0;
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i];
      if (list) {
        for (let j = 0; j < list.length; j++) {
          const v = list[j];
          if (v - v === 0) values[k++] = v;
        }
      }
      offsets[i + 1] = k;
    }
    return new ValuePool(k === total ? values : values.slice(0, k), offsets, percentiles);
  }

  /** Number of values (all requests drawn once). */
  get size(): number {
    return this.values.length;
  }

  /**
   * Count, mean and percentiles of the resample in which request i is drawn `counts[i]` times
   * (all ones: the original data). NaN when the resample holds no value.
   */
  stats(counts: Uint32Array): PoolStats {
    const { requestSum, requestCount } = this;
    let count = 0;
    let sum = 0;
    // No branch on c = 0 (a third of the requests, at random: a mispredicted branch costs more
    // than the two multiplications).
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      count += c * requestCount[i];
      sum += c * requestSum[i];
    }
    if (count === 0) {
      return { count: 0, mean: NaN, percentiles: this.percentiles.map(() => NaN) };
    }
    const percentiles = this.percentiles.map((p, i) =>
      this.percentileInWindow(this.windows[i], p, counts, count) ??
        percentilesInPlace(this.resampleValues(counts, count), [p])[0]
    );
    return { count, mean: sum / count, percentiles };
  }

  /** The resample's p-th percentile from the window, or null when it lies outside it. */
  private percentileInWindow(
    window: Window,
    p: number,
    counts: Uint32Array,
    count: number,
  ): number | null {
    const r = linearRanks(count, p);
    const { sorted, owner } = window;
    let weight = weightBelow(window, counts, count); // the resample's values before `position`
    if (weight > r.below) return null;
    let position = 0;
    const end = sorted.length;
    while (position < end && weight + counts[owner[position]] <= r.below) {
      weight += counts[owner[position++]];
    }
    if (position === end) return null;
    const low = sorted[position];
    if (r.t === 0) return low + (count === 1 ? -0 : 0); // as numpy: −0 becomes +0
    while (position < end && weight + counts[owner[position]] <= r.above) {
      weight += counts[owner[position++]];
    }
    if (position === end) return null;
    return numpyLerp(low, sorted[position], r.t);
  }

  /** The resample's values (request i's `counts[i]` times), in one new array. */
  private resampleValues(counts: Uint32Array, count: number): Float64Array {
    const out = new Float64Array(count);
    let k = 0;
    for (let i = 0; i < counts.length; i++) {
      const list = this.values.subarray(this.offsets[i], this.offsets[i + 1]);
      for (let c = 0; c < counts[i]; c++) {
        out.set(list, k);
        k += list.length;
      }
    }
    return out;
  }
}

/**
 * The window around each percentile p: its rank ± {@link WINDOW_SDS} standard deviations of a
 * resample's rank (requests drawn with replacement: the variance of Σ cᵢ·(bᵢ − q·nᵢ), bᵢ the
 * values of request i below the percentile, nᵢ all its values, is about Σ (bᵢ − q·nᵢ)²).
 */
function windowsAround(
  values: Float64Array,
  offsets: Uint32Array,
  percentiles: readonly number[],
): Window[] {
  const n = values.length;
  const requests = offsets.length - 1;
  const centers = percentiles.map((p) => linearRanks(n, p).below);
  const scratch = Float64Array.from(values);
  const atCenter = orderStatistics(scratch, centers);
  const variance = new Float64Array(percentiles.length);
  const below = new Uint32Array(percentiles.length);
  for (let i = 0; i < requests; i++) {
    below.fill(0);
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      for (let w = 0; w < below.length; w++) if (values[j] < atCenter[w]) below[w]++;
    }
    const size = offsets[i + 1] - offsets[i];
    for (let w = 0; w < below.length; w++) {
      const d = below[w] - (percentiles[w] / 100) * size;
      variance[w] += d * d;
    }
  }
  const bounds = orderStatistics(
    scratch,
    centers.flatMap((center, w) => {
      const margin = Math.ceil(WINDOW_SDS * Math.sqrt(variance[w])) + 32;
      return [Math.max(0, center - margin), Math.min(n - 1, center + margin)];
    }),
  );
  return centers.map((_, w) => collectWindow(values, offsets, bounds[2 * w], bounds[2 * w + 1]));
}

/** The resample's number of values below the window (`total`: all its values). */
function weightBelow(window: Window, counts: Uint32Array, total: number): number {
  const below = window.below;
  let weight = 0;
  if ("perRequest" in below) {
    const perRequest = below.perRequest;
    for (let i = 0; i < counts.length; i++) weight += counts[i] * perRequest[i];
    return weight;
  }
  if ("owners" in below) {
    const owners = below.owners;
    for (let k = 0; k < owners.length; k++) weight += counts[owners[k]];
    return weight;
  }
  const { ownersAbove } = below;
  for (let k = 0; k < ownersAbove.length; k++) weight += counts[ownersAbove[k]];
  for (let j = 0; j < window.owner.length; j++) weight += counts[window.owner[j]];
  return total - weight;
}

/** The values in [lo, hi] sorted with their requests, and how to count the values below lo. */
function collectWindow(values: Float64Array, offsets: Uint32Array, lo: number, hi: number): Window {
  const requests = offsets.length - 1;
  let inside = 0;
  let under = 0;
  for (let j = 0; j < values.length; j++) {
    if (values[j] < lo) under++;
    else if (values[j] <= hi) inside++;
  }
  const over = values.length - under - inside;
  const shortest = Math.min(requests, under, over);
  const tracked = shortest === requests ? null : new Uint32Array(shortest);
  const perRequest = tracked ? null : new Uint32Array(requests);
  const windowValues = new Float64Array(inside);
  const windowOwners = new Uint32Array(inside);
  let k = 0;
  let t = 0;
  for (let i = 0; i < requests; i++) {
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      const v = values[j];
      if (v < lo) {
        if (perRequest) perRequest[i]++;
        else if (shortest === under) tracked![t++] = i;
      } else if (v <= hi) {
        windowValues[k] = v;
        windowOwners[k++] = i;
      } else if (tracked && shortest !== under) tracked[t++] = i;
    }
  }
  const below: Window["below"] = perRequest
    ? { perRequest }
    : shortest === under
    ? { owners: tracked! }
    : { ownersAbove: tracked! };
  const order = argsort(windowValues);
  const sorted = new Float64Array(inside);
  const owner = new Uint32Array(inside);
  for (let j = 0; j < inside; j++) {
    sorted[j] = windowValues[order[j]];
    owner[j] = windowOwners[order[j]];
  }
  return { sorted, owner, below };
}
