/**
 * Statistics of a metric that is a list per request (itl_ms), pooled over all requests as vllm
 * bench does — without copying the pooled values when there are many (10^8 ITL gaps are 800 MB).
 *
 * Up to a few million values (`copyLimit`) they are copied into one (reusable) buffer and
 * selected exactly. Beyond that, a random sample (positions drawn over the concatenated lists)
 * brackets each wanted percentile (sample quantile ± 4 standard deviations of its rank). One
 * pass then computes count, min, max, shifted sums for mean and population std, counts below
 * each bracket, and keeps the values inside the brackets (a small fraction), where selection finds
 * the exact ranks. If a bracket misses its rank (improbable) or overflows its buffer with distinct
 * values, the values are copied and selected: the percentiles are always exactly numpy's linear
 * ones. Mean and std come from sums shifted by the sample median, equal to numpy's two-pass
 * results to ~1e-12 relative.
 *
 * @module
 */

import { describe, emptyStats, type MetricStats } from "./describe.ts";
import { linearRanks, numpyLerp, percentilesInPlace } from "./percentile.ts";
import { orderStatistics } from "./select.ts";

/** Tuning knobs (tests use small values to exercise the fallbacks). */
export interface PooledOptions {
  /** Values sampled to place the brackets (default 131072). */
  sampleSize?: number;
  /** Most values kept per bracket before falling back to a copy (default 2^24). */
  bracketCap?: number;
  /**
   * Pooled counts up to this are copied and selected exactly, without a sample (default 2^22 =
   * 4,194,304 values, 32 MB): cheaper than sampling unless the pool is huge.
   */
  copyLimit?: number;
  /**
   * A reusable buffer for that copy (its `buffer` is replaced by a larger one when too small), so
   * many groups share one allocation.
   */
  scratch?: { buffer: Float64Array };
}

/** Default {@link PooledOptions.copyLimit}. */
const COPY_LIMIT = 1 << 22;

/**
 * Count, mean, population std, min, max and numpy-linear percentiles of all finite values of
 * all `lists`, as if concatenated. The lists are not modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describePooled } from "./describe_pooled.ts";
 * const s = describePooled([new Float64Array([1, 2]), new Float64Array([3, 4])], [90]);
 * assert.equal(s.count, 4);
 * assert.deepEqual(s.percentiles, [3.7]); // as describe(new Float64Array([1, 2, 3, 4]), [90])
 * ```
 */
