/**
 * A small seeded pseudo-random generator (mulberry32) and the distributions the load
 * generator and the simulator need. Deterministic for a given seed; not for cryptography.
 *
 * @module
 */

/** A seeded source of uniform floats in [0, 1). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Exponential with the given mean (> 0). */
  exponential(mean: number): number;
  /** Gamma with shape k > 0 and scale θ > 0 (Marsaglia–Tsang). */
  gamma(shape: number, scale: number): number;
  /** Standard normal. */
  normal(): number;
  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number;
}

/**
 * Creates a seeded generator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng } from "./rng.ts";
 * const a = createRng(1), b = createRng(1);
 * assert.equal(a.next(), b.next()); // same seed, same sequence
 * ```
 */
export function createRng(seed: number): Rng {
  let state = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number, scale: number): number => {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
      return gamma(shape + 1, scale) * Math.pow(1 - next(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v * scale;
      }
    }
  };
  return {
    next,
    normal,
    gamma,
    exponential: (mean) => -Math.log(1 - next()) * mean,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}
