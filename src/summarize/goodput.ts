/**
 * Goodput as `vllm bench serve --goodput` defines it (DistServe): a successful request is good
 * when every given metric is at most its SLO.
 *
 * @module
 */

import type { Slo } from "../types.ts";

const SLO_KEYS = ["ttft_ms", "tpot_ms", "e2e_ms"] as const;

/** Throws (naming the key and value) unless `slo` has only ttft_ms/tpot_ms/e2e_ms, each ≥ 0. */
export function checkSlo(slo: Slo): void {
  if (slo === null || typeof slo !== "object") {
    throw new TypeError(`summarize: slo must be an object, got ${slo}`);
  }
  for (const [key, value] of Object.entries(slo)) {
    if (!(SLO_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`summarize: slo.${key} is not one of ${SLO_KEYS.join(", ")}`);
    }
    if (value !== undefined && !(typeof value === "number" && value >= 0 && value !== Infinity)) {
      throw new RangeError(`summarize: slo.${key} must be a finite number ≥ 0 ms, got ${value}`);
    }
  }
}

/**
 * Whether one successful request meets the SLO. Missing metrics are NaN. As in vllm bench, a
 * request with at most one output token has TPOT 0; any other missing metric the SLO names makes
 * the request not good (it cannot be shown to meet it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meetsSlo } from "./goodput.ts";
 * const oneToken = { ttft_ms: 80, tpot_ms: NaN, e2e_ms: 90, completion_tokens: 1 };
 * assert.equal(meetsSlo(oneToken, { tpot_ms: 10 }), true);
 * assert.equal(meetsSlo(oneToken, { ttft_ms: 50 }), false);
 * ```
 */
export function meetsSlo(
  request: { ttft_ms: number; tpot_ms: number; e2e_ms: number; completion_tokens: number },
  slo: Slo,
): boolean {
  if (slo.ttft_ms !== undefined && !(request.ttft_ms <= slo.ttft_ms)) return false;
  if (slo.e2e_ms !== undefined && !(request.e2e_ms <= slo.e2e_ms)) return false;
  if (slo.tpot_ms !== undefined) {
    const tpot = Number.isNaN(request.tpot_ms) && request.completion_tokens <= 1
      ? 0
      : request.tpot_ms;
    if (!(tpot <= slo.tpot_ms)) return false;
  }
  return true;
}