export function describePooled(
  lists: readonly ArrayLike<number>[],
  percentiles: readonly number[],
  options: PooledOptions = {},
): MetricStats {
  const sampleSize = options.sampleSize ?? 131_072;
  const bracketCap = options.bracketCap ?? 1 << 24;
  const copyLimit = options.copyLimit ?? COPY_LIMIT;
  let total = 0;
  for (let i = 0; i < lists.length; i++) total += lists[i].length;
  if (total <= sampleSize || total <= copyLimit) {
    // Small or mid-sized: a copy (into the reusable scratch when given) is cheapest, and exact.
    const scratch = options.scratch;
    let out: Float64Array;
    if (scratch) {
      if (scratch.buffer.length < total) {
        // At least doubled (within the limit), so groups of growing size rarely reallocate.
        const limit = Math.max(copyLimit, sampleSize);
        scratch.buffer = new Float64Array(
          Math.max(total, Math.min(2 * scratch.buffer.length, limit)),
        );
      }
      out = scratch.buffer;
    } else out = new Float64Array(total);
    return describe(copyFiniteInto(lists, out), percentiles);
  }
  const offsets = new Float64Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i] + lists[i].length;

  // Random sample (positions drawn uniformly over the concatenation), sorted.
  const sorted = drawSample(lists, offsets, total, sampleSize);
  const sampled = sorted.length;
  // Shift for the moments: close to the mean, so the sums of squares do not cancel.
  const shift = sampled > 0 ? sorted[sampled >> 1] : 0;
  const brackets = mergeBrackets(
    percentiles.map((p) => bracketFor(p / 100, sorted)),
  );

  // One pass: count, shifted sums, min, max; counts below, inside and after each bracket, and
  // the values inside the brackets.
  const nb = brackets.length;
  // Bounds padded to at least four with [+∞, +∞] (empty: nothing finite is in them).
  const lo = new Float64Array(Math.max(4, nb)).fill(Infinity);
  const hi = new Float64Array(Math.max(4, nb)).fill(Infinity);
  brackets.forEach((b, i) => {
    lo[i] = b.lo;
    hi[i] = b.hi;
  });
  // [2b]: values between brackets b−1 and b; [2b + 1]: values in bracket b.
  const regions = new Float64Array(2 * Math.max(4, nb) + 1);
  const insideMin = new Float64Array(Math.max(4, nb)).fill(Infinity);
  const insideMax = new Float64Array(Math.max(4, nb)).fill(-Infinity);
  // Buffers sized for the share of the sample each bracket spans (plus a quarter), so they rarely
  // grow.
  const buffers = brackets.map((b) => {
    const share = (upperBound(sorted, b.hi) - lowerBound(sorted, b.lo)) / Math.max(1, sampled);
    return new GrowableBuffer(bracketCap, Math.ceil(1.25 * share * total) + 1024);
  });
  // Upper bounds shifted by one for scanList4: [−∞, hi[0], hi[1], …].
  const upper = Float64Array.of(-Infinity, ...hi);
  const moments = Float64Array.of(0, 0, 0, Infinity, -Infinity); // n, Σd, Σd², min, max
  for (let i = 0; i < lists.length; i++) {
    if (nb <= 4) {
      scanList4(lists[i], shift, moments, lo, upper, regions, insideMin, insideMax, buffers);
    } else scanList(lists[i], shift, moments, lo, hi, regions, insideMin, insideMax, buffers);
  }
  const [count, sum, squares, min, max] = moments;
  if (count === 0) return emptyStats(percentiles);
  const meanShifted = sum / count;
  const mean = shift + meanShifted;
  const std = Math.sqrt(Math.max(0, squares / count - meanShifted * meanShifted));

  // Exact values at the wanted ranks, from the brackets when they hold them.
  const ranks = percentiles.map((p) => linearRanks(count, p));
  const wanted = [...new Set(ranks.flatMap((r) => [r.below, r.above]))].sort((a, b) => a - b);
  const valueAt = new Map<number, number>();
  let before = 0;
  for (let b = 0; b < nb; b++) {
    before += regions[2 * b];
    const here: number[] = [];
    for (const rank of wanted) {
      if (rank < before || rank >= before + regions[2 * b + 1]) continue;
      if (insideMin[b] === insideMax[b]) valueAt.set(rank, insideMin[b]);
      else if (!buffers[b].overflowed) here.push(rank);
    }
    if (here.length > 0) {
      const values = orderStatistics(buffers[b].values(), here.map((rank) => rank - before));
      here.forEach((rank, i) => valueAt.set(rank, values[i]));
    }
    before += regions[2 * b + 1];
  }
  const result = wanted.every((rank) => valueAt.has(rank))
    ? ranks.map((r) =>
      r.t === 0
        ? valueAt.get(r.below)! + 0 // as numpy: −0 becomes +0
        : numpyLerp(valueAt.get(r.below)!, valueAt.get(r.above)!, r.t)
    )
    : percentilesInPlace(copyFinite(lists, count), percentiles);
  return { count, mean, std, min, max, percentiles: result };
}

/**
 * One list's contribution to the pass: moments (count, sum and sum of squares of v − shift, min,
 * max) and the bracket counts and values, for at most four brackets (the usual case: unused ones
 * are [+∞, +∞]). Its own function so V8 optimizes it whole; the count is the list's length less
 * the values skipped, so the hot loop does not count.
 */
