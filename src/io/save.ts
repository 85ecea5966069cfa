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
import { chunkTablePath, encodeColumnar } from "./columnar_format.ts";

/** Options of {@link save}. */
export interface SaveOptions {
  /** File format; default: from the extension (.json, .csv, .jsonl, .parquet, .arrow). */
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
 * lists and objects as JSON in the cell), `parquet` and `arrow` (the request table, plus the chunk
 * table as `<name>.chunks.<ext>` beside it). All keep every field and load back identical.
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
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const run = makeRun([makeRecord()]); // e.g. from collect or enrich
 * const dir = await Deno.makeTempDir(); // e.g. "runs"
 * const path = await save(run, `${dir}/${timestampedName(run.meta.label, "json")}`);
 * assert.deepEqual(await load(path), run);
 * // columnar: the request table, plus the chunk table beside it
 * const parquet = await save(run, `${dir}/run.parquet`);
 * assert.deepEqual(await load(parquet), run);
 * assert.ok((await Deno.stat(`${dir}/run.chunks.parquet`)).isFile);
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
  const overwrite = options.overwrite ?? true;
  if (format === "parquet" || format === "arrow") {
    const [requests, chunks] = encodeColumnar(storable, format);
    // The chunk table first: a request table on disk always has its chunk table beside it.
    await atomicWrite(chunkTablePath(path), [chunks], { overwrite });
    await atomicWrite(path, [requests], { overwrite });
    return path;
  }
  const pieces = format === "json"
    ? encodeJson(storable)
    : format === "jsonl"
    ? encodeJsonl(storable)
    : encodeCsv(storable);
  await atomicWrite(path, pieces, { overwrite });
  return path;
}
