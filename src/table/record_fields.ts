/**
 * The fields of a {@link RequestRecord} and the kind of value each holds, in declaration order.
 * One list shared by the file loaders and writers (how each field is validated, and encoded in
 * CSV and columnar files). The table builder (request_columns.ts) names its columns by hand, in
 * reading order and with one property read per field per record: copying the fields by name from
 * this list took longer than its whole pass. to_table_test.ts checks that every scalar field here
 * is a column of `toTable`.
 *
 * @module
 */

import type { RequestRecord } from "../types.ts";

/**
 * What a record field holds:
 * `string`/`number`/`boolean` never null; `nullable_*` may be null;
 * `json` is a list or an object (lists of numbers, params, error, spans).
 */
export type FieldKind =
  | "string"
  | "nullable_string"
  | "number"
  | "nullable_number"
  | "boolean"
  | "json";

/** One field of {@link RequestRecord} with its kind. */
export interface RecordField {
  name: keyof RequestRecord & string;
  kind: FieldKind;
  /** The field may be absent (an optional field of the type). */
  optional?: true;
}

/**
 * Every field of {@link RequestRecord}, in the order types.ts declares them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RECORD_FIELDS } from "./record_fields.ts";
 * const scalars = RECORD_FIELDS.filter((f) => f.kind !== "json").map((f) => f.name);
 * assert.ok(scalars.includes("ttft_ms"));
 * assert.ok(!scalars.includes("itl_ms")); // a list, stored as JSON
 * ```
 */
export const RECORD_FIELDS: readonly RecordField[] = [
  { name: "run_id", kind: "string" },
  { name: "index", kind: "number" },
  { name: "request_id", kind: "string" },
  { name: "trace_id", kind: "string" },
  { name: "span_id", kind: "string" },
  { name: "sampled", kind: "boolean" },
  { name: "response_id", kind: "nullable_string" },
  { name: "endpoint", kind: "string" },
  { name: "model", kind: "string" },
  { name: "stream", kind: "boolean" },
  { name: "tag", kind: "nullable_string" },
  { name: "params", kind: "json" },
  { name: "scheduled_ms", kind: "number" },
  { name: "start_ms", kind: "number" },
  { name: "lateness_ms", kind: "number" },
  { name: "headers_ms", kind: "nullable_number" },
  { name: "ttft_ms", kind: "nullable_number" },
  { name: "e2e_ms", kind: "nullable_number" },
  { name: "tpot_ms", kind: "nullable_number" },
  { name: "itl_ms", kind: "json" },
  { name: "chunk_times_ms", kind: "json" },
  { name: "chunk_tokens", kind: "json" },
  { name: "first_chunk_ms", kind: "nullable_number" },
  { name: "last_chunk_ms", kind: "nullable_number" },
  { name: "non_content_chunk_times_ms", kind: "json", optional: true },
  { name: "prompt_tokens", kind: "nullable_number" },
  { name: "completion_tokens", kind: "nullable_number" },
  { name: "token_source", kind: "string" },
  { name: "finish_reason", kind: "nullable_string" },
  { name: "output_chars", kind: "number" },
  { name: "success", kind: "boolean" },
  { name: "error", kind: "json" },
  { name: "span_status", kind: "string" },
  { name: "span_note", kind: "nullable_string" },
  { name: "trace_url", kind: "nullable_string" },
  { name: "server_queue_ms", kind: "nullable_number" },
  { name: "server_prefill_ms", kind: "nullable_number" },
  { name: "server_decode_ms", kind: "nullable_number" },
  { name: "server_inference_ms", kind: "nullable_number" },
  { name: "server_ttft_ms", kind: "nullable_number" },
  { name: "server_e2e_ms", kind: "nullable_number" },
  { name: "server_scheduler_ms", kind: "nullable_number" },
  { name: "server_model_forward_ms", kind: "nullable_number" },
  { name: "server_model_execute_ms", kind: "nullable_number" },
  { name: "server_prompt_tokens", kind: "nullable_number" },
  { name: "server_completion_tokens", kind: "nullable_number" },
  { name: "server_start_ms", kind: "nullable_number" },
  { name: "client_overhead_ms", kind: "nullable_number" },
  { name: "server_frontend_ms", kind: "nullable_number" },
  { name: "server_spans", kind: "json" },
  { name: "value_notes", kind: "json", optional: true },
  { name: "stream_notes", kind: "json", optional: true },
  { name: "prompt_tokens_requested", kind: "nullable_number", optional: true },
  { name: "conversation_id", kind: "nullable_string", optional: true },
  { name: "turn", kind: "nullable_number", optional: true },
  { name: "load_rate_rps", kind: "nullable_number", optional: true },
  { name: "load_concurrency", kind: "nullable_number", optional: true },
  { name: "ttfot_ms", kind: "nullable_number", optional: true },
  { name: "reasoning_tokens", kind: "nullable_number", optional: true },
  { name: "reasoning_chunks", kind: "nullable_number", optional: true },
];

/** Names of the record fields that hold one number (possibly null). */
export const NUMBER_FIELDS: readonly string[] = RECORD_FIELDS
  .filter((f) => f.kind === "number" || f.kind === "nullable_number")
  .map((f) => f.name);

/** Names of the record fields that hold one string (possibly null). */
export const STRING_FIELDS: readonly string[] = RECORD_FIELDS
  .filter((f) => f.kind === "string" || f.kind === "nullable_string")
  .map((f) => f.name);

/** Names of the record fields that hold one boolean. */
export const BOOLEAN_FIELDS: readonly string[] = RECORD_FIELDS
  .filter((f) => f.kind === "boolean")
  .map((f) => f.name);
