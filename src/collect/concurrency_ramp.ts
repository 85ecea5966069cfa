/**
 * A concurrency ramp: the number of requests allowed in flight rises from a start to the target
 * over a time, then stays there. {@link rampConcurrencyAt} is the allowance at a time (pure);
 * {@link followConcurrencyRamp} keeps a {@link Semaphore}'s limit on it during a run.
 *
 * @module
 */

import type { Semaphore } from "./schedule.ts";

/**
 * A rise of the in-flight allowance from `startConcurrency` to the target over `durationS`
 * seconds: `linear` adds the same number of slots every second, `exp` multiplies by the same
 * factor. The allowance is the curve rounded down, so it steps up one slot at a time.
 */
export interface ConcurrencyRamp {
  /** `linear`: the same slots added every second; `exp`: multiplied by the same factor. */
  shape: "linear" | "exp";
  /** Seconds from the start concurrency to the target. */
  durationS: number;
  /** Requests allowed in flight at the start, an integer in [1, target] (default 1). */
  startConcurrency?: number;
}

/**
 * The number of requests a ramp to `concurrency` allows in flight `atMs` after the run's start:
 * the curve from the start concurrency to the target, rounded down (the target from `durationS`
 * on). Throws a RangeError naming the bad setting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rampConcurrencyAt } from "./concurrency_ramp.ts";
 * const ramp = { shape: "linear" as const, durationS: 8 }; // from 1 to 9: one more slot a second
 * assert.equal(rampConcurrencyAt(9, ramp, 0), 1);
 * assert.equal(rampConcurrencyAt(9, ramp, 4_500), 5);
 * assert.equal(rampConcurrencyAt(9, ramp, 60_000), 9); // steady after the ramp
 * assert.equal(rampConcurrencyAt(16, { shape: "exp", durationS: 4 }, 2_000), 4); // 1·16^(1/2)
 * ```
 */
export function rampConcurrencyAt(
  concurrency: number,
  ramp: ConcurrencyRamp,
  atMs: number,
): number {
  const { start, durationS } = checkConcurrencyRamp(concurrency, ramp);
  const progress = Math.min(Math.max(atMs / 1000 / durationS, 0), 1);
  if (progress === 1) return concurrency;
  const curve = ramp.shape === "linear"
    ? start + (concurrency - start) * progress
    : start * (concurrency / start) ** progress;
  // A hair of slack so that float rounding at a step (e.g. 4.999999) does not lose a slot.
  return Math.min(concurrency, Math.max(start, Math.floor(curve + 1e-9)));
}

/**
 * When the allowance next rises above its value at `atMs`, in ms after the run's start, or null
 * once it has reached the target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextConcurrencyStepMs } from "./concurrency_ramp.ts";
 * const ramp = { shape: "linear" as const, durationS: 8 };
 * assert.equal(nextConcurrencyStepMs(9, ramp, 4_500), 5_000); // 5 → 6 slots at 5 s
 * assert.equal(nextConcurrencyStepMs(9, ramp, 8_000), null);
 * ```
 */
export function nextConcurrencyStepMs(
  concurrency: number,
  ramp: ConcurrencyRamp,
  atMs: number,
): number | null {
  const { start, durationS } = checkConcurrencyRamp(concurrency, ramp);
  const next = rampConcurrencyAt(concurrency, ramp, atMs) + 1;
  if (next > concurrency) return null;
  const progress = ramp.shape === "linear"
    ? (next - start) / (concurrency - start)
    : Math.log(next / start) / Math.log(concurrency / start);
  return Math.max(progress * durationS * 1000, atMs);
}

/** The ramp's settings checked against the target concurrency. */
export function checkConcurrencyRamp(
  concurrency: number,
  ramp: ConcurrencyRamp,
): { start: number; durationS: number } {
  if (ramp === null || typeof ramp !== "object") {
    throw new TypeError(`concurrencyRamp must be an object, got ${String(ramp)}`);
  }
  if (ramp.shape !== "linear" && ramp.shape !== "exp") {
    throw new RangeError(
      `concurrencyRamp.shape must be "linear" or "exp", got ${String(ramp.shape)}`,
    );
  }
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`a concurrency ramp needs an integer concurrency ≥ 1, got ${concurrency}`);
  }
  if (!(ramp.durationS > 0 && ramp.durationS < Infinity)) {
    throw new RangeError(
      `concurrencyRamp.durationS must be a finite number > 0, got ${ramp.durationS}`,
    );
  }
  const start = ramp.startConcurrency ?? 1;
  if (!(Number.isInteger(start) && start >= 1 && start <= concurrency)) {
    throw new RangeError(
      `concurrencyRamp.startConcurrency must be an integer in [1, concurrency = ${concurrency}], got ${start}`,
    );
  }
  return { start, durationS: ramp.durationS };
}

/**
 * Keeps `slots.limit` on the ramp's allowance from `startedMs` (epoch ms, on the `now` clock)
 * on: sets it now, then at each step (never early: a timer that fires early is re-armed).
 * `stop()` cancels the pending timer.
 */
export function followConcurrencyRamp(
  slots: Semaphore,
  concurrency: number,
  ramp: ConcurrencyRamp,
  startedMs: number,
  now: () => number,
): { stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const step = () => {
    const atMs = now() - startedMs;
    slots.setLimit(rampConcurrencyAt(concurrency, ramp, atMs));
    const nextMs = nextConcurrencyStepMs(concurrency, ramp, atMs);
    timer = nextMs === null ? undefined : setTimeout(step, Math.max(nextMs - atMs, 0));
  };
  step();
  return { stop: () => clearTimeout(timer) };
}
