/**
 * Reading typed values out of another tool's parsed result file, with errors that name the file
 * and the key path (`benchmarks[0].requests.successful[3].first_token_time`).
 *
 * @module
 */

import { FileFormatError } from "./errors.ts";
import { describeValue, isObject } from "./validate.ts";

/** Where in a foreign file a value is: the file, the key path, and the line if known. */
export interface ValuePath {
  file: string;
  path: string;
  line?: number;
}

function fail(at: ValuePath, expected: string, value: unknown): never {
  throw new FileFormatError(
    { file: at.file, line: at.line },
    `${at.path} must be ${expected}, got ${describeValue(value)}`,
  );
}

/** `at` extended by a key or index. */
export function child(at: ValuePath, key: string | number): ValuePath {
  const path = typeof key === "number" ? `${at.path}[${key}]` : at.path ? `${at.path}.${key}` : key;
  return { ...at, path };
}

/** `value` as an object, or an error naming its path. */
export function objectAt(value: unknown, at: ValuePath): Record<string, unknown> {
  return isObject(value) ? value : fail(at, "an object", value);
}

/** `value` as an array, or an error naming its path. */
export function arrayAt(value: unknown, at: ValuePath): unknown[] {
  return Array.isArray(value) ? value : fail(at, "a list", value);
}

/** `value` as a finite number, or an error naming its path. */
export function numberAt(value: unknown, at: ValuePath): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fail(at, "a number", value);
}

/** `value` as a finite number or null (also for undefined). */
export function optionalNumberAt(value: unknown, at: ValuePath): number | null {
  return value === null || value === undefined ? null : numberAt(value, at);
}

/** `value` as a string or null (also for undefined). */
export function optionalStringAt(value: unknown, at: ValuePath): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : fail(at, "a string", value);
}

/** `value` as a list of finite numbers. */
export function numbersAt(value: unknown, at: ValuePath): number[] {
  return arrayAt(value, at).map((item, i) => numberAt(item, child(at, i)));
}
