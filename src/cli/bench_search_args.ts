/**
 * The load-search flags of bench: `--rate auto[:N]` (the rates worth sweeping, between the
 * synchronous and the saturation throughput) with `--collapse-below`, and `--find-max-rate` (the
 * highest rate meeting `--slo` for `--slo-target` % of requests) with `--search-precision` and
 * `--max-probes`. See src/search.
 *
 * @module
 */

import type { FlagDefinition } from "./flags.ts";
import { flagError, parseInteger, parseList, parseNumber } from "./parse_values.ts";
import { UsageError } from "./usage_error.ts";
import type { SearchPrecision } from "../search/bisection.ts";
import { DEFAULT_AUTO_RATES, DEFAULT_COLLAPSE_BELOW_PERCENT } from "../search/rate_auto.ts";
import { DEFAULT_MAX_PROBES, DEFAULT_TARGET_PERCENT } from "../search/find_max_rate.ts";

/** The load-search settings of a bench invocation. */
export interface SearchArgs {
  /** `--rate auto[:N]`: the number of rates to sweep; null without it. */
  rateAuto: number | null;
  /** `--find-max-rate`: search the highest rate meeting `--slo`. */
  findMaxRate: boolean;
  /** `--slo-target P`: percent of requests that must meet the SLO (default 90). */
  sloTargetPercent: number;
  /** `--search-precision X|P%`: when the bisection stops (default 5 %). */
  searchPrecision: SearchPrecision;
  /** `--max-probes N`: most rate probes of the bisection (default 10). */
  maxProbes: number;
  /** `--collapse-below P`: `--rate auto` stops after a rate with fewer % meeting --slo (default 50). */
  collapseBelowPercent: number;
}

/** The search flags (group Load), in --help order. */
export const SEARCH_FLAGS: readonly FlagDefinition[] = [
  {
    group: "Load",
    name: "find-max-rate",
    help: "with --slo: bisect for the highest rate meeting it in --slo-target % of requests",
  },
  {
    group: "Load",
    name: "slo-target",
    value: "P",
    help: "--find-max-rate: percent of requests (failed ones count as missing) to meet --slo",
    default: String(DEFAULT_TARGET_PERCENT),
  },
  {
    group: "Load",
    name: "search-precision",
    value: "R|P%",
    help: "--find-max-rate: stop when the bracket is R req/s wide, or P % of the rate found",
    default: "5%",
  },
  {
    group: "Load",
    name: "max-probes",
    value: "N",
    help: "--find-max-rate: most rate probes after the two throughput probes",
    default: String(DEFAULT_MAX_PROBES),
  },
  {
    group: "Load",
    name: "collapse-below",
    value: "P",
    help: "--rate auto with --slo: stop after a rate with fewer than P % meeting it; 0 = never",
    default: String(DEFAULT_COLLAPSE_BELOW_PERCENT),
  },
];

/** Flags a search chooses itself or cannot combine with (they would differ per probe). */
const NOT_WITH_SEARCH = ["ramp", "shard", "jsonl"];

/**
 * Whether a `--rate` value asks for automatic rates (`auto` or `auto:N`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRateAuto } from "./bench_search_args.ts";
 * assert.equal(isRateAuto("auto:5"), true);
 * assert.equal(isRateAuto("2,4"), false);
 * ```
 */
export function isRateAuto(text: string | undefined): boolean {
  return text !== undefined && /^\s*auto\b/i.test(text);
}

/**
 * The search flags, checked; throws a UsageError naming the flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchArgsOf } from "./bench_search_args.ts";
 * const given: Record<string, string> = {
 *   "find-max-rate": "true", slo: "ttft=500", "search-precision": "0.5",
 * };
 * assert.deepEqual(searchArgsOf((name) => given[name]), {
 *   rateAuto: null,
 *   findMaxRate: true,
 *   sloTargetPercent: 90,
 *   searchPrecision: { rps: 0.5 },
 *   maxProbes: 10,
 *   collapseBelowPercent: 50,
 * });
 * ```
 */
