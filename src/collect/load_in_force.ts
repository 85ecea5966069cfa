/**
 * The load in force when a request was sent, as its record carries it (`load_rate_rps`,
 * `load_concurrency`), so latency can be plotted against load during a ramp.
 *
 * @module
 */

import type { RequestRecord } from "../types.ts";
import { rampRateAt, type RateRamp } from "./schedule.ts";

/** The load fields of a record; each absent when it does not apply. */
export type LoadInForce = Pick<RequestRecord, "load_rate_rps" | "load_concurrency">;

/**
 * The load a request was sent under: the (ramped) rate at its due time `dueOffsetMs` after the
 * run's start, and the concurrency limit `slotLimit` it was admitted under. No `load_rate_rps`
 * without a finite rate, or for a request replayed at its own time (`send_at_ms`, trace
 * replay); no `load_concurrency` when in-flight requests are unlimited (Infinity).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadInForce } from "./load_in_force.ts";
 * const ramp = { shape: "linear" as const, durationS: 10, startRate: 2 };
 * assert.deepEqual(loadInForce({ rate: 20, ramp }, 5_000, Infinity), { load_rate_rps: 11 });
 * assert.deepEqual(loadInForce({}, 0, 4), { load_concurrency: 4 });
 * ```
 */
export function loadInForce(
  load: { rate?: number; ramp?: RateRamp; replayed?: boolean },
  dueOffsetMs: number,
  slotLimit: number,
): LoadInForce {
  const fields: LoadInForce = {};
  const rate = load.rate;
  if (rate !== undefined && rate !== Infinity && load.replayed !== true) {
    fields.load_rate_rps = load.ramp ? rampRateAt(rate, load.ramp, dueOffsetMs) : rate;
  }
  if (Number.isFinite(slotLimit)) fields.load_concurrency = slotLimit;
  return fields;
}
