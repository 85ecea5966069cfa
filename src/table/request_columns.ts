/**
 * The request table's columns filled in one pass over the records (row by row: a record's fields
 * sit together in memory, so one pass is far faster than one pass per column). Numeric columns
 * are Float64Array with NaN for null; the others arrays with null for missing; `itl_ms` holds
 * each record's own `itl_ms` array (not copied).
 *
 * @module
 */

import type { Run } from "../types.ts";
import { outputTokensPerSecondPerUser, timeToSecondTokenMs } from "../metrics/interactivity.ts";
import { steadyStateMarks } from "../metrics/steady_state.ts";

/** The cell for a record without ITL gaps (shared, frozen). */
const NO_GAPS: readonly number[] = Object.freeze([]);

/**
 * Every column of `toTable`, in order, for the records of `runs` (n records in all). The order is
 * for reading a table left to right: the metrics first, the ids and hex columns last.
 */
export function requestColumns(
  runs: readonly Run[],
  n: number,
): Record<string, ArrayLike<unknown>> {
  const text = () => new Array<unknown>(n);
  const numbers = () => new Float64Array(n);
  const c = {
    // Read first: which request, and its client-side metrics.
    label: text(),
    index: numbers(),
    success: text(),
    ttft_ms: numbers(),
    // Reasoning models: time to the first output that is not reasoning (= ttft_ms without any).
    ttfot_ms: numbers(),
    tpot_ms: numbers(),
    e2e_ms: numbers(),
    ttst_ms: numbers(),
    output_tokens_per_s_per_user: numbers(),
    prompt_tokens: numbers(),
    completion_tokens: numbers(),
    reasoning_tokens: numbers(),
    reasoning_chunks: numbers(),
    // The server's view (vLLM's llm_request span) and the client/server split.
    server_queue_ms: numbers(),
    server_prefill_ms: numbers(),
    server_decode_ms: numbers(),
    server_inference_ms: numbers(),
    server_ttft_ms: numbers(),
    server_e2e_ms: numbers(),
    client_overhead_ms: numbers(),
    server_frontend_ms: numbers(),
    server_scheduler_ms: numbers(),
    server_model_forward_ms: numbers(),
    server_model_execute_ms: numbers(),
    server_prompt_tokens: numbers(),
    server_completion_tokens: numbers(),
    // Client details.
    headers_ms: numbers(),
    first_chunk_ms: numbers(),
    last_chunk_ms: numbers(),
    chunks: numbers(),
    itl_ms: text(),
    chunk_tokens: text(),
    output_chars: numbers(),
    prompt_tokens_requested: numbers(),
    // Multi-turn conversations: which one and which turn (null/NaN outside conversations).
    conversation_id: text(),
    turn: numbers(),
    token_source: text(),
    finish_reason: text(),
    // What went wrong, if anything.
    span_status: text(),
    span_note: text(),
    error_kind: text(),
    error_status: numbers(),
    error_message: text(),
    // When (ms since the run's start).
    scheduled_ms: numbers(),
    start_ms: numbers(),
    lateness_ms: numbers(),
    end_ms: numbers(),
    server_start_ms: numbers(),
    // The run's settings, then the ids and hex (last: wide and rarely read).
    concurrency: numbers(),
    rate: numbers(),
    // The load in force when each request was sent, and whether it was in the steady state.
    load_rate_rps: numbers(),
    load_concurrency: numbers(),
    steady_state: text(),
    // Which tool measured (another tool's file keeps that tool's metric definitions).
    tool: text(),
    endpoint: text(),
    model: text(),
    stream: text(),
    tag: text(),
    run_id: text(),
    request_id: text(),
    trace_id: text(),
    span_id: text(),
    sampled: text(),
    response_id: text(),
    trace_url: text(),
  };
  let i = 0;
  for (const run of runs) {
    const label = run.meta.label;
    const concurrency = run.meta.load?.concurrency ?? NaN;
    const rate = run.meta.load?.rate ?? NaN;
    const steady = steadyStateOf(run);
    let inRun = 0; // the record's position in its run
    const tool = run.meta.source?.tool ?? run.meta.client?.tool ?? null;
    for (const r of run.requests) {
      c.run_id[i] = r.run_id;
      c.label[i] = label;
      c.concurrency[i] = concurrency;
      c.rate[i] = rate;
      c.load_rate_rps[i] = r.load_rate_rps ?? NaN;
      c.load_concurrency[i] = r.load_concurrency ?? NaN;
      c.steady_state[i] = steady?.[inRun++] ?? null;
      c.tool[i] = tool;
      c.index[i] = r.index;
      c.request_id[i] = r.request_id ?? null;
      c.trace_id[i] = r.trace_id ?? null;
      c.span_id[i] = r.span_id ?? null;
      c.sampled[i] = r.sampled ?? null;
      c.response_id[i] = r.response_id ?? null;
      c.endpoint[i] = r.endpoint ?? null;
      c.model[i] = r.model ?? null;
      c.stream[i] = r.stream ?? null;
      c.tag[i] = r.tag ?? null;
      c.scheduled_ms[i] = r.scheduled_ms;
      c.start_ms[i] = r.start_ms;
      c.lateness_ms[i] = r.lateness_ms;
      c.headers_ms[i] = r.headers_ms ?? NaN;
      c.ttft_ms[i] = r.ttft_ms ?? NaN;
      c.ttfot_ms[i] = r.ttfot_ms ?? NaN;
      c.reasoning_tokens[i] = r.reasoning_tokens ?? NaN;
      c.reasoning_chunks[i] = r.reasoning_chunks ?? NaN;
      c.e2e_ms[i] = r.e2e_ms ?? NaN;
      c.tpot_ms[i] = r.tpot_ms ?? NaN;
      c.ttst_ms[i] = timeToSecondTokenMs(r) ?? NaN;
      c.output_tokens_per_s_per_user[i] = outputTokensPerSecondPerUser(r) ?? NaN;
      c.first_chunk_ms[i] = r.first_chunk_ms ?? NaN;
      c.last_chunk_ms[i] = r.last_chunk_ms ?? NaN;
      c.prompt_tokens[i] = r.prompt_tokens ?? NaN;
      c.prompt_tokens_requested[i] = r.prompt_tokens_requested ?? NaN;
      c.conversation_id[i] = r.conversation_id ?? null;
      c.turn[i] = r.turn ?? NaN;
      c.completion_tokens[i] = r.completion_tokens ?? NaN;
      c.token_source[i] = r.token_source ?? null;
      c.finish_reason[i] = r.finish_reason ?? null;
      c.output_chars[i] = r.output_chars;
      c.success[i] = r.success ?? null;
      c.span_status[i] = r.span_status ?? null;
      c.span_note[i] = r.span_note ?? null;
      c.trace_url[i] = r.trace_url ?? null;
      c.server_queue_ms[i] = r.server_queue_ms ?? NaN;
      c.server_prefill_ms[i] = r.server_prefill_ms ?? NaN;
      c.server_decode_ms[i] = r.server_decode_ms ?? NaN;
      c.server_inference_ms[i] = r.server_inference_ms ?? NaN;
      c.server_ttft_ms[i] = r.server_ttft_ms ?? NaN;
      c.server_e2e_ms[i] = r.server_e2e_ms ?? NaN;
      c.server_scheduler_ms[i] = r.server_scheduler_ms ?? NaN;
      c.server_model_forward_ms[i] = r.server_model_forward_ms ?? NaN;
      c.server_model_execute_ms[i] = r.server_model_execute_ms ?? NaN;
      c.server_prompt_tokens[i] = r.server_prompt_tokens ?? NaN;
      c.server_completion_tokens[i] = r.server_completion_tokens ?? NaN;
      c.server_start_ms[i] = r.server_start_ms ?? NaN;
      c.client_overhead_ms[i] = r.client_overhead_ms ?? NaN;
      c.server_frontend_ms[i] = r.server_frontend_ms ?? NaN;
      const error = r.error;
      c.error_kind[i] = error?.kind ?? null;
      c.error_message[i] = error?.message ?? null;
      c.error_status[i] = error?.status ?? NaN;
      c.end_ms[i] = r.e2e_ms == null ? NaN : r.start_ms + r.e2e_ms;
      c.chunks[i] = r.chunk_times_ms?.length ?? 0;
      // The record's own array, not a copy: no time or memory per gap (10^8 gaps are 800 MB).
      c.itl_ms[i] = r.itl_ms ?? NO_GAPS;
      c.chunk_tokens[i] = r.chunk_tokens ?? null;
      i++;
    }
  }
  return c;
}

/**
 * Whether each request of the run was sent in its steady state (src/metrics/steady_state.ts),
 * or null when the run had no concurrency limit to reach.
 */
function steadyStateOf(run: Run): boolean[] | null {
  const concurrency = run.meta.load?.concurrency;
  if (concurrency === undefined || !Number.isInteger(concurrency) || concurrency < 1) return null;
  return steadyStateMarks(run.requests, concurrency);
}
