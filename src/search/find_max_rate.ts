/**
 * SLA search (`--find-max-rate`): the highest request rate at which at least a target share of
 * the requests meets every SLO, found by bisection over probe runs.
 *
 * @module
 */

import type { Run } from "../types.ts";
import {
  bracketOf,
  checkPrecision,
  DEFAULT_PRECISION,
  isConverged,
  nextRate,
  type RateBracket,
  type RateVerdict,
  type SearchPrecision,
} from "./bisection.ts";
import {
  measureBounds,
  probeLoad,
  type ProbeResult,
  type ProbeSession,
  runAndMeasureProbe,
  runsOf,
} from "./probe.ts";
import { checkPercent, checkSearchOptions, type SearchOptions } from "./search_options.ts";
import { roundTo } from "./spacing.ts";

/** Default share of requests that must meet the SLO, percent. */
export const DEFAULT_TARGET_PERCENT = 90;
/** Default cap on the rate probes of the bisection (the two measuring probes not counted). */
export const DEFAULT_MAX_PROBES = 10;

/** Options of {@link findMaxRate}. */
export interface FindMaxRateOptions extends SearchOptions {
  /** Percent of requests (failed ones count as missing it) that must meet every SLO (default 90). */
  targetPercent?: number;
  /** Stop once the bracket is this narrow (default `{ percent: 5 }` of the rate found). */
  precision?: SearchPrecision;
  /** Most rate probes after the two measuring ones (default 10). */
  maxProbes?: number;
}

/** What {@link findMaxRate} found. */
export interface MaxRateResult {
  /** The highest probed rate that met the target below every failing one (req/s); null if none. */
  max_rate_rps: number | null;
  /** The final bracket: that rate, and the lowest probed rate that failed. */
  bracket: RateBracket;
  /** Whether the bracket reached the precision. */
  converged: boolean;
  /** Why the search stopped. */
  stop_reason: string;
  /** The target share, percent. */
  target_percent: number;
  /** The synchronous probe (concurrency 1); null if stopped before it. */
  sync: ProbeResult | null;
  /** The saturation probe (no rate limit): its throughput is the first rate probed. */
  saturation: ProbeResult | null;
  /** The rate probes in the order run. */
  probes: ProbeResult[];
  /** Every run, in the order made: the two measuring probes, then the rate probes. */
  runs: Run[];
}

/**
 * Finds the highest request rate whose share of requests meeting every SLO is at least
 * `targetPercent`. Steps: measure the synchronous and saturation throughputs (the synchronous
 * probe is for reference: one noisy probe does not end the search); then probe rates — first the
 * saturation throughput
 * (rounded to 3 significant digits), doubling while every probe meets the target, halving while
 * every probe misses it, else the middle of the bracket — until the bracket is within
 * `precision`, `maxProbes` rates have run, or `signal` is aborted. Each probe is a whole run
 * (`count`/`durationS` of `collect`), returned in `runs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findMaxRate } from "./find_max_rate.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * import { randomDataset } from "../datasets/random.ts";
 * const sim = await startSimulator({ decodeStepMs: 5, log: false });
 * try {
 *   const result = await findMaxRate({
 *     collect: {
 *       url: sim.url,
 *       requests: randomDataset({ inputTokens: 16, outputTokens: 4 }),
 *       count: 6,
 *     },
 *     slo: { e2e_ms: 60_000 }, // met at any rate here, so the search doubles the rate
 *     maxProbes: 2,
 *   });
 *   assert.equal(result.probes.length, 2);
 *   assert.equal(result.probes[1].load.rate_rps, 2 * result.probes[0].load.rate_rps!);
 *   assert.equal(result.max_rate_rps, result.probes[1].load.rate_rps);
 *   assert.equal(result.converged, false); // no failing rate yet: no bracket
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function findMaxRate(options: FindMaxRateOptions): Promise<MaxRateResult> {
  const { search, target, precision, maxProbes } = checkFindMaxRateOptions(options);
  const bounds = await measureBounds(search);
  const start = startRate(bounds.sync, bounds.saturation);
  const bisection = typeof start === "string"
    ? { probes: [], bracket: { good_rps: null, bad_rps: null }, stop_reason: start }
    : await bisect(search, start, target, precision, maxProbes);
  return {
    max_rate_rps: bisection.bracket.good_rps,
    bracket: bisection.bracket,
    converged: isConverged(bisection.bracket, precision),
    stop_reason: bisection.stop_reason,
    target_percent: target,
    ...bounds,
    probes: bisection.probes,
    runs: runsOf([bounds.sync, bounds.saturation, ...bisection.probes]),
  };
}

/** The options of {@link findMaxRate}, checked before any probe is sent. */
function checkFindMaxRateOptions(options: FindMaxRateOptions) {
  const search = checkSearchOptions(options, "findMaxRate");
  if (search.slo === undefined) {
    throw new TypeError("findMaxRate: slo must name at least one of ttft_ms, tpot_ms, e2e_ms");
  }
  return {
    search,
    target: checkPercent(
      "findMaxRate",
      "targetPercent",
      options.targetPercent,
      DEFAULT_TARGET_PERCENT,
    ),
    precision: checkPrecision(options.precision ?? DEFAULT_PRECISION, "findMaxRate"),
    maxProbes: checkMaxProbes(options.maxProbes),
  };
}

/** Whether a probe's SLO share meets the target. */
export function meetsTarget(result: ProbeResult, targetPercent: number): boolean {
  return result.good_percent !== null && result.good_percent >= targetPercent;
}

/** The first rate to probe (the saturation throughput), or why the search cannot start. */
function startRate(sync: ProbeResult | null, saturation: ProbeResult | null): number | string {
  if (sync === null || saturation === null) {
    return "stopped before the throughput probes finished";
  }
  const throughput = saturation.throughput_rps;
  if (throughput === null || !(throughput > 0)) {
    return "the saturation probe measured no throughput (no successful request)";
  }
  return roundTo(throughput, 3);
}

/** Probes rates until the bracket converges, the probes run out, or the search is stopped. */
async function bisect(
  search: ProbeSession,
  start: number,
  target: number,
  precision: SearchPrecision,
  maxProbes: number,
): Promise<{ probes: ProbeResult[]; bracket: RateBracket; stop_reason: string }> {
  const probes: ProbeResult[] = [];
  const verdicts: RateVerdict[] = [];
  let bracket = bracketOf(verdicts);
  while (!isConverged(bracket, precision)) {
    if (probes.length >= maxProbes) {
      return { probes, bracket, stop_reason: `${maxProbes} rate probes run (maxProbes)` };
    }
    if (search.signal?.aborted) return { probes, bracket, stop_reason: "interrupted" };
    const load = probeLoad("rate", search.concurrency, nextRate(bracket, start));
    const result = await runAndMeasureProbe(search, load);
    probes.push(result);
    verdicts.push({ rate_rps: load.rate_rps!, meets: meetsTarget(result, target) });
    bracket = bracketOf(verdicts);
  }
  return { probes, bracket, stop_reason: "converged: the bracket is within the precision" };
}

/** `maxProbes`: an integer ≥ 1 (default {@link DEFAULT_MAX_PROBES}). */
function checkMaxProbes(maxProbes: number | undefined): number {
  if (maxProbes === undefined) return DEFAULT_MAX_PROBES;
  if (!(Number.isInteger(maxProbes) && maxProbes >= 1)) {
    throw new RangeError(`findMaxRate: maxProbes must be an integer ≥ 1, got ${maxProbes}`);
  }
  return maxProbes;
}
