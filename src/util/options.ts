/**
 * Option checks shared by every public function and the CLI, with one message form:
 * `${where}: option ${name} must be …, got …` (a TypeError for the wrong type, a RangeError for a
 * value out of range). `where` names the function (`collect`, `plot.histogram`); the CLI leaves it
 * empty and prefixes the command itself. Each check returns the value, typed, so a default can be
 * passed through it: `positiveInt("startSimulator", "maxNumSeqs", options.maxNumSeqs ?? 256)`.
 *
 * @module
 */

/**
 * A short, safe description of a bad value for an error message: strings quoted and cut at 60
 * characters, objects and arrays named, not dumped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeValue } from "./options.ts";
 * assert.equal(describeValue("x"), '"x"');
 * assert.equal(describeValue([1]), "an array");
 * assert.equal(describeValue(-1), "-1");
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? value.slice(0, 60) + "…" : value);
  }
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * The one message of a bad option: `${where}: option ${name} must be ${requirement}, got ${got}`
 * (without `where: ` when `where` is empty). `got` is the value itself, described by
 * {@link describeValue}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optionMessage } from "./options.ts";
 * assert.equal(
 *   optionMessage("plot.histogram", "bins", "an integer ≥ 1", 0),
 *   "plot.histogram: option bins must be an integer ≥ 1, got 0",
 * );
 * assert.equal(optionMessage("", "--rate", "> 0", "0"), 'option --rate must be > 0, got "0"');
 * ```
 */
export function optionMessage(
  where: string,
  name: string,
  requirement: string,
  value: unknown,
): string {
  return `${where ? `${where}: ` : ""}option ${name} must be ${requirement}, got ${
    describeValue(value)
  }`;
}

/** What a number option must be: integer, bounds, whether +Infinity is allowed. */
export interface NumberRule {
  /** Must be a whole number. */
  integer?: boolean;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** The value must be above this (exclusive). */
  above?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** `Infinity` passes (e.g. a rate "as fast as possible"). */
  allowInfinity?: boolean;
}

/**
 * Checks a number against a rule: a TypeError when it is no number (or NaN), a RangeError naming
 * the first rule broken (`finite`, `an integer`, `≥ min`, `> above`, `≤ max`). Returns the value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNumber } from "./options.ts";
 * assert.equal(checkNumber("collect", "rate", Infinity, { above: 0, allowInfinity: true }), Infinity);
 * assert.throws(
 *   () => checkNumber("collect", "timeoutMs", NaN, { above: 0 }),
 *   { name: "TypeError", message: "collect: option timeoutMs must be a number, got NaN" },
 * );
 * ```
 */
export function checkNumber(where: string, name: string, value: unknown, rule: NumberRule): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(optionMessage(where, name, "a number", value));
  }
  const bad = (requirement: string) =>
    new RangeError(optionMessage(where, name, requirement, value));
  if (!Number.isFinite(value) && !(rule.allowInfinity && value === Infinity)) {
    throw bad("finite");
  }
  if (rule.integer && Number.isFinite(value) && !Number.isInteger(value)) throw bad("an integer");
  if (rule.min !== undefined && value < rule.min) throw bad(`≥ ${rule.min}`);
  if (rule.above !== undefined && value <= rule.above) throw bad(`> ${rule.above}`);
  if (rule.max !== undefined && value > rule.max) throw bad(`≤ ${rule.max}`);
  return value;
}

/**
 * A finite number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finiteNumber } from "./options.ts";
 * assert.equal(finiteNumber("collect", "seed", -3), -3);
 * assert.throws(() => finiteNumber("collect", "seed", Infinity), /option seed must be finite/);
 * ```
 */
export function finiteNumber(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, {});
}

/**
 * A finite number ≥ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonNegative } from "./options.ts";
 * assert.equal(nonNegative("enrich", "timeoutMs", 0), 0);
 * assert.throws(
 *   () => nonNegative("enrich", "timeoutMs", -1),
 *   { name: "RangeError", message: "enrich: option timeoutMs must be ≥ 0, got -1" },
 * );
 * ```
 */
export function nonNegative(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, { min: 0 });
}

