/**
 * Timer and signal helpers of collect: waits longer than setTimeout allows, and one signal
 * for several.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { nowMs } from "../util/clock.ts";

/**
 * Calls `fire` at epoch-ms `atMs`, however far away: setTimeout holds at most 2^31−1 ms (about
 * 24.8 days) and fires at once beyond, so long waits are made of shorter ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { longTimeout } from "./timers.ts";
 * let fired = false;
 * const timer = longTimeout(() => fired = true, Date.now() + 30 * 86_400_000);
 * await new Promise((resolve) => setTimeout(resolve, 5));
 * timer.cancel();
 * assert.equal(fired, false); // 30 days away: not fired at once
 * ```
 */
export function longTimeout(fire: () => void, atMs: number): { cancel(): void } {
  const MAX_TIMER_MS = 2 ** 31 - 1;
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = atMs - nowMs();
    timer = left > 0 ? setTimeout(arm, Math.min(left, MAX_TIMER_MS)) : setTimeout(fire, 0);
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

/**
 * A signal that fires when any of the given ones does (undefined if none given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { anySignal } from "./timers.ts";
 * const a = new AbortController();
 * const signal = anySignal([undefined, a.signal, new AbortController().signal]);
 * a.abort();
 * assert.equal(signal?.aborted, true);
 * assert.equal(anySignal([undefined]), undefined);
 * ```
 */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  if (given.length === 0) return undefined;
  return given.length === 1 ? given[0] : AbortSignal.any(given);
}

/**
 * Resolves in the event loop's check phase (`setImmediate`): the I/O callbacks the loop has
 * already collected run first, so chunks waiting to be timed are not held up by what follows
 * the await. Not a fresh poll for I/O (docs/ARCHITECTURE.md, "The client's clock").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { afterQueuedReads } from "./timers.ts";
 * const order: string[] = [];
 * queueMicrotask(() => order.push("queued before"));
 * await afterQueuedReads();
 * order.push("after");
 * assert.deepEqual(order, ["queued before", "after"]);
 * ```
 */
export function afterQueuedReads(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
