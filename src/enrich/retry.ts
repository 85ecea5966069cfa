/**
 * Waiting helpers for lookups that retry until a deadline: exponential backoff with jitter, an
 * abortable sleep, and a bounded-concurrency map.
 *
 * @module
 */

import { positiveInt } from "../util/options.ts";

/** Backoff settings; all in ms. */
export interface BackoffOptions {
  /** First delay (before jitter). Default 250. */
  initialMs?: number;
  /** Upper bound of the delay before jitter. Default 4000. */
  maxMs?: number;
  /** Source of randomness in [0, 1), replaceable in tests. Default Math.random. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): `initialMs · 2^attempt`, capped at
 * `maxMs`, then multiplied by a jitter factor in [0.5, 1.5) so that many clients do not retry in
 * lock step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backoffDelayMs } from "./retry.ts";
 * assert.equal(backoffDelayMs(3, { initialMs: 100, random: () => 0.5 }), 800);
 * ```
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 4000;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt));
  return base * (0.5 + random());
}

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts (never rejects). The timer is
 * always cleared, so nothing is left pending.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs `task` on every item with at most `limit` tasks in flight; resolves when all are done.
 * Tasks must handle their own errors (a rejection stops nothing but is rethrown at the end).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forEachConcurrent } from "./retry.ts";
 * const seen: number[] = [];
 * await forEachConcurrent([1, 2, 3], 2, async (n) => {
 *   seen.push(n);
 * });
 * assert.deepEqual(seen, [1, 2, 3]);
 * ```
 */
export async function forEachConcurrent<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  positiveInt("forEachConcurrent", "limit", limit);
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
