/**
 * Load shaping: when each request is due (open loop: Poisson or gamma inter-arrivals, as
 * `vllm bench serve --request-rate/--burstiness`), how many may be in flight (closed loop), and an
 * abortable wait for the next due time.
 *
 * @module
 */

import { createRng } from "../util/rng.ts";

/** Options of {@link arrivalOffsets}. */
export interface ArrivalOptions {
  /** Mean requests per second; undefined or Infinity = every request due at once (offset 0). */
  rate?: number;
  /** Gamma shape of inter-arrival times (1 = Poisson; < 1 burstier; > 1 steadier; Infinity = constant spacing). */
  burstiness?: number;
  /** RNG seed (default 0). */
  seed?: number;
  /** Raise the rate to `rate` over a time instead of starting at it (needs a finite rate). */
  ramp?: RateRamp;
}

/**
 * A rise of the request rate from `startRate` to the target over `durationS` seconds, then
 * steady: `linear` adds the same requests/s every second, `exp` multiplies by the same factor
 * (as `vllm bench serve --ramp-up-strategy`, though by time rather than by request index).
 */
export interface RateRamp {
  /** `linear`: the same requests/s added every second; `exp`: multiplied by the same factor. */
  shape: "linear" | "exp";
  /** Seconds from the start rate to the target rate. */
  durationS: number;
  /** Requests per second at the start, in (0, target] (default: the target / 10). */
  startRate?: number;
}

/**
 * Due times of successive requests, in ms after the run's start: cumulative sums of
 * inter-arrival gaps drawn from Gamma(shape = burstiness, scale = 1 / (rate · burstiness)) —
 * mean 1/rate, coefficient of variation 1/√burstiness. The first request is due after one gap,
 * as in vllm bench. Infinite; deterministic for a seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arrivalOffsets } from "./schedule.ts";
 * const due = arrivalOffsets({ rate: 10, seed: 1 }); // gaps of 100 ms on average
 * const first = due.next().value;
 * const second = due.next().value;
 * assert.ok(0 < first && first < second);
 * assert.equal(arrivalOffsets({ rate: 10, seed: 1 }).next().value, first); // same seed, same times
 * ```
 */
export function* arrivalOffsets(options: ArrivalOptions = {}): Generator<number, never, void> {
  const rate = options.rate;
  const burstiness = options.burstiness ?? 1;
  if (rate === undefined || rate === Infinity) {
    for (;;) yield 0;
  }
  if (options.ramp !== undefined) {
    // The steady process at 1 request/s, its times stretched so the rate follows the ramp.
    const toTimeS = rampTimeOf(rate, options.ramp);
    const steady = arrivalOffsets({ rate: 1, burstiness, seed: options.seed });
    for (;;) yield 1000 * toTimeS(steady.next().value / 1000);
  }
  const meanMs = 1000 / rate;
  if (burstiness === Infinity) {
    for (let i = 1;; i++) yield i * meanMs;
  }
  const rng = createRng(options.seed ?? 0);
  const scaleMs = meanMs / burstiness;
  let at = 0;
  for (;;) {
    at += burstiness === 1 ? rng.exponential(meanMs) : rng.gamma(burstiness, scaleMs);
    yield at;
  }
}

/**
 * The request rate (per second) a ramp to `rate` has reached `atMs` after the start: the load in
 * force when a request was scheduled then.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rampRateAt } from "./schedule.ts";
 * const ramp = { shape: "linear" as const, durationS: 10, startRate: 2 };
 * assert.equal(rampRateAt(20, ramp, 5000), 11); // halfway from 2 to 20
 * assert.equal(rampRateAt(20, ramp, 60_000), 20); // steady after the ramp
 * ```
 */
export function rampRateAt(rate: number, ramp: RateRamp, atMs: number): number {
  const { startRate, durationS } = checkRamp(rate, ramp);
  const progress = Math.min(Math.max(atMs / 1000 / durationS, 0), 1);
  return ramp.shape === "linear"
    ? startRate + (rate - startRate) * progress
    : startRate * (rate / startRate) ** progress;
}

