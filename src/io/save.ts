/**
 * Saving a run to a file.
 *
 * @module
 */

import type { Run } from "../types.ts";
import { atomicWrite } from "./atomic_write.ts";
import { type FileFormat, formatOf } from "./file_format.ts";
import { encodeJson } from "./json_format.ts";
import { encodeJsonl } from "./jsonl_format.ts";
import { encodeCsv } from "./csv_format.ts";

/** Options of {@link save}. */
export interface SaveOptions {
  /** File format; default: from the extension (.json, .csv, .jsonl). */
  format?: FileFormat;
}

/**
 * Writes `run` to `path` atomically (a temp file in the same directory, then rename; the parent
 * directory is created) and returns `path`. Formats (docs/FILES.md): `json` (everything, one
 * request per line), `jsonl` (the crash-safe layout collect streams), `csv` (one row per request,
 * lists and objects as JSON in the cell). All three keep every field and load back identical.
 *
 * @example
 * ```ts
 * import { save } from "./save.ts";
 * import { timestampedName } from "./timestamped_name.ts";
 * import type { Run } from "../types.ts";
 * declare const run: Run;
 * await save(run, `runs/${timestampedName(run.meta.label, "json")}`);
 * ```
 */
export async function save(run: Run, path: string, options: SaveOptions = {}): Promise<string> {
  if (!run || typeof run !== "object" || !run.meta || !Array.isArray(run.requests)) {
    throw new TypeError("save: run must be a Run ({ meta, requests })");
  }
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`save: path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  const format = formatOf(path, options.format);
  const pieces = format === "json"
    ? encodeJson(run)
    : format === "jsonl"
    ? encodeJsonl(run)
    : encodeCsv(run);
  await atomicWrite(path, pieces);
  return path;
}
