/**
 * Complete, valid records and runs for tests and examples: every field set, overridable.
 *
 * @module
 */

import type { RequestRecord, Run, RunMeta } from "../types.ts";
import { NO_SERVER_METRICS } from "../metrics/server.ts";

/**
 * A successful streamed chat request (index 0, 4 chunks, 4 completion tokens) with any fields
 * replaced by `overrides`. Chunk times and ITL gaps are consistent unless overridden.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeRecord } from "./_fixtures.ts";
 * const record = makeRecord({ index: 2, ttft_ms: 50 });
 * assert.deepEqual([record.request_id, record.ttft_ms, record.e2e_ms], ["req-2", 50, 50]);
 * ```
 */
export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  const index = overrides.index ?? 0;
  return {
    run_id: "run-1",
    index,
    request_id: `req-${index}`,
    trace_id: "0af7651916cd43dd8448eb211c80319c",
    span_id: "b7ad6b7169203331",
    sampled: true,
    response_id: `chatcmpl-${index}`,
    endpoint: "chat",
    model: "facebook/opt-125m",
    stream: true,
    tag: null,
    params: { temperature: 0 },
    scheduled_ms: 1_700_000_000_000 + index * 100,
    start_ms: 1_700_000_000_000 + index * 100,
    lateness_ms: 0,
    headers_ms: 5,
    ttft_ms: 20,
    e2e_ms: 50,
    tpot_ms: 10,
    itl_ms: [10, 10, 10],
    chunk_times_ms: [20, 30, 40, 50],
    chunk_tokens: null,
    first_chunk_ms: 19,
    last_chunk_ms: 50,
    prompt_tokens: 10,
    completion_tokens: 4,
    token_source: "usage",
    finish_reason: "length",
    output_chars: 16,
    success: true,
    error: null,
    span_status: "not_enriched",
    span_note: null,
    trace_url: null,
    ...NO_SERVER_METRICS,
    server_spans: [],
    ...overrides,
  };
}

/**
 * A run around `requests` (their run_id is used; meta fields overridable). started/ended/duration
 * are computed from the records.
 */
export function makeRun(requests: RequestRecord[], meta: Partial<RunMeta> = {}): Run {
  const starts = requests.map((r) => r.start_ms);
  const ends = requests.map((r) => r.start_ms + (r.e2e_ms ?? 0));
  const started = starts.length ? Math.min(...starts) : 0;
  const ended = ends.length ? Math.max(...ends) : 0;
  return {
    meta: {
      schema_version: 1,
      run_id: requests[0]?.run_id ?? "run-1",
      label: "test",
      created_at: "2023-11-14T22:13:20.000Z",
      url: "http://127.0.0.1:8000",
      endpoint: "chat",
      model: "facebook/opt-125m",
      load: { concurrency: 4, burstiness: 1, warmup: 0, seed: 0 },
      started_ms: started,
      ended_ms: ended,
      duration_ms: ended - started,
      interrupted: false,
      client: { tool: "vllm-metrics", version: "0.1.0", runtime: "deno", hostname: "test" },
      trace_source: null,
      prometheus: null,
      extra: {},
      ...meta,
    },
    requests,
  };
}