/**
 * A number > 0 (finite unless `allowInfinity`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { positive } from "./options.ts";
 * assert.equal(positive("plot.render", "scale", 2), 2);
 * assert.throws(() => positive("plot.render", "scale", 0), /plot.render: option scale must be > 0, got 0/);
 * ```
 */
export function positive(
  where: string,
  name: string,
  value: unknown,
  allowInfinity = false,
): number {
  return checkNumber(where, name, value, { above: 0, allowInfinity });
}

/**
 * An integer ≥ 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { positiveInt } from "./options.ts";
 * assert.equal(positiveInt("collect", "concurrency", 4), 4);
 * assert.throws(() => positiveInt("collect", "concurrency", 1.5), /must be an integer, got 1.5/);
 * assert.throws(() => positiveInt("collect", "concurrency", 0), /must be ≥ 1, got 0/);
 * ```
 */
export function positiveInt(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, { integer: true, min: 1 });
}

/**
 * An integer ≥ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonNegativeInt } from "./options.ts";
 * assert.equal(nonNegativeInt("collect", "warmup", 0), 0);
 * assert.throws(() => nonNegativeInt("collect", "warmup", -1), /option warmup must be ≥ 0, got -1/);
 * ```
 */
export function nonNegativeInt(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, { integer: true, min: 0 });
}

/**
 * A number in the closed range [lo, hi] (a probability, a port).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inRange } from "./options.ts";
 * assert.equal(inRange("startSimulator", "earlyStopRate", 0.5, 0, 1), 0.5);
 * assert.throws(
 *   () => inRange("startSimulator", "earlyStopRate", 2, 0, 1),
 *   { name: "RangeError", message: "startSimulator: option earlyStopRate must be in [0, 1], got 2" },
 * );
 * ```
 */
export function inRange(
  where: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  integer = false,
): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(optionMessage(where, name, "a number", value));
  }
  if (!(value >= lo && value <= hi) || (integer && !Number.isInteger(value))) {
    const what = integer ? `an integer in [${lo}, ${hi}]` : `in [${lo}, ${hi}]`;
    throw new RangeError(optionMessage(where, name, what, value));
  }
  return value;
}

/**
 * One of a few allowed values (a RangeError listing them otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneOf } from "./options.ts";
 * assert.equal(oneOf("plot.compare", "kind", "box", ["box", "ecdf"] as const), "box");
 * assert.throws(
 *   () => oneOf("plot.compare", "kind", "bar", ["box", "ecdf"]),
 *   { name: "RangeError", message: 'plot.compare: option kind must be "box" or "ecdf", got "bar"' },
 * );
 * ```
 */
export function oneOf<T>(where: string, name: string, value: unknown, choices: readonly T[]): T {
  if (choices.includes(value as T)) return value as T;
  const listed = choices.map((c) => JSON.stringify(c));
  const what = listed.length <= 2
    ? listed.join(" or ")
    : `one of ${listed.slice(0, -1).join(", ")} or ${listed.at(-1)}`;
  throw new RangeError(optionMessage(where, name, what, value));
}

/**
 * A value of a JavaScript type (`"string"`, `"boolean"`, `"function"`), else a TypeError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ofType } from "./options.ts";
 * assert.equal(ofType("collect", "stream", true, "boolean"), true);
 * assert.throws(
 *   () => ofType("collect", "stream", "yes", "boolean"),
 *   { name: "TypeError", message: 'collect: option stream must be a boolean, got "yes"' },
 * );
 * ```
 */
export function ofType<T>(
  where: string,
  name: string,
  value: T,
  type: "string" | "number" | "boolean" | "function" | "object",
): T {
  const actual: string = typeof value;
  if (actual !== type) throw new TypeError(optionMessage(where, name, `a ${type}`, value));
  return value;
}

/**
 * A string with at least one character, else a TypeError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonEmptyString } from "./options.ts";
 * assert.equal(nonEmptyString("startSimulator", "model", "m"), "m");
 * assert.throws(() => nonEmptyString("startSimulator", "model", ""), TypeError);
 * ```
 */
export function nonEmptyString(where: string, name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(optionMessage(where, name, "a non-empty string", value));
  }
  return value;
}
