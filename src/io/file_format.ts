/**
 * Which run file format a path means, from its extension.
 *
 * @module
 */

import { extname } from "node:path";

/** The run file formats. */
export type FileFormat = "json" | "csv" | "jsonl";

/** The extensions loaders recognise, with their format. */
export const EXTENSIONS: Record<string, FileFormat> = {
  ".json": "json",
  ".jsonl": "jsonl",
  ".csv": "csv",
};

/**
 * The format for `path`: `explicit` if given (checked), else from the extension
 * (`.json`, `.jsonl`, `.csv`, any case). Throws a TypeError naming the path otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatOf } from "./file_format.ts";
 * assert.equal(formatOf("runs/a.JSONL"), "jsonl");
 * ```
 */
export function formatOf(path: string, explicit?: string): FileFormat {
  if (explicit !== undefined) {
    if (explicit === "json" || explicit === "csv" || explicit === "jsonl") return explicit;
    throw new TypeError(`format must be "json", "csv" or "jsonl", got ${JSON.stringify(explicit)}`);
  }
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new TypeError(
      `${path}: cannot tell the format from the extension (expected .json, .jsonl or .csv, or pass format)`,
    );
  }
  return format;
}
