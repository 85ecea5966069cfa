/**
 * The rates of `--rate auto`: evenly spaced between the synchronous and the saturation
 * throughput, as GuideLLM's sweep places its constant-rate runs.
 *
 * @module
 */

/** Fewest significant digits a rate is written with (file names, labels). */
const MIN_DIGITS = 3;
/** Most significant digits tried before giving up on distinct rounded rates. */
const MAX_DIGITS = 12;

/**
 * `count` rates strictly between `syncRps` and `saturationRps`, evenly spaced
 * (`sync + (saturation − sync)·i/(count + 1)`, i = 1…count), increasing, each rounded to the fewest
 * significant digits (at least 3) that keep them distinct and inside the interval, so labels
 * stay short (`r12.3`, not `r12.345678`). Throws a RangeError naming the bad value when `count`
 * is not an integer ≥ 1, a throughput is not a finite number > 0, or the saturation throughput is
 * not above the synchronous one (nothing lies between them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spacedRates } from "./spacing.ts";
 * assert.deepEqual(spacedRates(2, 10, 3), [4, 6, 8]);
 * assert.deepEqual(spacedRates(1, 2, 2), [1.33, 1.67]);
 * assert.throws(() => spacedRates(5, 5, 3), RangeError);
 * ```
 */
export function spacedRates(syncRps: number, saturationRps: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`spacedRates: count must be an integer ≥ 1, got ${count}`);
  }
  for (const [name, value] of [["syncRps", syncRps], ["saturationRps", saturationRps]] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`spacedRates: ${name} must be a finite number > 0, got ${value}`);
    }
  }
  if (!(saturationRps > syncRps)) {
    throw new RangeError(
      `spacedRates: the saturation throughput (${saturationRps} req/s) is not above the ` +
        `synchronous throughput (${syncRps} req/s): no rates lie between them`,
    );
  }
  const step = (saturationRps - syncRps) / (count + 1);
  const exact = Array.from({ length: count }, (_, i) => syncRps + step * (i + 1));
  for (let digits = MIN_DIGITS; digits <= MAX_DIGITS; digits++) {
    const rounded = exact.map((r) => roundTo(r, digits));
    if (strictlyInside(rounded, syncRps, saturationRps)) return rounded;
  }
  return exact;
}

/** `value` rounded to `digits` significant digits. */
export function roundTo(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

/** Whether `rates` increase strictly and lie strictly between `low` and `high`. */
function strictlyInside(rates: number[], low: number, high: number): boolean {
  return rates.every((r, i) => r > low && r < high && (i === 0 || r > rates[i - 1]));
}
