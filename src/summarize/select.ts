/**
 * Order statistics without a full sort: in-place selection (quickselect with a median-of-three
 * pivot, falling back to a sort when partitions stay unbalanced) so percentiles of 10^8 pooled
 * ITL gaps cost a few linear passes instead of an O(n log n) sort.
 *
 * @module
 */

/**
 * Rearranges `values[lo..hi]` (inclusive) in place so that `values[k]` holds the value a sorted
 * copy would have there, everything before it is ≤ and everything after is ≥. NaN not allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectInPlace } from "./select.ts";
 * const a = new Float64Array([5, 1, 4, 2, 3]);
 * selectInPlace(a, 2);
 * assert.equal(a[2], 3); // the 3rd smallest
 * assert.ok(a[0] <= 3 && a[1] <= 3 && a[3] >= 3 && a[4] >= 3);
 * ```
 */
export function selectInPlace(
  values: Float64Array,
  k: number,
  lo = 0,
  hi = values.length - 1,
): void {
  if (k < lo || k > hi) throw new RangeError(`selectInPlace: k=${k} outside [${lo}, ${hi}]`);
  let budget = 4 * Math.ceil(Math.log2(hi - lo + 2)) + 16;
  while (hi - lo > 16) {
    if (--budget < 0) {
      // Unbalanced partitions (adversarial input): finish with a sort of what is left.
      values.subarray(lo, hi + 1).sort();
      return;
    }
    partition(values, lo, hi);
    const i = bounds[0];
    const j = bounds[1];
    // Now values[lo..j] ≤ pivot ≤ values[i..hi], and values[j+1..i-1] == pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  insertionSort(values, lo, hi);
}

/**
 * The values at the given 0-based ranks of the sorted order (so `values` is reordered). Ranks may
 * come in any order; each result matches its rank. All ranks are found together: each partition
 * step sends every rank to its side, so k ranks cost about one selection plus a few small ones
 * rather than k selections.
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): number[] {
  for (const rank of ranks) {
    if (!(rank >= 0 && rank < values.length)) {
      throw new RangeError(`orderStatistics: rank ${rank} outside [0, ${values.length - 1}]`);
    }
  }
  const sorted = Float64Array.from(ranks).sort();
  if (sorted.length > 0) {
    const budget = 4 * Math.ceil(Math.log2(values.length + 1)) + 16;
    selectMany(values, sorted, 0, sorted.length - 1, 0, values.length - 1, budget);
  }
  return ranks.map((rank) => values[rank]);
}

/**
 * Places the sorted-order values at ranks[a..b] (ascending, all within [lo, hi]) in position:
 * partitions [lo, hi], recurses into the side with the later ranks and loops on the other. When
 * `budget` partitions do not suffice (adversarial input), sorts what is left.
 */
function selectMany(
  values: Float64Array,
  ranks: Float64Array,
  a: number,
  b: number,
  lo: number,
  hi: number,
  budget: number,
): void {
  while (a <= b) {
    if (hi - lo <= 16) {
      insertionSort(values, lo, hi);
      return;
    }
    if (--budget < 0) {
      values.subarray(lo, hi + 1).sort();
      return;
    }
    partition(values, lo, hi);
    const i = bounds[0];
    const j = bounds[1];
    // Now values[lo..j] ≤ pivot ≤ values[i..hi], and values[j+1..i-1] == pivot: ranks there are
    // done.
    let left = a;
    while (left <= b && ranks[left] <= j) left++; // ranks[a..left-1] are ≤ j
    let right = left;
    while (right <= b && ranks[right] < i) right++; // ranks[right..b] are ≥ i
    if (right <= b) {
      if (left > a) selectMany(values, ranks, right, b, i, hi, budget);
      else {
        a = right;
        lo = i;
        continue;
      }
    }
    b = left - 1;
    hi = j;
  }
}

/** [i, j] of the last partition (a module-level scratch: no allocation per call). */
const bounds = new Int32Array(2);

/**
 * Hoare partition of values[lo..hi] around the median of three; leaves values[lo..j] ≤ pivot ≤
 * values[i..hi] in `bounds`. A function of its own so V8 optimizes it as a whole rather than
 * on-stack-replacing (and repeatedly deoptimizing) the inner loops of the caller.
 */
function partition(values: Float64Array, lo: number, hi: number): void {
  const mid = lo + ((hi - lo) >>> 1);
  if (values[mid] < values[lo]) swap(values, mid, lo);
  if (values[hi] < values[lo]) swap(values, hi, lo);
  if (values[hi] < values[mid]) swap(values, hi, mid);
  const pivot = values[mid];
  let i = lo;
  let j = hi;
  while (i <= j) {
    while (values[i] < pivot) i++;
    while (values[j] > pivot) j--;
    if (i <= j) {
      swap(values, i, j);
      i++;
      j--;
    }
  }
  bounds[0] = i;
  bounds[1] = j;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
