/**
 * Goodput as `vllm bench serve --goodput` defines it (DistServe): a successful request is good
 * when every given metric is at most its SLO.
 *
 * @module
 */

import type { Slo } from "../types.ts";

const SLO_KEYS = ["ttft_ms", "tpot_ms", "e2e_ms"] as const;

/** SLOs as given to `summarize`: the canonical keys, or the short names plot options accept. */
export type SloOptions = Slo & {
  /** Same as `ttft_ms`. */
  ttft?: number;
  /** Same as `tpot_ms`. */
  tpot?: number;
  /** Same as `e2e_ms`. */
  e2e?: number;
};

/**
 * Checks `slo` and returns it with canonical keys: `ttft`, `tpot` and `e2e` are accepted for
 * `ttft_ms`, `tpot_ms` and `e2e_ms`, as in plot options. Throws (naming the key and value) on
 * another key, a value that is not a finite number ≥ 0, or an alias and its canonical key both
 * given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSlo } from "./goodput.ts";
 * assert.deepEqual(checkSlo({ ttft: 200, tpot_ms: 20 }), { ttft_ms: 200, tpot_ms: 20 });
 * assert.throws(() => checkSlo({ ttft: 200, ttft_ms: 100 }), /both/);
 * ```
 */
export function checkSlo(slo: SloOptions): Slo {
  if (slo === null || typeof slo !== "object" || Array.isArray(slo)) {
    throw new TypeError(`summarize: slo must be an object, got ${JSON.stringify(slo)}`);
  }
  const out: Slo = {};
  for (const [key, value] of Object.entries(slo)) {
    const canonical = (SLO_KEYS as readonly string[]).includes(key)
      ? key as typeof SLO_KEYS[number]
      : (SLO_KEYS as readonly string[]).includes(`${key}_ms`)
      ? `${key}_ms` as typeof SLO_KEYS[number]
      : undefined;
    if (canonical === undefined) {
      throw new TypeError(
        `summarize: slo.${key} is not one of ${SLO_KEYS.join(", ")} (or ttft, tpot, e2e)`,
      );
    }
    if (value === undefined) continue;
    if (!(typeof value === "number" && value >= 0 && value !== Infinity)) {
      throw new RangeError(`summarize: slo.${key} must be a finite number ≥ 0 ms, got ${value}`);
    }
    if (out[canonical] !== undefined) {
      throw new TypeError(
        `summarize: slo gives both ${canonical} and ${canonical.replace(/_ms$/, "")}; give one`,
      );
    }
    out[canonical] = value;
  }
  return out;
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
