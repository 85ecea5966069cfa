/**
 * Runs → one arquero table with one row per request.
 *
 * @module
 */

import { type ColumnTable, table } from "../deps/arquero.ts";
import type { Run } from "../types.ts";
import { asRuns, countRequests } from "./runs.ts";
import { requestColumns } from "./request_columns.ts";
import { metadataColumns } from "./metadata_columns.ts";

/**
 * One row per request of one or more runs. Columns, in order:
 *
 * - `run_id`, `label` (meta.label), `concurrency` (meta.load.concurrency), `rate` (meta.load.rate),
 *   `tool` (the tool that measured: `meta.source.tool` for another tool's file, else
 *   `meta.client.tool`);
 * - `load_rate_rps`, `load_concurrency`: the load in force when the request was sent (record
 *   fields; NaN when absent); `steady_state`: whether it was sent in the run's steady state — the
 *   window in which the in-flight count stays at ≥ 95 % of meta.load.concurrency, without ramp-up
 *   and drain (`steadyStateWindow`, src/metrics/steady_state.ts; null when the run had no
 *   concurrency limit). Computed here from start_ms, e2e_ms and success, so a loaded file marks
 *   the same requests;
 * - every scalar field of {@link RequestRecord} under its own name (index, request_id, trace_id,
 *   span_id, sampled, response_id, endpoint, model, stream, tag, scheduled_ms, start_ms,
 *   lateness_ms, headers_ms, ttft_ms, e2e_ms, tpot_ms, first_chunk_ms, last_chunk_ms,
 *   prompt_tokens, prompt_tokens_requested, conversation_id, turn, completion_tokens, token_source, finish_reason, output_chars, success,
 *   span_status, span_note, trace_url, server_*, client_overhead_ms, server_frontend_ms);
 * - `error_kind`, `error_message`, `error_status` (from `record.error`);
 * - `end_ms` = start_ms + e2e_ms (epoch ms), `chunks` (content chunks received);
 * - one string column per tag of the runs' `meta.metadata` (`gpu`, `vllm_version`, ...; `meta_<key>`
 *   when the key is already a column), for `groupby`;
 * - `itl_ms`: the record's ITL gaps, per row — the record's own `itl_ms` array, not a copy (no
 *   time or memory per gap; `JSON.stringify` writes it as a list). Treat it as read-only.
 *
 * Numeric columns are Float64Array; a missing number (null in the record) is **NaN** there
 * (arquero's aggregates and `op.is_valid`, and Vega's `isValid`, treat it as missing;
 * `JSON.stringify` writes null). String and boolean columns are arrays with null for missing.
 * `params`, `server_spans`, `chunk_times_ms` and `chunk_tokens` are not columns: see
 * `toChunkTable` for chunks. Through mod.ts, the table displays as HTML in Jupyter
 * (src/display/show_table.ts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { op } from "../deps/arquero.ts";
 * import { toTable } from "./to_table.ts";
 * import { makeRecord, makeRun } from "./_fixtures.ts";
 * const run = makeRun([ // e.g. `await load("runs/run.json")`
 *   makeRecord({ index: 0, ttft_ms: 20 }),
 *   makeRecord({ index: 1, ttft_ms: 30 }),
 *   makeRecord({ index: 2, ttft_ms: null, success: false, error: null }),
 * ]);
 * const t = toTable(run);
 * const medians = t.filter((d) => d.success).rollup({ ttft: (d) => op.median(d.ttft_ms) });
 * assert.deepEqual(medians.objects(), [{ ttft: 25 }]);
 * ```
 */
export function toTable(input: Run | Run[]): ColumnTable {
  const runs = asRuns(input, "toTable");
  const n = countRequests(runs);
  const columns = requestColumns(runs, n);
  const tags = metadataColumns(runs, Object.keys(columns));
  return table({ ...columns, ...tags });
}
