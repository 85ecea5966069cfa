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
 * import { selectInPlace } from "./select.ts";
 * const a = new Float64Array([5, 1, 4, 2, 3]);
 * selectInPlace(a, 2);
 * console.log(a[2]); // 3
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
 * The values at the given 0-based ranks of the sorted order, found with {@link selectInPlace}
 * (so `values` is reordered). Ranks may come in any order; each result matches its rank.
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): number[] {
  const order = ranks.map((rank, i) => ({ rank, i })).sort((a, b) => a.rank - b.rank);
  const out = new Array<number>(ranks.length);
  // Ranks ascend, so each search can start at the previous rank: everything before it is ≤.
  let lo = 0;
  const hi = values.length - 1;
  for (const { rank, i } of order) {
    selectInPlace(values, rank, lo, hi);
    out[i] = values[rank];
    lo = rank;
  }
  return out;
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
