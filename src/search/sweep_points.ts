/**
 * Sweeps: `--concurrency 1,4,16 --rate 2,inf` is one run per combination (cartesian product).
 *
 * @module
 */

/** One point of a sweep; undefined = unlimited concurrency / infinite rate. */
export interface SweepPoint {
  concurrency: number | undefined;
  rate: number | undefined;
}

/**
 * Every (concurrency, rate) combination, concurrency-major, in the order given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepPoints } from "./sweep_points.ts";
 * assert.deepEqual(sweepPoints([1, 4], [undefined]), [
 *   { concurrency: 1, rate: undefined },
 *   { concurrency: 4, rate: undefined },
 * ]);
 * ```
 */
export function sweepPoints(
  concurrencies: readonly (number | undefined)[],
  rates: readonly (number | undefined)[],
): SweepPoint[] {
  return concurrencies.flatMap((concurrency) => rates.map((rate) => ({ concurrency, rate })));
}

/**
 * A short file-name-safe name of a point, e.g. `c4-rinf`, `c-max-r2.5`, used in labels and run ids.
 */
export function pointName(point: SweepPoint): string {
  const c = point.concurrency === undefined ? "max" : String(point.concurrency);
  const r = point.rate === undefined ? "inf" : String(point.rate);
  return `c${c}-r${r}`;
}

/**
 * The label of one run of a sweep: the base label alone for a single run, else label-point.
 */
export function pointLabel(label: string, point: SweepPoint, isSweep: boolean): string {
  return isSweep ? `${label}-${pointName(point)}` : label;
}
