/**
 * The bootstrap distribution of every compared statistic of one run.
 *
 * @module
 */

import { resampleCounts } from "./resample.ts";
import { COMPARED_PERCENTILES, type RunData } from "./run_data.ts";
import { resampledRates } from "./throughput.ts";

/** The statistics compared per latency metric, in order. */
export const LATENCY_STATISTICS: readonly string[] = [
  "mean",
  ...COMPARED_PERCENTILES.map((p) => `p${p}`),
];

/** The rates compared (statistic "value"), in order; goodput only with an SLO. */
export const RATES = ["request_throughput", "output_throughput", "goodput"] as const;

/** One compared quantity: a latency metric's statistic, or a rate (statistic "value"). */
export interface StatisticKey {
  metric: string;
  statistic: string;
}

/** The compared quantities for these latency metrics, then the rates. */
export function statisticKeys(metrics: readonly string[], withGoodput: boolean): StatisticKey[] {
  return [
    ...metrics.flatMap((metric) => LATENCY_STATISTICS.map((statistic) => ({ metric, statistic }))),
    ...RATES.filter((rate) => withGoodput || rate !== "goodput").map((metric) => ({
      metric,
      statistic: "value",
    })),
  ];
}

/**
 * `resamples` values of every statistic in `keys` (one Float64Array per key, NaN where a
 * resample holds no value of the metric), over resamples of the run's requests drawn with
 * `resampleIndices(requests, resamples, seed)` (./resample.ts): the same draws for every metric, so a
 * resample is a set of whole requests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapStatistics, statisticKeys } from "./bootstrap.ts";
 * import { runData } from "./run_data.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const run = makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]);
 * const keys = statisticKeys(["ttft_ms"], false);
 * const [mean] = bootstrapStatistics(runData(toTable(run), ["ttft_ms"]), keys, 100, 7);
 * assert.equal(mean.length, 100);
 * assert.ok(mean.every((m) => m >= 20 && m <= 30)); // every resample mean lies between the two
 * ```
 */
export function bootstrapStatistics(
  run: RunData,
  keys: readonly StatisticKey[],
  resamples: number,
  seed: number,
): Float64Array[] {
  const out = keys.map(() => new Float64Array(resamples));
  const positions = new Map(keys.map((key, k) => [`${key.metric} ${key.statistic}`, k]));
  const at = (metric: string, statistic: string) => positions.get(`${metric} ${statistic}`);
  let r = 0;
  for (const counts of resampleCounts(run.requests, resamples, seed)) {
    for (const [metric, pool] of run.pools) {
      const stats = pool.stats(counts);
      const mean = at(metric, "mean");
      if (mean !== undefined) out[mean][r] = stats.mean;
      COMPARED_PERCENTILES.forEach((p, i) => {
        const k = at(metric, `p${p}`);
        if (k !== undefined) out[k][r] = stats.percentiles[i];
      });
    }
    const rates = resampledRates(run.rates, counts);
    for (const rate of RATES) {
      const k = at(rate, "value");
      if (k !== undefined) out[k][r] = rates[rate];
    }
    r++;
  }
  return out;
}
