/**
 * The steady state of a closed-loop run: the window in which the client's in-flight count stays
 * at its plateau, without the ramp-up at the start and the drain at the end (as vllm-bench's
 * steady-state metrics, `src/metrics/steady_state.rs`).
 *
 * @module
 */

/** vllm-bench's default `--steady-state-threshold`: the plateau is ≥ 95 % of the concurrency. */
export const STEADY_STATE_THRESHOLD = 0.95;

/** What the window needs of a request: when it was sent, how long it took, whether it succeeded. */
export interface TimedRequest {
  /** Epoch ms of the send. */
  start_ms: number;
  /** Time to the end of the response; null when unknown (failed requests). */
  e2e_ms: number | null;
  /** Only successful requests count towards the in-flight count (as in vllm-bench). */
  success: boolean;
}

/** The steady-state window of a run. */
export interface SteadyStateWindow {
  /** Epoch ms at which the in-flight count first reached `threshold_in_flight`. */
  start_ms: number;
  /** Epoch ms at which it last fell below it (the drain's start). */
  end_ms: number;
  /** ⌈threshold × concurrency⌉, at least 1: the in-flight count of the plateau. */
  threshold_in_flight: number;
  /** The most requests in flight at once. */
  peak_in_flight: number;
}

/**
 * The window from the first time the in-flight count of successful requests reaches
 * ⌈threshold × targetConcurrency⌉ to the last time it falls below it, or null when it never
 * does. Ends count before starts at the same instant (vllm-bench's tie rule).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { steadyStateWindow } from "./steady_state.ts";
 * // four 10 s requests sent one a second: 4 in flight from t = 3 s until the first ends at 10 s
 * const requests = [0, 1, 2, 3].map((s) => ({ start_ms: s * 1000, e2e_ms: 10_000, success: true }));
 * assert.deepEqual(steadyStateWindow(requests, 4), {
 *   start_ms: 3000, end_ms: 10_000, threshold_in_flight: 4, peak_in_flight: 4,
 * });
 * assert.equal(steadyStateWindow(requests, 8), null); // never 8 in flight
 * ```
 */
export function steadyStateWindow(
  requests: readonly TimedRequest[],
  targetConcurrency: number,
  threshold = STEADY_STATE_THRESHOLD,
): SteadyStateWindow | null {
  checkSettings(targetConcurrency, threshold);
  const thresholdInFlight = Math.max(1, Math.ceil(threshold * targetConcurrency));
  const done = requests.filter((r) => r.success && r.e2e_ms !== null);
  const starts = Float64Array.from(done, (r) => r.start_ms).sort();
  const ends = Float64Array.from(done, (r) => r.start_ms + r.e2e_ms!).sort();
  let inFlight = 0;
  let peak = 0;
  let up: number | null = null;
  let down: number | null = null;
  for (let i = 0, j = 0; i < starts.length || j < ends.length;) {
    if (j < ends.length && (i >= starts.length || ends[j] <= starts[i])) {
      if (inFlight-- >= thresholdInFlight && inFlight < thresholdInFlight) down = ends[j];
      j++;
    } else {
      if (++inFlight === thresholdInFlight && up === null) up = starts[i];
      peak = Math.max(peak, inFlight);
      i++;
    }
  }
  if (up === null || down === null) return null;
  return {
    start_ms: up,
    end_ms: down,
    threshold_in_flight: thresholdInFlight,
    peak_in_flight: peak,
  };
}

/**
 * For each request, whether it was sent inside the run's steady-state window (start in
 * [window start, window end), failed requests too); all false when there is no window.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { steadyStateMarks } from "./steady_state.ts";
 * const requests = [0, 1, 2, 3, 4].map((s) => ({ start_ms: s * 1000, e2e_ms: 4_500, success: true }));
 * // 4 in flight from 3 s (the 4th send) until 4.5 s (the first end): only sends at 3 s and 4 s
 * assert.deepEqual(steadyStateMarks(requests, 4), [false, false, false, true, true]);
 * ```
 */
export function steadyStateMarks(
  requests: readonly TimedRequest[],
  targetConcurrency: number,
  threshold = STEADY_STATE_THRESHOLD,
): boolean[] {
  const window = steadyStateWindow(requests, targetConcurrency, threshold);
  return requests.map((r) =>
    window !== null && r.start_ms >= window.start_ms && r.start_ms < window.end_ms
  );
}

function checkSettings(targetConcurrency: number, threshold: number): void {
  if (!(Number.isInteger(targetConcurrency) && targetConcurrency >= 1)) {
    throw new RangeError(
      `steady state: the concurrency must be an integer ≥ 1, got ${targetConcurrency}`,
    );
  }
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`steady state: threshold must be in (0, 1], got ${threshold}`);
  }
}
