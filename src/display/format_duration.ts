/**
 * Durations for people: milliseconds below 10 s, seconds above.
 *
 * @module
 */

/**
 * `12.3 ms`, `1234.5 ms`, `12.35 s`; missing (null/NaN) → `–`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMs } from "./format_duration.ts";
 * assert.equal(formatMs(12.345), "12.3 ms");
 * assert.equal(formatMs(12345), "12.35 s");
 * ```
 */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "–";
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(1)} ms`;
}
