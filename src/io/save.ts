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
import { finiteRun } from "./finite.ts";

/** Options of {@link save}. */
export interface SaveOptions {
  /** File format; default: from the extension (.json, .csv, .jsonl). */
  format?: FileFormat;
  /**
   * Replace an existing file at `path` (default true). With false, an existing file is never
   * touched: save throws a `Deno.errors.AlreadyExists` naming the path.
   */
  overwrite?: boolean;
}

/**
 * Writes `run` to `path` atomically (a temp file in the same directory, then rename; the parent
 * directory is created) and returns `path`. Formats (docs/FILES.md): `json` (everything, one
 * request per line), `jsonl` (the crash-safe layout collect streams), `csv` (one row per request,
 * lists and objects as JSON in the cell). All three keep every field and load back identical.
 * A value no file can hold (a non-finite number, a lone surrogate) is first replaced as
 * `finiteRun` does, with a note, so the file always loads. A failed write throws an error naming
 * `path` (the temp file is removed; an existing file at `path` is left as it was).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { save } from "./save.ts";
 * import { load } from "./load.ts";
 * import { timestampedName } from "./timestamped_name.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const run = makeRun([makeRecord()]); // e.g. from collect or enrich
 * const dir = await Deno.makeTempDir(); // e.g. "runs"
 * const path = await save(run, `${dir}/${timestampedName(run.meta.label, "json")}`);
 * assert.deepEqual(await load(path), run);
 * await Deno.remove(dir, { recursive: true });
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
  const storable = finiteRun(run);
  const pieces = format === "json"
    ? encodeJson(storable)
    : format === "jsonl"
    ? encodeJsonl(storable)
    : encodeCsv(storable);
  await atomicWrite(path, pieces, { overwrite: options.overwrite ?? true });
  return path;
}
