/**
 * Which run file format a path means, from its extension.
 *
 * @module
 */

import { extname } from "node:path";

/** The run file formats. */
export type FileFormat = "json" | "csv" | "jsonl" | "yaml" | "parquet" | "arrow";

/** The extensions loaders recognise, with their format. */
export const EXTENSIONS: Record<string, FileFormat> = {
  ".json": "json",
  ".jsonl": "jsonl",
  ".csv": "csv",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".parquet": "parquet",
  ".arrow": "arrow",
};

/** The formats `save` writes (YAML is only read: GuideLLM's report). */
const WRITABLE = ["json", "csv", "jsonl", "parquet", "arrow"];

/**
 * The format for `path`: `explicit` if given (checked), else from the extension
 * (`.json`, `.jsonl`, `.csv`, `.parquet`, `.arrow`, `.yaml`/`.yml`, any case). Throws a TypeError naming the path otherwise.
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
    if (WRITABLE.includes(explicit)) return explicit as FileFormat;
    throw new TypeError(
      `format must be one of ${WRITABLE.join(", ")}, got ${JSON.stringify(explicit)}`,
    );
  }
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new TypeError(
      `${path}: cannot tell the format from the extension (expected ${
        Object.keys(EXTENSIONS).join(", ")
      }, or pass format)`,
    );
  }
  return format;
}
