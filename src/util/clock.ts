/**
 * One monotonic clock, anchored once to the epoch at process start, sub-millisecond.
 * Differences between two readings are immune to wall-clock jumps (NTP, DST).
 *
 * @module
 */

const origin = performance.timeOrigin;

/**
 * Epoch milliseconds (float) from the monotonic clock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nowMs } from "./clock.ts";
 * const t0 = nowMs();
 * const t1 = nowMs();
 * assert.ok(t1 >= t0);
 * ```
 */
export function nowMs(): number {
  return origin + performance.now();
}