function scanList4(
  list: ArrayLike<number>,
  shift: number,
  moments: Float64Array,
  lo: Float64Array,
  upper: Float64Array,
  regions: Float64Array,
  insideMin: Float64Array,
  insideMax: Float64Array,
  buffers: GrowableBuffer[],
): void {
  const l0 = lo[0], l1 = lo[1], l2 = lo[2], l3 = lo[3];
  let skipped = 0;
  let sum = moments[1];
  let squares = moments[2];
  let min = moments[3];
  let max = moments[4];
  const n = list.length;
  for (let j = 0; j < n; j++) {
    const v = list[j];
    if (v - v !== 0) {
      skipped++; // NaN or ±Infinity
      continue;
    }
    const d = v - shift;
    sum += d;
    squares += d * d;
    if (v < min) min = v;
    if (v > max) max = v;
    // Region: 2b below bracket b (or after the last, b = 4), 2b + 1 inside bracket b. With
    // g = number of lower bounds ≤ v, v is inside bracket g − 1 when v ≤ its upper bound
    // (upper[g]; upper[0] = −∞), so region = 2g − inside. Comparisons turned into 0/1 with
    // `| 0` compile without branches (3× faster on data where a branch would be mispredicted
    // half the time).
    const g = bit(v >= l0) + bit(v >= l1) + bit(v >= l2) + bit(v >= l3);
    const region = 2 * g - bit(v <= upper[g]);
    regions[region]++;
    if ((region & 1) === 1) {
      const b = region >> 1;
      if (v < insideMin[b]) insideMin[b] = v;
      if (v > insideMax[b]) insideMax[b] = v;
      const buffer = buffers[b];
      if (buffer.length < buffer.data.length) buffer.data[buffer.length++] = v;
      else buffer.push(v); // grows, or stops keeping values at the cap
    }
  }
  moments[0] += n - skipped;
  moments[1] = sum;
  moments[2] = squares;
  moments[3] = min;
  moments[4] = max;
}

/** {@link scanList4} for any number of brackets (more than four). */
function scanList(
  list: ArrayLike<number>,
  shift: number,
  moments: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  regions: Float64Array,
  insideMin: Float64Array,
  insideMax: Float64Array,
  buffers: GrowableBuffer[],
): void {
  const nb = lo.length; // ≥ 4: padded with +∞
  const l0 = lo[0], l1 = lo[1], l2 = lo[2], l3 = lo[3];
  const h0 = hi[0], h1 = hi[1], h2 = hi[2], h3 = hi[3];
  let count = moments[0];
  let sum = moments[1];
  let squares = moments[2];
  let min = moments[3];
  let max = moments[4];
  const n = list.length;
  for (let j = 0; j < n; j++) {
    const v = list[j];
    if (v - v !== 0) continue; // NaN or ±Infinity
    count++;
    const d = v - shift;
    sum += d;
    squares += d * d;
    if (v < min) min = v;
    if (v > max) max = v;
    // Region: 2b below bracket b (or after the last, b = nb), 2b + 1 inside bracket b.
    // Comparisons turned into 0/1 with `| 0` compile without branches (3× faster on data where
    // a branch would be mispredicted half the time); up to four brackets unrolled (unused ones
    // are [+∞, +∞] and add 0).
    let region = bit(v >= l0) + bit(v > h0) + bit(v >= l1) + bit(v > h1) + bit(v >= l2) +
      bit(v > h2) + bit(v >= l3) + bit(v > h3);
    for (let b = 4; b < nb; b++) region += bit(v >= lo[b]) + bit(v > hi[b]);
    regions[region]++;
    if ((region & 1) === 1) {
      const b = region >> 1;
      if (v < insideMin[b]) insideMin[b] = v;
      if (v > insideMax[b]) insideMax[b] = v;
      buffers[b].push(v);
    }
  }
  moments[0] = count;
  moments[1] = sum;
  moments[2] = squares;
  moments[3] = min;
  moments[4] = max;
}

