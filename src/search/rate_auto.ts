/**
 * `--rate auto[:N]`: find the interesting rates automatically, as GuideLLM's sweep does. Measure
 * the synchronous throughput (concurrency 1) and the saturation throughput (no rate limit), then
 * run N rates evenly spaced between them, stopping early once the SLO goodput collapses.
 *
 * @module
 */

import type { Run } from "../types.ts";
import {
  measureBounds,
  probeLoad,
  type ProbeResult,
  type ProbeSession,
  runAndMeasureProbe,
  runsOf,
} from "./probe.ts";
import { checkPercent, checkSearchOptions, type SearchOptions } from "./search_options.ts";
import { spacedRates } from "./spacing.ts";

/** Rates of `--rate auto` without `:N`. */
export const DEFAULT_AUTO_RATES = 8;
/** Default collapse threshold: a rate whose SLO share is below this percent ends the sweep. */
export const DEFAULT_COLLAPSE_BELOW_PERCENT = 50;

/** Options of {@link rateAuto}. */
export interface RateAutoOptions extends SearchOptions {
  /** Rates to run between the two throughputs (default 8). */
  rates?: number;
  /**
   * With `slo`: the goodput has collapsed, and no higher rate is run, once a rate's share of
   * requests meeting every SLO is below this percent (default 50; 0 = never stop early).
   */
  collapseBelowPercent?: number;
}

/** What {@link rateAuto} ran and measured. */
export interface RateAutoResult {
  /** The synchronous probe (concurrency 1); null if stopped before it. */
  sync: ProbeResult | null;
  /** The saturation probe (no rate limit); null if stopped before it. */
  saturation: ProbeResult | null;
  /** The rates spaced between the two throughputs (req/s), empty when none could be. */
  planned_rps: number[];
  /** The rate runs made, in increasing rate order (fewer than planned after a stop). */
  rates: ProbeResult[];
  /** Every run, in the order made: the two probes, then the rates. */
  runs: Run[];
  /** Why fewer rates than planned were run (collapse, interrupt, no rates), else null. */
  stop_reason: string | null;
}

/**
 * Runs the synchronous and saturation probes, then `rates` rates evenly spaced strictly between
 * their throughputs (see `spacedRates`), in increasing order. With `slo`, the sweep stops after
 * the first rate whose share of requests meeting every SLO is below `collapseBelowPercent`.
 * Nothing measured is dropped: every run is in `runs`, and `stop_reason` says why a sweep ended
 * early (the saturation throughput not above the synchronous one leaves no rates to run).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rateAuto } from "./rate_auto.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * import { randomDataset } from "../datasets/random.ts";
 * const sim = await startSimulator({ decodeStepMs: 5, log: false });
 * try {
 *   const result = await rateAuto({
 *     collect: {
 *       url: sim.url,
 *       requests: randomDataset({ inputTokens: 16, outputTokens: 4 }),
 *       count: 6,
 *     },
 *     rates: 2,
 *   });
 *   assert.deepEqual(result.runs.map((r) => r.meta.label).slice(0, 2), [
 *     "search-sync-c1-rinf",
 *     "search-saturation-cmax-rinf",
 *   ]);
 *   assert.equal(result.rates.length, 2);
 *   assert.ok(result.planned_rps[0] < result.planned_rps[1]);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function rateAuto(options: RateAutoOptions): Promise<RateAutoResult> {
  const { search, count, collapseBelow } = checkRateAutoOptions(options);
  const bounds = await measureBounds(search);
  const planned = planRates(bounds.sync, bounds.saturation, count);
  const swept = planned.rates.length > 0
    ? await runRates(search, planned.rates, collapseBelow)
    : { rates: [], stop_reason: planned.stop_reason };
  return {
    ...bounds,
    planned_rps: planned.rates,
    rates: swept.rates,
    runs: runsOf([bounds.sync, bounds.saturation, ...swept.rates]),
    stop_reason: swept.stop_reason ?? planned.stop_reason,
  };
}

/** The options of {@link rateAuto}, checked before any probe is sent. */
function checkRateAutoOptions(options: RateAutoOptions) {
  return {
    search: checkSearchOptions(options, "rateAuto"),
    count: checkRateCount(options.rates),
    collapseBelow: checkPercent(
      "rateAuto",
      "collapseBelowPercent",
      options.collapseBelowPercent,
      DEFAULT_COLLAPSE_BELOW_PERCENT,
    ),
  };
}

/** The rates between the two probes' throughputs, or why there are none. */
export function planRates(
  sync: ProbeResult | null,
  saturation: ProbeResult | null,
  count: number,
): { rates: number[]; stop_reason: string | null } {
  if (sync === null || saturation === null) {
    return { rates: [], stop_reason: "stopped before the throughput probes finished" };
  }
  for (const probe of [sync, saturation]) {
    if (!(probe.throughput_rps !== null && probe.throughput_rps > 0)) {
      return {
        rates: [],
        stop_reason: `the ${probe.load.role} probe measured no throughput (no successful request)`,
      };
    }
  }
  try {
    return {
      rates: spacedRates(sync.throughput_rps!, saturation.throughput_rps!, count),
      stop_reason: null,
    };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { rates: [], stop_reason: error.message.replace(/^spacedRates: /, "") };
  }
}

/**
 * Whether a rate's SLO share shows the goodput has collapsed: SLOs given, a threshold above 0,
 * and the share below it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasCollapsed } from "./rate_auto.ts";
 * assert.equal(hasCollapsed(42, 50), true);
 * assert.equal(hasCollapsed(50, 50), false);
 * assert.equal(hasCollapsed(null, 50), false); // no SLOs: never
 * assert.equal(hasCollapsed(0, 0), false); // threshold 0: never
 * ```
 */
export function hasCollapsed(goodPercent: number | null, collapseBelowPercent: number): boolean {
  return goodPercent !== null && collapseBelowPercent > 0 && goodPercent < collapseBelowPercent;
}

/** Runs the rates in order until one collapses or the signal stops the search. */
async function runRates(
  search: ProbeSession,
  rates: number[],
  collapseBelow: number,
): Promise<{ rates: ProbeResult[]; stop_reason: string | null }> {
  const done: ProbeResult[] = [];
  for (const rate of rates) {
    if (search.signal?.aborted) return { rates: done, stop_reason: "interrupted" };
    const load = probeLoad("rate", search.concurrency, rate);
    const result = await runAndMeasureProbe(search, load);
    done.push(result);
    if (hasCollapsed(result.good_percent, collapseBelow) && done.length < rates.length) {
      return {
        rates: done,
        stop_reason: `goodput collapsed at ${rate} req/s: ${
          result.good_percent!.toFixed(1)
        } % of requests met the SLO (below ${collapseBelow} %)`,
      };
    }
  }
  return { rates: done, stop_reason: null };
}

/** `rates`: an integer ≥ 1 (default {@link DEFAULT_AUTO_RATES}). */
function checkRateCount(rates: number | undefined): number {
  if (rates === undefined) return DEFAULT_AUTO_RATES;
  if (!(Number.isInteger(rates) && rates >= 1)) {
    throw new RangeError(`rateAuto: rates must be an integer ≥ 1, got ${rates}`);
  }
  return rates;
}
