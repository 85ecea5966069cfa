/**
 * Percentiles with numpy's default method ("linear", numpy ≥ 1.22; type 7 of Hyndman & Fan),
 * the method `vllm bench serve` uses through `numpy.percentile`.
 *
 * @module
 */

import { orderStatistics } from "./select.ts";

/**
 * numpy's `_lerp`: a + (b − a)·t, computed from b's side when t ≥ 0.5 (bit-for-bit as numpy does,
 * so results match numpy exactly rather than to the last ulp).
 */
export function numpyLerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The two sorted-order ranks and the weight numpy's linear method interpolates between. */
export function linearRanks(n: number, p: number): { below: number; above: number; t: number } {
  return fractionRanks(n, p / 100);
}

/** {@link linearRanks} for a quantile `q` ∈ [0, 1] (position (n − 1)·q). */
function fractionRanks(n: number, q: number): { below: number; above: number; t: number } {
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  return { below, above, t: position - below };
}

/**
 * numpy's linear interpolation between the values at the two ranks of `n` values. At t = 0 numpy
 * still computes a + (b − a)·0, which turns −0 into +0 (adding 0 does the same), except for a
 * single value, which it returns as it is.
 */
function interpolate(below: number, above: number, t: number, n: number): number {
  return t === 0 ? below + (n === 1 ? -0 : 0) : numpyLerp(below, above, t);
}

/**
 * The quantile `q` ∈ [0, 1] of values already sorted ascending (no NaN), with the same numpy
 * linear method as {@link percentile} (the charts' quantiles). An empty input gives NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantileOfSorted } from "./percentile.ts";
 * assert.equal(quantileOfSorted([1, 2, 3, 4], 0.9), 3.7); // numpy.quantile([1, 2, 3, 4], 0.9)
 * ```
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const r = fractionRanks(n, q);
  return interpolate(sorted[r.below], sorted[r.above], r.t, n);
}

/** Throws a RangeError unless 0 ≤ p ≤ 100. */
export function checkPercentile(p: number, where = "percentile"): void {
  if (typeof p !== "number" || !(p >= 0 && p <= 100)) {
    throw new RangeError(`${where}: percentile must be a number in [0, 100], got ${p}`);
  }
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) with numpy's default **linear** method:
 * position h = (n − 1)·p/100 in the sorted values, interpolated between the values at ⌊h⌋ and
 * ⌊h⌋ + 1 (`numpy.percentile(values, p)`). The input may be sorted or not and is not modified.
 * NaN values are ignored; an empty input gives NaN (numpy raises; vllm bench reports 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentile } from "./percentile.ts";
 * assert.equal(percentile([1, 2, 3, 4], 90), 3.7); // as numpy.percentile([1, 2, 3, 4], 90)
 * ```
 */
export function percentile(sortedOrNot: ArrayLike<number>, p: number): number {
  checkPercentile(p);
  const values = new Float64Array(sortedOrNot.length);
  let n = 0;
  for (let i = 0; i < sortedOrNot.length; i++) {
    const v = sortedOrNot[i];
    if (!Number.isNaN(v)) values[n++] = v;
  }
  if (n === 0) return NaN;
  return percentilesInPlace(values.subarray(0, n), [p])[0];
}

/**
 * Several numpy-linear percentiles of `values` (no NaN, not empty), reordering `values` in place
 * with selection instead of a full sort.
 */
export function percentilesInPlace(values: Float64Array, ps: readonly number[]): number[] {
  const n = values.length;
  const ranks = ps.map((p) => linearRanks(n, p));
  const wanted = ranks.flatMap((r) => [r.below, r.above]);
  const at = orderStatistics(values, wanted);
  return ranks.map((r, i) => interpolate(at[2 * i], at[2 * i + 1], r.t, n));
}
