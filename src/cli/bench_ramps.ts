/**
 * `--ramp linear|exp --ramp-duration S` and `--steady-state`: with `--rate`, the request rate
 * rises to it from `--ramp-start-rate`; without `--rate`, the concurrency rises to `--concurrency`
 * from `--ramp-start-concurrency` (default 1). `--steady-state` summarizes only the requests sent
 * while the in-flight count stayed at its plateau.
 *
 * @module
 */

import { rampRateAt, type RateRamp } from "../collect/schedule.ts";
import { checkConcurrencyRamp, type ConcurrencyRamp } from "../collect/concurrency_ramp.ts";
import type { FlagDefinition } from "./flags.ts";
import { flagError, parseInteger, parseList, parseNumber, parseRate } from "./parse_values.ts";
import { UsageError } from "./usage_error.ts";

/** The ramp and steady-state settings of a bench invocation. */
export interface RampArgs {
  /** --ramp with --rate: the rate's rise (and --ramp-start-rate); null otherwise. */
  ramp: RateRamp | null;
  /** --ramp without --rate: the concurrency's rise (and --ramp-start-concurrency); null otherwise. */
  concurrencyRamp: ConcurrencyRamp | null;
  /** --steady-state: summaries leave out the ramp-up and drain. */
  steadyState: boolean;
}

/** The ramp flags (group Load), in --help order. */
export const RAMP_FLAGS: readonly FlagDefinition[] = [
  {
    group: "Load",
    name: "ramp",
    value: "linear|exp",
    help:
      "raise the rate to --rate (without --rate: the concurrency to --concurrency) over --ramp-duration",
  },
  { group: "Load", name: "ramp-duration", value: "S", help: "seconds the --ramp lasts" },
  {
    group: "Load",
    name: "ramp-start-rate",
    value: "R",
    help: "requests/s when the --ramp starts (default: a tenth of --rate)",
  },
  {
    group: "Load",
    name: "ramp-start-concurrency",
    value: "N",
    help: "requests in flight when a concurrency --ramp starts (default 1)",
  },
];

/** `--steady-state` (group Output). */
export const STEADY_STATE_FLAG: FlagDefinition = {
  group: "Output",
  name: "steady-state",
  help:
    "summarize only requests sent while ≥ 95% of --concurrency were in flight (no ramp-up, drain)",
};

/**
 * The ramp and steady-state flags, checked against every --rate and --concurrency value; throws
 * a UsageError naming the flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rampArgsOf } from "./bench_ramps.ts";
 * const given: Record<string, string> = {
 *   concurrency: "8", ramp: "linear", "ramp-duration": "30", "steady-state": "true",
 * };
 * assert.deepEqual(rampArgsOf((name) => given[name]), {
 *   ramp: null,
 *   concurrencyRamp: { shape: "linear", durationS: 30 },
 *   steadyState: true,
 * });
 * ```
 */
export function rampArgsOf(get: (name: string) => string | undefined): RampArgs {
  const timing = rampTimingOf(get);
  return {
    ramp: timing && get("rate") !== undefined ? rateRampOf(timing, get) : null,
    concurrencyRamp: timing && get("rate") === undefined ? concurrencyRampOf(timing, get) : null,
    steadyState: steadyStateOf(get),
  };
}

type RampTiming = { shape: "linear" | "exp"; durationS: number };

/** --ramp and --ramp-duration; null without --ramp (then no other ramp flag may be given). */
function rampTimingOf(get: (name: string) => string | undefined): RampTiming | null {
  const shape = get("ramp");
  if (shape === undefined) {
    const stray = ["ramp-duration", "ramp-start-rate", "ramp-start-concurrency"]
      .find((name) => get(name) !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --ramp linear|exp`);
    return null;
  }
  if (shape !== "linear" && shape !== "exp") throw flagError("--ramp", "linear or exp", shape);
  const duration = get("ramp-duration");
  if (duration === undefined) throw new UsageError("--ramp needs --ramp-duration S");
  const durationS = parseNumber("--ramp-duration", duration, 0);
  if (durationS === 0) throw flagError("--ramp-duration", "a number > 0", duration);
  return { shape, durationS };
}

/** The rate's ramp, checked against every --rate value. */
function rateRampOf(timing: RampTiming, get: (name: string) => string | undefined): RateRamp {
  if (get("ramp-start-concurrency") !== undefined) {
    throw new UsageError(
      "--ramp-start-concurrency is for a concurrency ramp: --ramp with --concurrency and no --rate",
    );
  }
  const ramp: RateRamp = { ...timing };
  const start = get("ramp-start-rate");
  if (start !== undefined) {
    ramp.startRate = parseNumber("--ramp-start-rate", start, 0);
    if (ramp.startRate === 0) throw flagError("--ramp-start-rate", "a number > 0", start);
  }
  const rates = parseList("--rate", get("rate")!, (t) => parseRate("--rate", t));
  forEachTarget("--rate", rates, (rate) => rampRateAt(rate ?? Infinity, ramp, 0));
  return ramp;
}

/** The concurrency's ramp, checked against every --concurrency value. */
function concurrencyRampOf(
  timing: RampTiming,
  get: (name: string) => string | undefined,
): ConcurrencyRamp {
  if (get("ramp-start-rate") !== undefined) {
    throw new UsageError("--ramp-start-rate needs --rate R (the rate the ramp rises to)");
  }
  const concurrencies = get("concurrency");
  if (concurrencies === undefined) {
    throw new UsageError(
      "--ramp needs --rate R (a rate ramp) or --concurrency N (a concurrency ramp)",
    );
  }
  const ramp: ConcurrencyRamp = { ...timing };
  const start = get("ramp-start-concurrency");
  if (start !== undefined) {
    ramp.startConcurrency = parseInteger("--ramp-start-concurrency", start, 1);
  }
  const targets = parseList(
    "--concurrency",
    concurrencies,
    (t) => parseInteger("--concurrency", t),
  );
  forEachTarget("--concurrency", targets, (c) => checkConcurrencyRamp(c!, ramp));
  return ramp;
}

/** Runs `check` (which throws for a bad ramp) for each value a ramp rises to, as a UsageError. */
function forEachTarget(
  flag: string,
  targets: (number | undefined)[],
  check: (target: number | undefined) => void,
): void {
  for (const target of targets) {
    try {
      check(target);
    } catch (error) {
      throw new UsageError(`--ramp with ${flag} ${target ?? "inf"}: ${(error as Error).message}`);
    }
  }
}

function steadyStateOf(get: (name: string) => string | undefined): boolean {
  if (get("steady-state") === undefined) return false;
  if (get("concurrency") === undefined) {
    throw new UsageError(
      "--steady-state needs --concurrency N: the steady state is where ≥ 95% of N are in flight",
    );
  }
  return true;
}
