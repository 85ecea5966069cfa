/**
 * The small numeric helpers the charts use to aggregate before embedding data: quantiles,
 * "nice" bin steps, histograms, ECDF points and time-weighted occupancy.
 *
 * @module
 */

import { quantileOfSorted } from "../summarize/percentile.ts";

/**
 * Quantile `p` ∈ [0, 1] of ascending-sorted values: the summary's percentile definition
 * (numpy's linear method, as `vllm bench serve`; src/summarize/percentile.ts), with `p` clamped
 * to [0, 1]. `NaN` for no values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantileSorted } from "./stats.ts";
 * assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  return quantileOfSorted(sorted, Math.min(1, Math.max(0, p)));
}

/** Ascending numeric sort into a Float64Array (fast for large inputs). */
export function sortNumbers(values: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(values as ArrayLike<number>);
  a.sort();
  return a;
}

/**
 * A "nice" step (1, 2, 2.5 or 5 × 10^k) so that `span / step` is at most `maxBins`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { niceStep } from "./stats.ts";
 * assert.equal(niceStep(97, 40), 2.5);
 * ```
 */
export function niceStep(span: number, maxBins: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxBins);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  // Spans near the smallest doubles have no representable nice step: use the span itself.
  if (!(mag > 0) || !Number.isFinite(mag)) return raw > 0 ? raw : span;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * mag >= raw) return m * mag;
  }
  return 10 * mag;
}

/** Rounds away floating-point noise (`0.30000000000000004` → `0.3`) for readable data. */
export function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

/** Equal-width bins over [start, start + step·count). */
export interface Bins {
  start: number;
  step: number;
  count: number;
}

/**
 * Equal-width bins with a nice step covering [min, max] in at most `maxBins` bins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { niceBins } from "./stats.ts";
 * assert.deepEqual(niceBins(3, 97, 40), { start: 2.5, step: 2.5, count: 38 });
 * ```
 */
export function niceBins(min: number, max: number, maxBins: number): Bins {
  if (!(max > min)) {
    const step = min === 0 ? 1 : niceStep(Math.abs(min), 10);
    const start = tidy(Math.floor(min / step) * step);
    return { start, step, count: 1 };
  }
  // The last bin is closed ([lo, hi]), so a maximum on a bin edge needs no extra bin.
  const fit = (step: number) => {
    const start = tidy(Math.floor(min / step) * step);
    return { start, step, count: Math.max(1, Math.ceil((max - start) / step)) };
  };
  let bins = fit(niceStep(max - min, maxBins));
  for (let k = 1; bins.count > maxBins && k < 8; k++) {
    // Snapping the start down can need one extra bin; take the next nice step instead.
    bins = fit(niceStep((max - min) * (1 + k / maxBins), maxBins));
  }
  // Very few bins around zero cannot be aligned to multiples of a nice step: split evenly.
  return bins.count <= maxBins ? bins : { start: min, step: (max - min) / maxBins, count: maxBins };
}

/** The bin index of `x` (clamped into [0, count - 1]). */
export function binIndex(bins: Bins, x: number): number {
  const i = Math.floor((x - bins.start) / bins.step);
  return i < 0 ? 0 : i >= bins.count ? bins.count - 1 : i;
}

/**
 * Points of the empirical CDF of ascending-sorted values: every value when there are at most
 * `maxPoints`, otherwise the quantiles at `maxPoints` evenly spaced levels, plus the minimum
 * at fraction 0 so the curve starts on the axis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ecdfPoints } from "./stats.ts";
 * assert.deepEqual(ecdfPoints(Float64Array.from([1, 2]), 100), [
 *   { value: 1, fraction: 0 },
 *   { value: 1, fraction: 0.5 },
 *   { value: 2, fraction: 1 },
 * ]);
 * ```
 */
export function ecdfPoints(
  sorted: ArrayLike<number>,
  maxPoints: number,
): { value: number; fraction: number }[] {
  const n = sorted.length;
  if (n === 0) return [];
  const out = [{ value: sorted[0], fraction: 0 }];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) {
      // Only the last of equal values matters for a step curve.
      if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
      out.push({ value: sorted[i], fraction: tidy((i + 1) / n) });
    }
    return out;
  }
  for (let k = 1; k <= maxPoints; k++) {
    const p = k / maxPoints;
    out.push({ value: tidy(quantileSorted(sorted, p)), fraction: tidy(p) });
  }
  return out;
}

/**
 * Time-weighted mean number of open intervals in each bin, for intervals `[start, end)`.
 * Intervals with a non-finite or reversed end are ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanOccupancy } from "./stats.ts";
 * // two requests, one over the whole first second, one over its second half
 * assert.deepEqual([...meanOccupancy([[0, 1], [0.5, 1]], { start: 0, step: 1, count: 1 })], [1.5]);
 * ```
 */
export function meanOccupancy(intervals: [number, number][], bins: Bins): number[] {
  const area = new Float64Array(bins.count);
  const end = bins.start + bins.step * bins.count;
  for (const [s0, e0] of intervals) {
    if (!Number.isFinite(s0) || !Number.isFinite(e0) || e0 < s0) continue;
    const s = Math.max(s0, bins.start);
    const e = Math.min(e0, end);
    if (e <= s) continue;
    let i = binIndex(bins, s);
    while (i < bins.count) {
      const b0 = bins.start + i * bins.step;
      const b1 = b0 + bins.step;
      const overlap = Math.min(e, b1) - Math.max(s, b0);
      if (overlap > 0) area[i] += overlap;
      if (e <= b1) break;
      i++;
    }
  }
  return Array.from(area, (a) => a / bins.step);
}

/** The percentiles the ITL charts draw per bin. */
export const BIN_STATS = [["p50", 0.5], ["p90", 0.9], ["p99", 0.99]] as const;

/**
 * One row per (run, bin, percentile) of `values` grouped by run and bin index: `{ run, stat,
 * [xKey]: x(bin), ms, n }`, runs in order of first appearance, bins ascending, empty bins skipped.
 * Shared by the ITL-over-time and ITL-by-position charts.
 */
export function percentilesByBin(
  runOf: readonly string[],
  binOf: readonly number[],
  values: readonly number[],
  xKey: string,
  x: (bin: number) => number,
): { runs: string[]; rows: Record<string, unknown>[] } {
  const cells = new Map<string, Map<number, number[]>>();
  for (let i = 0; i < values.length; i++) {
    let byBin = cells.get(runOf[i]);
    if (!byBin) cells.set(runOf[i], byBin = new Map());
    let cell = byBin.get(binOf[i]);
    if (!cell) byBin.set(binOf[i], cell = []);
    cell.push(values[i]);
  }
  const rows: Record<string, unknown>[] = [];
  for (const [run, byBin] of cells) {
    for (const bin of [...byBin.keys()].sort((a, b) => a - b)) {
      const cell = byBin.get(bin)!;
      const sorted = sortNumbers(cell);
      for (const [stat, p] of BIN_STATS) {
        rows.push({
          run,
          stat,
          [xKey]: x(bin),
          ms: tidy(quantileSorted(sorted, p)),
          n: cell.length,
        });
      }
    }
  }
  return { runs: [...cells.keys()], rows };
}
