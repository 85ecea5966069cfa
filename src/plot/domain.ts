/**
 * Axis domains that do not magnify noise: a quantitative axis starts at zero unless its values
 * spread over a good part of their magnitude, and a zoomed axis is said so in the subtitle.
 *
 * @module
 */

/** Below this spread (max − min) relative to the largest magnitude, the axis keeps zero in view. */
const ZOOM_SPREAD = 0.25;

/** A scale for an axis and the note a zoomed axis adds to the subtitle (`""` when not zoomed). */
export interface AxisDomain {
  /** Vega-Lite `scale` properties: `{ zero: true }` or `{ zero: false }`. */
  scale: { zero: boolean };
  /** E.g. "x axis zoomed: does not start at 0", or `""`. */
  note: string;
}

/**
 * Chooses between a zero-based axis and a zoomed one for `values`: when the values differ by less
 * than a quarter of their magnitude (21.155–21.200 ms), zero stays in view so the differences look
 * as small as they are; a wider spread gets a zoomed axis, which the returned note says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { axisDomain } from "./domain.ts";
 * assert.deepEqual(axisDomain([21.155, 21.2], "x"), { scale: { zero: true }, note: "" });
 * assert.deepEqual(axisDomain([20, 80], "x"), {
 *   scale: { zero: false },
 *   note: "x axis zoomed: does not start at 0",
 * });
 * ```
 */
export function axisDomain(values: number[], axis: string): AxisDomain {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return { scale: { zero: true }, note: "" };
  const min = Math.min(...finite), max = Math.max(...finite);
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  const crossesZero = min <= 0 && max >= 0;
  if (crossesZero || magnitude === 0 || (max - min) / magnitude < ZOOM_SPREAD) {
    return { scale: { zero: true }, note: "" };
  }
  return { scale: { zero: false }, note: `${axis} axis zoomed: does not start at 0` };
}
