/**
 * Load searches built on repeated `collect()` probe runs: `rateAuto` (the rates worth sweeping,
 * between the synchronous and the saturation throughput, as GuideLLM's sweep) and `findMaxRate`
 * (the highest rate meeting an SLO for a share of requests, by bisection). Their pure parts —
 * rate spacing, the bisection's next probe and convergence — are exported too.
 *
 * @module
 */

export {
  DEFAULT_AUTO_RATES,
  DEFAULT_COLLAPSE_BELOW_PERCENT,
  hasCollapsed,
  rateAuto,
} from "./rate_auto.ts";
export type { RateAutoOptions, RateAutoResult } from "./rate_auto.ts";
export {
  DEFAULT_MAX_PROBES,
  DEFAULT_TARGET_PERCENT,
  findMaxRate,
  meetsTarget,
} from "./find_max_rate.ts";
export type { FindMaxRateOptions, MaxRateResult } from "./find_max_rate.ts";
export { bracketOf, DEFAULT_PRECISION, isConverged, nextRate } from "./bisection.ts";
export type { RateBracket, RateVerdict, SearchPrecision } from "./bisection.ts";
export { spacedRates } from "./spacing.ts";
export { collectRunner, measureProbe, probeLoad } from "./probe.ts";
export type {
  ProbeCollectOptions,
  ProbeLoad,
  ProbeResult,
  ProbeRole,
  ProbeRunner,
} from "./probe.ts";
export type { SearchOptions } from "./search_options.ts";
