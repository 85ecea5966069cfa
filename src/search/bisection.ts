/**
 * The pure parts of the max-rate search: the bracket the probes so far give, the next rate to
 * probe, and when to stop. No I/O: {@link ./find_max_rate.ts} runs the probes.
 *
 * @module
 */

import { roundTo } from "./spacing.ts";

/** One probe's outcome: its rate and whether its SLO share met the target. */
export interface RateVerdict {
  rate_rps: number;
  meets: boolean;
}

/**
 * What the probes have shown: the highest rate that met the target below the lowest that
 * failed (null: none yet), and that lowest failing rate (null: none yet).
 */
export interface RateBracket {
  /** The highest rate that met the target below `bad_rps`, req/s; null: none yet. */
  good_rps: number | null;
  /** The lowest rate that missed the target, req/s; null: none yet. */
  bad_rps: number | null;
}

/** When the search may stop: the bracket is at most this wide (req/s, or % of its good end). */
export type SearchPrecision = { rps: number } | { percent: number };

/** The default precision: the bracket within 5 % of its good end. */
export const DEFAULT_PRECISION: SearchPrecision = { percent: 5 };

/**
 * The bracket of some probes: `bad_rps` is the lowest failing rate, `good_rps` the highest rate
 * that met the target below it (a noisy probe that met above a failing one is ignored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bracketOf } from "./bisection.ts";
 * const probes = [
 *   { rate_rps: 40, meets: false },
 *   { rate_rps: 20, meets: true },
 *   { rate_rps: 30, meets: false },
 * ];
 * assert.deepEqual(bracketOf(probes), { good_rps: 20, bad_rps: 30 });
 * ```
 */
export function bracketOf(probes: readonly RateVerdict[]): RateBracket {
  const failing = probes.filter((p) => !p.meets).map((p) => p.rate_rps);
  const bad = failing.length > 0 ? Math.min(...failing) : null;
  const passing = probes.filter((p) => p.meets && (bad === null || p.rate_rps < bad));
  const good = passing.length > 0 ? Math.max(...passing.map((p) => p.rate_rps)) : null;
  return { good_rps: good, bad_rps: bad };
}

/**
 * The next rate to probe: `startRps` first; while every probe met, twice the highest; while
 * every probe failed, half the lowest; else the middle of the bracket, rounded to the fewest
 * significant digits (at least 3) that keep it strictly inside (`r23.8`, not `r23.756249999`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextRate } from "./bisection.ts";
 * assert.equal(nextRate({ good_rps: null, bad_rps: null }, 40), 40);
 * assert.equal(nextRate({ good_rps: 40, bad_rps: null }, 40), 80);
 * assert.equal(nextRate({ good_rps: null, bad_rps: 40 }, 40), 20);
 * assert.equal(nextRate({ good_rps: 20, bad_rps: 30 }, 40), 25);
 * assert.equal(nextRate({ good_rps: 23.25, bad_rps: 24.4125 }, 40), 23.8); // not 23.83125
 * ```
 */
export function nextRate(bracket: RateBracket, startRps: number): number {
  const { good_rps: good, bad_rps: bad } = bracket;
  if (good === null && bad === null) return startRps;
  if (bad === null) return good! * 2;
  if (good === null) return bad / 2;
  return shortestInside((good + bad) / 2, good, bad);
}

/** `value` with the fewest significant digits (≥ 3) that keep it strictly between low and high. */
function shortestInside(value: number, low: number, high: number): number {
  for (let digits = 3; digits <= 15; digits++) {
    const rounded = roundTo(value, digits);
    if (rounded > low && rounded < high) return rounded;
  }
  return value;
}

/**
 * Whether the bracket is narrow enough: both ends known and `bad − good` at most the precision
 * (`rps`, or `percent` of `good`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isConverged } from "./bisection.ts";
 * assert.equal(isConverged({ good_rps: 20, bad_rps: 21 }, { percent: 5 }), true);
 * assert.equal(isConverged({ good_rps: 20, bad_rps: 22 }, { percent: 5 }), false);
 * assert.equal(isConverged({ good_rps: 20, bad_rps: 22 }, { rps: 2 }), true);
 * assert.equal(isConverged({ good_rps: null, bad_rps: 1 }, { rps: 2 }), false);
 * ```
 */
export function isConverged(bracket: RateBracket, precision: SearchPrecision): boolean {
  const { good_rps: good, bad_rps: bad } = bracket;
  if (good === null || bad === null) return false;
  const width = "rps" in precision ? precision.rps : (precision.percent / 100) * good;
  return bad - good <= width;
}

/** Checks a precision (TypeError/RangeError naming the bad value); returns it. */
export function checkPrecision(precision: SearchPrecision, where: string): SearchPrecision {
  if (precision === null || typeof precision !== "object") {
    throw new TypeError(`${where}: precision must be { rps } or { percent }, got ${precision}`);
  }
  const [key, value] = "rps" in precision
    ? ["rps", precision.rps]
    : "percent" in precision
    ? ["percent", (precision as { percent: number }).percent]
    : [null, null];
  if (key === null) {
    throw new TypeError(
      `${where}: precision must be { rps } or { percent }, got ${JSON.stringify(precision)}`,
    );
  }
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${where}: precision.${key} must be a finite number > 0, got ${value}`);
  }
  if (key === "percent" && value >= 100) {
    throw new RangeError(`${where}: precision.percent must be below 100, got ${value}`);
  }
  return precision;
}
