/**
 * Reading a dataset of JSON objects, one a line, with errors that name the file and the line.
 *
 * @module
 */

/** A short description of a JSON value for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Each non-blank line's JSON object, turned into an item by `parseObject`, which throws a string
 * (the problem, without location) for a bad object. Throws an Error naming the dataset, `where`
 * and the line at the first bad line, or when no line holds an item.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonLines } from "./json_lines.ts";
 * const sizes = parseJsonLines('{"n": 1}\n\n{"n": 2}\n', "f.jsonl", "my", (o) => o.n);
 * assert.deepEqual(sizes, [1, 2]);
 * assert.throws(() => parseJsonLines("[1]", "f.jsonl", "my", (o) => o.n), {
 *   message: "my dataset f.jsonl:1: expected a JSON object, got an array",
 * });
 * ```
 */
export function parseJsonLines<T>(
  text: string,
  where: string,
  datasetName: string,
  parseObject: (value: Record<string, unknown>) => T,
): T[] {
  const items: T[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    try {
      items.push(parseObject(jsonObject(line)));
    } catch (problem) {
      if (typeof problem !== "string") throw problem;
      throw new Error(`${datasetName} dataset ${where}:${i + 1}: ${problem}`);
    }
  });
  if (items.length === 0) {
    throw new Error(`${datasetName} dataset ${where}: the file has no requests`);
  }
  return items;
}

/** The line's JSON object; throws a string saying what is wrong. */
function jsonObject(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw `expected a JSON object, got ${describeJson(value)}`;
  }
  return value as Record<string, unknown>;
}
