/**
 * `enrich`: joins each request record to vLLM's `llm_request` span and fills the `server_*`
 * fields, `span_status`, `span_note` and `trace_url`.
 *
 * Records whose request failed (no span is exported for failed or aborted requests) or was sent
 * unsampled are not looked up. The others are asked of the {@link TraceSource} in one call that
 * waits for late spans until the deadline (vLLM exports after a 5 s batch delay); those the
 * trace-id join leaves without a span get a second chance by `gen_ai.request.id` when the
 * source supports it, joined only when the span fits the request (same endpoint kind, inside
 * the request's client window ± `clockSkewMs`, joined to no other request; see
 * request_id_join.ts) and marked `found_by_request_id`. Back-end failures never throw: they
 * end up in `span_note`.
 *
 * @module
 */
import { finiteRecord, finiteRun } from "../io/finite.ts";
import type { RequestRecord, Run, SpanQuery, TraceSource } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { nonEmptyString, nonNegative } from "../util/options.ts";
import { SPAN_NAME } from "../metrics/server.ts";
import { showRun } from "../display/show_run.ts";
import { ErrorLog } from "./error_log.ts";
import { triage } from "./triage.ts";
import { joinByTrace } from "./join_by_trace.ts";
import { joinByRequestId } from "./join_by_request_id.ts";
import { notFoundNote } from "./not_found_note.ts";
import { withoutSpan } from "./record_outcome.ts";
import { explainNoSpans } from "./zero_spans.ts";

/** Options of {@link enrich}. */
export interface EnrichOptions {
  /** How long to wait for late spans, in ms. Default 15000 (vLLM exports after a 5 s batch delay). */
  timeoutMs?: number;
  /** Stops waiting; records still without a span get `not_found` with a note saying so. */
  signal?: AbortSignal;
  /** Name of vLLM's request span. Default `llm_request`. */
  spanName?: string;
  /**
   * How far the server's clock may be from the client's, in ms. A span found by
   * `gen_ai.request.id` is joined only if it started and ended inside the request's client
   * window widened by this much on both sides. Default 1000.
   */
  clockSkewMs?: number;
}

/** Default clock-skew allowance of the request-id join, ms. */
export const DEFAULT_CLOCK_SKEW_MS = 1000;

/** The span search window is widened by this much on both sides (client/server clock skew). */
const WINDOW_MARGIN_MS = 60_000;

function checkOptions(caller: string, source: TraceSource, options: EnrichOptions) {
  if (!source || typeof source.getSpans !== "function") {
    throw new TypeError(`${caller}: source must be a TraceSource with getSpans(), got ${source}`);
  }
  const timeoutMs = nonNegative(caller, "timeoutMs", options.timeoutMs ?? 15_000);
  const spanName = nonEmptyString(caller, "spanName", options.spanName ?? SPAN_NAME);
  const clockSkewMs = nonNegative(
    caller,
    "clockSkewMs",
    options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
  );
  return { timeoutMs, spanName, clockSkewMs, signal: options.signal };
}

function timeWindow(records: RequestRecord[]): { start_ms: number; end_ms: number } | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    if (!Number.isFinite(r.start_ms)) continue;
    start = Math.min(start, r.start_ms);
    end = Math.max(end, r.start_ms + (Number.isFinite(r.e2e_ms) ? r.e2e_ms as number : 0));
  }
  if (!Number.isFinite(start)) return undefined;
  return { start_ms: start - WINDOW_MARGIN_MS, end_ms: end + WINDOW_MARGIN_MS };
}

/**
 * Enriches a list of records (the core of {@link enrich} and {@link enrichRecord}): triage, the
 * join by trace context, the join by request id, then a note for each record still without a
 * span. Each step writes the records it decides into `out`.
 */
async function enrichRecords(
  records: readonly RequestRecord[],
  source: TraceSource,
  options: { timeoutMs: number; spanName: string; clockSkewMs: number; signal?: AbortSignal },
  caller: string,
): Promise<RequestRecord[]> {
  const { timeoutMs, spanName, clockSkewMs, signal } = options;
  const started = nowMs();
  const out: RequestRecord[] = new Array(records.length);

  const lookups = triage(records, out, caller);
  if (lookups.length === 0) return out;

  const errors = new ErrorLog();
  const query: SpanQuery = {
    deadline_ms: started + timeoutMs,
    signal,
    span_name: spanName,
    time_window: timeWindow(lookups.map((l) => l.record)),
    onError: errors.onError,
  };
  const used = new Set<string>();
  const byTrace = await joinByTrace(source, lookups, query, { spanName, used, out });
  const notJoined = await joinByRequestId(source, records, byTrace, query, {
    spanName,
    clockSkewMs,
    used,
    out,
    errors,
  });

  const noteContext = {
    failure: byTrace.failure,
    spanName,
    aborted: signal?.aborted === true,
    waitedMs: Math.round(nowMs() - started),
    errors,
    sourceName: source.name,
  };
  for (const entry of notJoined) {
    const { record, index, traceId } = entry.lookup;
    const note = notFoundNote(entry, noteContext);
    out[index] = withoutSpan(record, "not_found", note, source.traceUrl?.(traceId) ?? null);
  }
  return out;
}

