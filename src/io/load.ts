/**
 * Loading a run from a file.
 *
 * @module
 */

import type { Run } from "../types.ts";
import { formatOf } from "./file_format.ts";
import { decodeJson } from "./json_format.ts";
import { decodeJsonl } from "./jsonl_format.ts";
import { decodeCsv } from "./csv_format.ts";
import { Salvager } from "./salvage.ts";
import { showRun } from "../display/show_run.ts";

/** Options of {@link load}. */
export interface LoadOptions {
  /**
   * Skip unreadable request lines/rows and a cut-off last line instead of failing; how many were
   * skipped (and the first reasons) goes to `run.meta.salvage`. The meta line must be readable.
   */
  salvage?: boolean;
}

/**
 * Reads a run saved by {@link save} or streamed by collect (`.json`, `.jsonl`, `.csv`).
 * A truncated or corrupt file, an unknown schema version or a value of the wrong type throws a
 * `FileFormatError` whose message starts with `file:line` (and `:column` for CSV cells).
 * The run displays richly in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load } from "./load.ts";
 * import { save } from "./save.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await save(makeRun([makeRecord(), makeRecord({ index: 1 })]), `${dir}/run.jsonl`);
 * assert.equal((await load(path)).requests.length, 2);
 * // a run that crashed while writing its last line:
 * await Deno.writeTextFile(path, '{"type":"request","ind', { append: true });
 * await assert.rejects(load(path), { message: `${path}:4: truncated last line` });
 * const salvaged = await load(path, { salvage: true });
 * assert.equal(salvaged.requests.length, 2);
 * assert.equal(salvaged.meta.salvage?.skipped_lines, 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function load(path: string, options: LoadOptions = {}): Promise<Run> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`load: path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  const format = formatOf(path);
  const salvager = new Salvager(options.salvage === true);
  const run = format === "json"
    ? await decodeJson(path, salvager)
    : format === "jsonl"
    ? await decodeJsonl(path, salvager)
    : await decodeCsv(path, salvager);
  const report = salvager.report();
  if (report) run.meta.salvage = report;
  return showRun(run);
}
