/**
 * Throughput and goodput of a bootstrap resample of requests (docs/metrics.md, "Differences
 * with confidence intervals").
 *
 * @module
 */

/**
 * How a resample of requests turns into a rate:
 * - `"slots"` (closed loop: no request rate): the run keeps its mean number of requests in flight
 *   L = Σ busy / duration (Little's law); a resample's rate is its count per second of request
 *   time, Σ c·x / Σ c·busy, times L. Slower requests in a resample give a lower throughput.
 * - `"arrivals"` (open loop: a request rate was set): arrivals, not latency, pace the run, so
 *   the duration is kept: a resample's rate is Σ c·x / duration.
 */
export type ThroughputModel = "slots" | "arrivals";

/** Per-request inputs of the resampled throughputs, one entry per request. */
export interface ThroughputInputs {
  model: ThroughputModel;
  /** The run's duration as summarize computes it: first start to last end (ms). */
  durationMs: number;
  /** Each request's time in flight, end − start (ms; failed ones included; missing: 0). */
  busyMs: Float64Array;
  /** The run's mean number of requests in flight, Σ busyMs / durationMs. */
  inFlight: number;
  /** 1 for a successful request, else 0 (bytes: the loop over requests is memory-bound). */
  succeeded: Uint8Array;
  /** completion_tokens of a successful request, else 0. */
  outputTokens: Float64Array;
  /** 1 for a successful request meeting the SLO, else 0; null without an SLO. */
  good: Uint8Array | null;
}

/** The rates of one resample (NaN when they cannot be computed). */
export interface ResampledRates {
  /** Successful requests per second. */
  request_throughput: number;
  /** Output tokens per second. */
  output_throughput: number;
  /** Good requests per second; NaN without an SLO. */
  goodput: number;
}

/**
 * The request throughput, output throughput and goodput of the resample in which request i is
 * drawn `counts[i]` times, under the inputs' {@link ThroughputModel}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resampledRates } from "./throughput.ts";
 * const inputs = {
 *   model: "slots" as const, durationMs: 1000, busyMs: Float64Array.of(500, 1500), inFlight: 2,
 *   succeeded: Uint8Array.of(1, 1), outputTokens: Float64Array.of(10, 30), good: null,
 * };
 * // L = 2000 ms / 1000 ms = 2 in flight; request 1 drawn twice: 60 tokens in 3000 ms of flight
 * const rates = resampledRates(inputs, Uint32Array.of(0, 2));
 * assert.equal(rates.output_throughput, 40); // 60 / 3 s × 2 in flight
 * ```
 */
export function resampledRates(inputs: ThroughputInputs, counts: Uint32Array): ResampledRates {
  const { busyMs, succeeded, outputTokens } = inputs;
  const good = inputs.good ?? succeeded; // without an SLO the goodput is NaN below
  let busy = 0, ok = 0, tokens = 0, goodCount = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    busy += c * busyMs[i];
    ok += c * succeeded[i];
    tokens += c * outputTokens[i];
    goodCount += c * good[i];
  }
  const perSecond = perSecondOf(inputs, busy);
  return {
    request_throughput: ok * perSecond,
    output_throughput: tokens * perSecond,
    goodput: inputs.good ? goodCount * perSecond : NaN,
  };
}

/** What one unit of a resample's count is worth per second. */
function perSecondOf(inputs: ThroughputInputs, resampleBusyMs: number): number {
  if (!(inputs.durationMs > 0)) return NaN;
  if (inputs.model === "arrivals") return 1000 / inputs.durationMs;
  return resampleBusyMs > 0 ? (1000 * inputs.inFlight) / resampleBusyMs : NaN;
}