/**
 * Joins every record of a run to its `llm_request` span and returns a **new** run (the input
 * is not modified) with `meta.trace_source = source.name`. See docs/metrics.md, "Server-side
 * metrics", for the fields and the meaning of `span_status`/`span_note`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enrich, spansSource } from "./mod.ts";
 * import { flattenSpans } from "../otlp/spans.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // a run of one request (trace 0af7…319c, client span b7ad…3331) and vLLM's span for it
 * const run = makeRun([makeRecord()]);
 * const seconds = (key: string, value: number) => ({ key, value: { doubleValue: value } });
 * const { spans } = flattenSpans({
 *   resourceSpans: [{ scopeSpans: [{ spans: [{
 *     traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7",
 *     parentSpanId: "b7ad6b7169203331", name: "llm_request",
 *     startTimeUnixNano: "1700000000002000000", endTimeUnixNano: "1700000000047000000",
 *     attributes: [
 *       seconds("gen_ai.latency.time_in_queue", 0.001),
 *       seconds("gen_ai.latency.time_to_first_token", 0.015),
 *       seconds("gen_ai.latency.e2e", 0.045),
 *     ],
 *   }] }] }],
 * });
 * // or the embedded receiver, jaegerSource(url), jaegerV3Source(url), tempoSource(url)
 * const source = spansSource(spans, { name: "file=spans.json" });
 * const enriched = await enrich(run, source, { timeoutMs: 20_000 });
 * const [record] = enriched.requests;
 * // "found": verified by trace context; "found_by_request_id": by gen_ai.request.id
 * assert.equal(record.span_status, "found");
 * assert.deepEqual([record.server_queue_ms, record.server_ttft_ms, record.server_e2e_ms], [
 *   1, 15, 45,
 * ]);
 * assert.equal(record.client_overhead_ms, 5); // client TTFT 20 ms − server TTFT 15 ms
 * assert.equal(enriched.meta.trace_source, "file=spans.json");
 * assert.equal(run.requests[0].span_status, "not_enriched"); // the input is unchanged
 * ```
 */
export async function enrich(
  run: Run,
  source: TraceSource,
  options: EnrichOptions = {},
): Promise<Run> {
  if (!run || typeof run !== "object" || !Array.isArray(run.requests) || !run.meta) {
    throw new TypeError(`enrich: run must be a Run with meta and requests[], got ${run}`);
  }
  const checked = checkOptions("enrich", source, options);
  const requests = await enrichRecords(run.requests, source, checked, "enrich: run");
  // A hostile span can carry values no file holds (time_in_queue 1e306 gives Infinity ms): they
  // become null with a note here, so that load(save(run)) gives back exactly this run.
  const enriched = explainNoSpans(
    finiteRun({ meta: { ...run.meta, trace_source: source.name }, requests }),
    source.name,
  );
  // Displays as a summary in Jupyter and in console.log (non-enumerable; JSON unaffected).
  return showRun(enriched);
}

/**
 * Enriches one record (same rules as {@link enrich}); returns a new record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enrichRecord } from "./enrich.ts";
 * import { spansSource } from "./spans_source.ts";
 * import { flattenSpans } from "../otlp/spans.ts";
 * import { makeRecord } from "../table/_fixtures.ts";
 * const { spans } = flattenSpans({
 *   resourceSpans: [{ scopeSpans: [{ spans: [{
 *     traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7",
 *     parentSpanId: "b7ad6b7169203331", name: "llm_request",
 *     startTimeUnixNano: "1700000000002000000", endTimeUnixNano: "1700000000047000000",
 *     attributes: [{ key: "gen_ai.latency.time_to_first_token", value: { doubleValue: 0.015 } }],
 *   }] }] }],
 * });
 * const source = spansSource(spans); // or any TraceSource, e.g. the embedded receiver
 * const record = makeRecord(); // trace 0af7…319c, client span b7ad…3331
 * const enriched = await enrichRecord(record, source, { timeoutMs: 5000 });
 * assert.equal(enriched.span_status, "found");
 * assert.equal(enriched.server_ttft_ms, 15);
 * ```
 */
export async function enrichRecord(
  record: RequestRecord,
  source: TraceSource,
  options: EnrichOptions = {},
): Promise<RequestRecord> {
  const checked = checkOptions("enrichRecord", source, options);
  const [enriched] = await enrichRecords([record], source, checked, "enrichRecord: record");
  return finiteRecord(enriched);
}
