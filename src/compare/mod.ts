/**
 * Comparisons you can trust: run B against run A, every statistic with a bootstrap confidence
 * interval of the difference and a verdict.
 *
 * @module
 */

export {
  compareRuns,
  type CompareRunsOptions,
  DEFAULT_RESAMPLES,
  differenceInterval,
  intervalPercentiles,
  type Verdict,
} from "./compare_runs.ts";
export { drawCounts, resampleIndices } from "./resample.ts";
export { comparisonBundle, formatComparison, metricLabel } from "./compare_display.ts";
export { ValuePool } from "./value_pool.ts";
export { resampledRates, type ThroughputInputs, type ThroughputModel } from "./throughput.ts";