export function searchArgsOf(get: (name: string) => string | undefined): SearchArgs {
  const rateAuto = isRateAuto(get("rate")) ? autoRateCount(get("rate")!) : null;
  const findMaxRate = get("find-max-rate") !== undefined;
  checkCombinations(get, rateAuto !== null, findMaxRate);
  const target = get("slo-target");
  const precision = get("search-precision");
  const maxProbes = get("max-probes");
  const collapse = get("collapse-below");
  return {
    rateAuto,
    findMaxRate,
    sloTargetPercent: target === undefined
      ? DEFAULT_TARGET_PERCENT
      : percentOf("--slo-target", target),
    searchPrecision: precision === undefined ? { percent: 5 } : precisionOf(precision),
    maxProbes: maxProbes === undefined
      ? DEFAULT_MAX_PROBES
      : parseInteger("--max-probes", maxProbes, 1),
    collapseBelowPercent: collapse === undefined
      ? DEFAULT_COLLAPSE_BELOW_PERCENT
      : percentOf("--collapse-below", collapse),
  };
}

/** `auto` → the default count; `auto:N` → N ≥ 1. */
function autoRateCount(text: string): number {
  const match = /^\s*auto(?::(.*))?$/i.exec(text);
  if (!match) throw flagError("--rate", "auto or auto:N (N rates, e.g. auto:8)", text);
  return match[1] === undefined ? DEFAULT_AUTO_RATES : parseInteger("--rate auto:N", match[1], 1);
}

/** Refuses flags that do not go with the chosen search (or with no search). */
function checkCombinations(
  get: (name: string) => string | undefined,
  rateAuto: boolean,
  findMaxRate: boolean,
): void {
  if (rateAuto && findMaxRate) {
    throw new UsageError("give --rate auto or --find-max-rate, not both");
  }
  if (findMaxRate && get("rate") !== undefined) {
    throw new UsageError("--find-max-rate chooses the rates itself: leave out --rate");
  }
  if (findMaxRate && get("slo") === undefined) {
    throw new UsageError("--find-max-rate needs --slo ttft=MS,tpot=MS,e2e=MS (what to meet)");
  }
  for (const name of ["slo-target", "search-precision", "max-probes"]) {
    if (get(name) !== undefined && !findMaxRate) {
      throw new UsageError(`--${name} goes with --find-max-rate`);
    }
  }
  if (get("collapse-below") !== undefined && !rateAuto) {
    throw new UsageError("--collapse-below goes with --rate auto");
  }
  if (!rateAuto && !findMaxRate) return;
  const search = rateAuto ? "--rate auto" : "--find-max-rate";
  const concurrency = get("concurrency");
  if (concurrency !== undefined && parseList("--concurrency", concurrency, (t) => t).length > 1) {
    throw new UsageError(
      `${search} takes one --concurrency (the cap of the saturation probe and every rate), ` +
        `got ${JSON.stringify(concurrency)}`,
    );
  }
  const stray = NOT_WITH_SEARCH.find((name) => get(name) !== undefined);
  if (stray) throw new UsageError(`--${stray} does not go with ${search}`);
  if (get("dataset") === "trace") {
    throw new UsageError(`${search} does not go with --dataset trace: the trace sets the rate`);
  }
}

/** A percentage in [0, 100]. */
function percentOf(flag: string, text: string): number {
  const n = parseNumber(flag, text.replace(/%\s*$/, ""), 0);
  if (n > 100) throw flagError(flag, "a percentage in [0, 100]", text);
  return n;
}

/** `R` (req/s) or `P%` (of the rate found), > 0; a percentage below 100. */
function precisionOf(text: string): SearchPrecision {
  const percent = /%\s*$/.test(text);
  const n = parseNumber("--search-precision", text.replace(/%\s*$/, ""), 0);
  if (n === 0 || (percent && n >= 100)) {
    throw flagError("--search-precision", "R > 0 (req/s) or P% with 0 < P < 100", text);
  }
  return percent ? { percent: n } : { rps: n };
}
