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
import { readForeign } from "./foreign.ts";
import { decodeColumnar } from "./columnar_format.ts";
import { showRun } from "../display/show_run.ts";
import { FileFormatError } from "./errors.ts";

/** Options of {@link load}. */
export interface LoadOptions {
  /**
   * Skip unreadable request lines/rows and a cut-off last line instead of failing; how many were
   * skipped (and the first reasons) goes to `run.meta.salvage`. The meta line must be readable.
   */
  salvage?: boolean;
}

/**
 * Reads a run saved by {@link save} or streamed by collect (`.json`, `.jsonl`, `.csv`, `.parquet`,
 * `.arrow`), or another tool's result file, recognised by content: `vllm bench serve
 * --save-detailed` JSON, GuideLLM's benchmarks report (`.json`, `.yaml`), AIPerf's per-request
 * `.jsonl` export; such a run has `meta.source` (tool, version, fields it had no source for).
 * A truncated or corrupt file, an unknown schema version or a value of the wrong type throws a
 * `FileFormatError` whose message starts with `file:line` (and `:column` for CSV cells).
 * The run displays richly in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load } from "./load.ts";
 * import { save } from "./save.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await save(makeRun([makeRecord(), makeRecord({ index: 1 })]), `${dir}/run.jsonl`);
 * assert.equal((await load(path)).requests.length, 2);
 * // a run that crashed while writing its last line:
 * await Deno.writeTextFile(path, '{"type":"request","ind', { append: true });
 * await assert.rejects(load(path), { message: `${path}:4: truncated last line` });
 * const salvaged = await load(path, { salvage: true });
 * assert.equal(salvaged.requests.length, 2);
 * assert.equal(salvaged.meta.salvage?.skipped_lines, 1);
 * // another tool's result, e.g. `vllm bench serve --save-result --save-detailed` (times in s):
 * const bench = `${dir}/vllm-bench.json`;
 * await Deno.writeTextFile(bench, JSON.stringify({
 *   date: "20261203-165730", backend: "openai-chat", model_id: "m", request_rate: 20,
 *   max_concurrency: null, burstiness: 1, duration: 0.5, request_throughput: 4,
 *   ttfts: [0.025, 0], itls: [[0.005, 0.006], []], latencies: [0.036, 0],
 *   start_times: [100.0, 100.1], input_lens: [20, 22], output_lens: [3, 0],
 *   errors: ["", "Internal Server Error"],
 * }));
 * const fromBench = await load(bench);
 * assert.equal(fromBench.meta.source?.tool, "vllm bench serve");
 * assert.deepEqual(fromBench.requests.map((r) => r.ttft_ms), [25, null]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function load(path: string, options: LoadOptions = {}): Promise<Run> {
  const runs = await loadRuns(path, options);
  if (runs.length !== 1) {
    throw new FileFormatError(
      { file: path },
      `holds ${runs.length} runs (a GuideLLM report with one per benchmark): ` +
        "use loadAll([path]), which returns each",
    );
  }
  return runs[0];
}

/**
 * Every run in one file: one, except for a GuideLLM report, which holds one per benchmark.
 * Used by {@link load} and `loadAll`.
 */
export async function loadRuns(path: string, options: LoadOptions = {}): Promise<Run[]> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`load: path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  const format = formatOf(path);
  const foreign = await readForeign(path, format);
  if (foreign) return foreign.map((run) => showRun(run));
  if (format === "parquet" || format === "arrow") {
    return [showRun(await decodeColumnar(path, format))];
  }
  const salvager = new Salvager(options.salvage === true);
  const run = format === "json"
    ? await decodeJson(path, salvager)
    : format === "jsonl"
    ? await decodeJsonl(path, salvager)
    : await decodeCsv(path, salvager);
  const report = salvager.report();
  if (report) run.meta.salvage = report;
  return [showRun(run)];
}