/** The ramp's settings, checked against the target rate. */
function checkRamp(rate: number, ramp: RateRamp): { startRate: number; durationS: number } {
  if (ramp.shape !== "linear" && ramp.shape !== "exp") {
    throw new RangeError(`ramp.shape must be "linear" or "exp", got ${String(ramp.shape)}`);
  }
  if (!(rate > 0 && rate < Infinity)) {
    throw new RangeError(`a ramp needs a finite rate > 0, got ${rate}`);
  }
  if (!(ramp.durationS > 0 && ramp.durationS < Infinity)) {
    throw new RangeError(`ramp.durationS must be a finite number > 0, got ${ramp.durationS}`);
  }
  const startRate = ramp.startRate ?? rate / 10;
  if (!(startRate > 0 && startRate <= rate)) {
    throw new RangeError(`ramp.startRate must be in (0, rate = ${rate}], got ${startRate}`);
  }
  return { startRate, durationS: ramp.durationS };
}

/**
 * Seconds after the start at which `u` requests are expected under the ramp: the inverse of the
 * ramp's cumulative rate Λ(t) = ∫ rate(s) ds.
 */
function rampTimeOf(rate: number, ramp: RateRamp): (u: number) => number {
  const { startRate: r0, durationS: d } = checkRamp(rate, ramp);
  if (r0 === rate) return (u) => u / rate;
  const k = Math.log(rate / r0); // exp: the rate grows as r0 · e^(k t / d)
  const rampedCount = ramp.shape === "linear" ? (r0 + rate) * d / 2 : (rate - r0) * d / k;
  const half = (rate - r0) / (2 * d); // linear: Λ(t) = r0 t + half t²
  return (u) => {
    if (u > rampedCount) return d + (u - rampedCount) / rate;
    return ramp.shape === "linear"
      ? (-r0 + Math.sqrt(r0 * r0 + 4 * half * u)) / (2 * half)
      : (d / k) * Math.log(1 + (u * k) / (r0 * d));
  };
}

/**
 * A counting semaphore capping requests in flight. `acquire` resolves in FIFO order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Semaphore } from "./schedule.ts";
 * const slots = new Semaphore(2);
 * await slots.acquire();
 * assert.equal(slots.inUse, 1);
 * slots.release();
 * assert.equal(slots.inUse, 0);
 * ```
 */
export class Semaphore {
  #limit: number;
  #inUse = 0;
  #waiters: Array<{ resolve: () => void; reject: (reason: unknown) => void }> = [];

  /** A semaphore with `limit` slots (Infinity = never blocks). */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Slots in all (the in-flight allowance now). */
  get limit(): number {
    return this.#limit;
  }

  /** Slots taken now. */
  get inUse(): number {
    return this.#inUse;
  }

  /**
   * Changes the number of slots (a concurrency ramp). Raising it hands the new slots to the
   * longest waiters at once; lowering it lets the holders finish and makes new takers wait.
   */
  setLimit(limit: number): void {
    this.#limit = limit;
    while (this.#inUse < this.#limit && this.#waiters.length > 0) {
      this.#inUse++;
      this.#waiters.shift()!.resolve();
    }
  }

  /** Takes a slot, waiting for one to be released; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#inUse < this.limit) {
      this.#inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives a slot back, handing it to the longest waiter if any. */
  release(): void {
    const next = this.#inUse <= this.#limit ? this.#waiters.shift() : undefined;
    if (next !== undefined) next.resolve(); // the slot passes on; inUse is unchanged
    else if (this.#inUse > 0) this.#inUse--;
  }
}

/**
 * Resolves with `true` once `now()` ≥ `atMs` (never early), or with `false` as soon as a signal
 * aborts. Leaves no timer or listener behind.
 */
export function sleepUntil(
  atMs: number,
  now: () => number,
  signals: readonly (AbortSignal | undefined)[] = [],
): Promise<boolean> {
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  if (active.some((s) => s.aborted)) return Promise.resolve(false);
  const waitMs = atMs - now();
  if (waitMs <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (onTime: boolean) => {
      clearTimeout(timer);
      for (const s of active) s.removeEventListener("abort", onAbort);
      resolve(onTime);
    };
    const onAbort = () => finish(false);
    // Timers may fire a fraction of a millisecond early on the monotonic clock: re-arm until due.
    const onTimer = () => {
      const left = atMs - now();
      if (left > 0) timer = setTimeout(onTimer, left);
      else finish(true);
    };
    let timer = setTimeout(onTimer, waitMs);
    for (const s of active) s.addEventListener("abort", onAbort, { once: true });
  });
}
