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
  readonly limit: number;
  #inUse = 0;
  #waiters: Array<{ resolve: () => void; reject: (reason: unknown) => void }> = [];

  /** A semaphore with `limit` slots (Infinity = never blocks). */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Slots taken now. */
  get inUse(): number {
    return this.#inUse;
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
    const next = this.#waiters.shift();
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
