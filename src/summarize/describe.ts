/**
 * Descriptive statistics of one metric, as `vllm bench serve` reports them.
 *
 * @module
 */

import { percentilesInPlace } from "./percentile.ts";

/** Statistics of one metric over one group; all null when there are no values. */
export interface MetricStats {
  count: number;
  mean: number | null;
  /** Population standard deviation (ddof = 0, numpy's default, as vllm bench). */
  std: number | null;
  min: number | null;
  max: number | null;
  /** One value per requested percentile, numpy linear method. */
  percentiles: (number | null)[];
}

/** The statistics of no values: count 0, every statistic null. */
export function emptyStats(percentiles: readonly number[]): MetricStats {
  return {
    count: 0,
    mean: null,
    std: null,
    min: null,
    max: null,
    percentiles: percentiles.map(() => null),
  };
}

/**
 * Count, mean, population std (ddof = 0), min, max and numpy-linear percentiles of `values`
 * (finite numbers, no NaN). `values` is reordered in place (selection), so pass a scratch copy.
 * An empty input gives count 0 and nulls (vllm bench would report 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describe } from "./describe.ts";
 * const s = describe(new Float64Array([1, 2, 3, 4]), [50, 90]);
 * assert.deepEqual(s, {
 *   count: 4, mean: 2.5, std: Math.sqrt(1.25), min: 1, max: 4, percentiles: [2.5, 3.7],
 * }); // std is the population std (numpy's default)
 * ```
 */
export function describe(values: Float64Array, percentiles: readonly number[]): MetricStats {
  const count = values.length;
  if (count === 0) return emptyStats(percentiles);
  // One pass for the sum (Neumaier-compensated, exactly as simple-statistics' `sum`, so `mean`
  // is bit for bit its `mean`), min and max; a second for the squared deviations (its
  // `variance`). Then selection, which reorders `values`.
  let sum = values[0];
  let correction = 0;
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < count; i++) {
    const v = values[i];
    const transition = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) correction += sum - transition + v;
    else correction += v - transition + sum;
    sum = transition;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = (sum + correction) / count;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  return {
    count,
    mean,
    std: Math.sqrt(squares / count),
    min,
    max,
    percentiles: percentilesInPlace(values, percentiles),
  };
}