/** A comparison's result as 0 or 1, without a branch. */
function bit(condition: boolean): number {
  return (condition as unknown as number) | 0;
}

/** Number of sorted values < x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of sorted values ≤ x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The finite values at `size` pseudo-random positions drawn uniformly over the concatenation (a
 * fixed xorshift sequence), sorted. The positions are sorted first and the lists walked once in
 * order (no binary search per draw); the sample is the same as drawing them one by one.
 */
function drawSample(
  lists: readonly ArrayLike<number>[],
  offsets: Float64Array,
  total: number,
  size: number,
): Float64Array {
  const positions = new Float64Array(size);
  let seed = 0x2545f491;
  for (let k = 0; k < size; k++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    positions[k] = Math.floor(((seed >>> 0) / 4294967296) * total);
  }
  positions.sort();
  const sample = new Float64Array(size);
  let sampled = 0;
  let list = 0;
  for (let k = 0; k < size; k++) {
    const position = positions[k];
    while (offsets[list + 1] <= position) list++;
    const v = lists[list][position - offsets[list]];
    if (v - v === 0) sample[sampled++] = v;
  }
  return sample.subarray(0, sampled).sort();
}

interface Bracket {
  lo: number;
  hi: number;
}

/**
 * A value range that holds the q-quantile of the data with high probability: the sample
 * quantile ± 4 standard deviations of its rank (plus two), open-ended past the sample's ends.
 */
function bracketFor(q: number, sorted: Float64Array): Bracket {
  const m = sorted.length;
  if (m === 0) return { lo: -Infinity, hi: Infinity };
  const center = q * (m - 1);
  const margin = 4 * Math.sqrt(m * q * (1 - q)) + 2;
  const loIndex = Math.floor(center - margin);
  const hiIndex = Math.ceil(center + margin);
  return {
    lo: loIndex <= 0 ? -Infinity : sorted[loIndex],
    hi: hiIndex >= m - 1 ? Infinity : sorted[hiIndex],
  };
}

/** Sorted, non-overlapping brackets covering the given ones. */
function mergeBrackets(brackets: Bracket[]): Bracket[] {
  const sorted = [...brackets].sort((a, b) => a.lo - b.lo);
  const merged: Bracket[] = [];
  for (const b of sorted) {
    const last = merged.at(-1);
    if (last && b.lo <= last.hi) last.hi = Math.max(last.hi, b.hi);
    else merged.push({ ...b });
  }
  return merged;
}

/** The finite values of the lists in one new array (`size` ≥ their number). */
function copyFinite(lists: readonly ArrayLike<number>[], size: number): Float64Array {
  return copyFiniteInto(lists, new Float64Array(size));
}

/** The finite values of the lists copied to the start of `out` (long enough), as a subarray. */
function copyFiniteInto(lists: readonly ArrayLike<number>[], out: Float64Array): Float64Array {
  let k = 0;
  for (const list of lists) {
    for (let j = 0; j < list.length; j++) {
      const v = list[j];
      if (v - v === 0) out[k++] = v;
    }
  }
  return out.subarray(0, k);
}

/** A Float64Array that grows by doubling up to a cap, then stops keeping values. */
class GrowableBuffer {
  /** Storage; values are data[0..length). Public so the scan can append inline while room. */
  data: Float64Array;
  length = 0;
  overflowed = false;

  constructor(private readonly cap: number, initial = 1024) {
    this.data = new Float64Array(Math.max(1, Math.min(initial, cap)));
  }

  push(v: number): void {
    if (this.overflowed) return;
    if (this.length === this.data.length) {
      if (this.length >= this.cap) {
        this.overflowed = true;
        return;
      }
      const bigger = new Float64Array(Math.min(this.cap, this.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
