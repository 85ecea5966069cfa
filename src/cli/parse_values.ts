/**
 * Parsers for flag values: numbers, comma lists, `I/N` shards, `key=value` lists. Each throws
 * a {@link UsageError} in the one option message form (`option --flag must be …, got "…"`,
 * from `src/util/options.ts`); the command prefixes its name.
 *
 * @module
 */

import type { Slo } from "../types.ts";
import { UsageError } from "./usage_error.ts";
import { optionMessage } from "../util/options.ts";

/**
 * A UsageError saying what the flag's value must be, in the one option message form.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagError } from "./parse_values.ts";
 * assert.equal(
 *   flagError("--ramp", "linear or exp", "log").message,
 *   'option --ramp must be linear or exp, got "log"',
 * );
 * ```
 */
export function flagError(flag: string, requirement: string, text: string): UsageError {
  return new UsageError(optionMessage("", flag, requirement, text));
}

/** Decimal notation only (`Number()` would also take `0x10`, `0b1`, `0o7` and `Infinity`). */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A finite number ≥ `min` (default 0; `-Infinity` = any), in decimal notation. */
export function parseNumber(flag: string, text: string, min = 0): number {
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < min) {
    throw flagError(flag, min === -Infinity ? "a number" : `a number ≥ ${min}`, text);
  }
  return n;
}

/** An integer ≥ `min` (default 1), in decimal notation (not `0x10`). */
export function parseInteger(flag: string, text: string, min = 1): number {
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw flagError(flag, `an integer ≥ ${min}`, text);
  }
  return n;
}

/**
 * A comma list of values, each parsed by `parseItem`; duplicates and empty items are errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInteger, parseList } from "./parse_values.ts";
 * const values = parseList("--concurrency", "1,4,16", (t) => parseInteger("--concurrency", t));
 * assert.deepEqual(values, [1, 4, 16]);
 * ```
 */
export function parseList<T>(flag: string, text: string, parseItem: (item: string) => T): T[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) {
    throw flagError(flag, "a comma list without empty items", text);
  }
  const values = items.map(parseItem);
  if (new Set(items).size !== items.length) {
    throw flagError(flag, "a comma list without repeated values", text);
  }
  return values;
}

/** A request rate: a number > 0, or `inf` (send as fast as concurrency allows → undefined). */
export function parseRate(flag: string, text: string): number | undefined {
  if (/^\+?inf(inity)?$/i.test(text.trim())) return undefined;
  const n = parseNumber(flag, text, 0);
  if (n === 0) {
    throw flagError(flag, "a rate > 0 (or inf)", text);
  }
  return n;
}

/**
 * `I/N`: this client's shard, 0 ≤ I < N.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseShard } from "./parse_values.ts";
 * assert.deepEqual(parseShard("--shard", "1/4"), { index: 1, count: 4 });
 * ```
 */
export function parseShard(flag: string, text: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw flagError(flag, "I/N (e.g. 0/4)", text);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw flagError(flag, "I/N with N ≥ 1", text);
  if (index >= count) {
    throw flagError(flag, `I/N with I in 0..${count - 1} (shards are numbered from 0)`, text);
  }
  return { index, count };
}

const SLO_KEYS: Record<string, keyof Slo> = {
  ttft: "ttft_ms",
  tpot: "tpot_ms",
  e2e: "e2e_ms",
  e2el: "e2e_ms",
};

/**
 * `ttft=MS,tpot=MS,e2e=MS` (any subset; `:` works as well as `=`, as in `vllm bench --goodput`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSlo } from "./parse_values.ts";
 * assert.deepEqual(parseSlo("--slo", "ttft=500,tpot=50"), { ttft_ms: 500, tpot_ms: 50 });
 * ```
 */
export function parseSlo(flag: string, text: string): Slo {
  const slo: Slo = {};
  for (const part of text.split(",")) {
    const match = /^\s*([a-z0-9]+)\s*[=:]\s*(.*?)\s*$/i.exec(part);
    const key = match ? SLO_KEYS[match[1].toLowerCase()] : undefined;
    if (!match || !key) {
      throw flagError(flag, "ttft=MS,tpot=MS,e2e=MS", text);
    }
    if (slo[key] !== undefined) throw flagError(flag, "each SLO at most once", text);
    slo[key] = parseNumber(`${flag} ${match[1]}`, match[2], 0);
  }
  return slo;
}
