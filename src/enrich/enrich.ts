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
import type {
  RequestRecord,
  Run,
  ServerSpan,
  SpanQuery,
  SpanStatus,
  TraceSource,
} from "../types.ts";
import { normalizeSpanId, normalizeTraceId } from "../otlp/ids.ts";
import { derivedMetrics, NO_SERVER_METRICS, serverMetrics } from "../metrics/server.ts";
import { nowMs } from "../util/clock.ts";
import { errorMessage } from "./http.ts";
import { joinByTraceId, requestIdCandidates, spanKey } from "./join.ts";
import { joinByRequestId, type RequestIdClaim } from "./request_id_join.ts";
import { showRun } from "../display/show_run.ts";
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

interface Lookup {
  index: number;
  record: RequestRecord;
  traceId: string;
  spanId: string;
}

function checkOptions(caller: string, source: TraceSource, options: EnrichOptions) {
  if (!source || typeof source.getSpans !== "function") {
    throw new TypeError(`${caller}: source must be a TraceSource with getSpans(), got ${source}`);
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`${caller}: options.timeoutMs must be a number ≥ 0, got ${timeoutMs}`);
  }
  const spanName = options.spanName ?? "llm_request";
  if (typeof spanName !== "string" || spanName === "") {
    throw new TypeError(`${caller}: options.spanName must be a non-empty string, got ${spanName}`);
  }
  const clockSkewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (typeof clockSkewMs !== "number" || !Number.isFinite(clockSkewMs) || clockSkewMs < 0) {
    throw new RangeError(`${caller}: options.clockSkewMs must be a number ≥ 0, got ${clockSkewMs}`);
  }
  return { timeoutMs, spanName, clockSkewMs, signal: options.signal };
}

function withoutSpan(
  record: RequestRecord,
  status: SpanStatus,
  note: string,
  traceUrl: string | null,
): RequestRecord {
  return {
    ...record,
    ...NO_SERVER_METRICS,
    span_status: status,
    span_note: note,
    trace_url: traceUrl,
    server_spans: [],
  };
}

function withSpans(
  record: RequestRecord,
  spans: ServerSpan[],
  status: "found" | "found_by_request_id",
  note: string | null,
  traceUrl: string | null,
): RequestRecord {
  let metrics;
  try {
    metrics = serverMetrics(spans[0]);
  } catch (error) {
    const why = `the ${spans[0]?.name} span could not be read: ${errorMessage(error)}`;
    return withoutSpan(record, "not_found", why, traceUrl);
  }
  const merged = { ...record, ...NO_SERVER_METRICS, ...metrics };
  return {
    ...merged,
    ...derivedMetrics(merged),
    span_status: status,
    span_note: note,
    trace_url: traceUrl,
    server_spans: spans,
  };
}

/** The first few reasons a request-id join was turned down, and how many more there were. */
function summarizeReasons(reasons: string[]): string {
  const shown = reasons.slice(0, 3).join("; ");
  return reasons.length > 3 ? `${shown}; and ${reasons.length - 3} more` : shown;
}

function failedNote(record: RequestRecord): string {
  const error = record.error;
  const what = error
    ? `${error.kind}${error.status !== undefined ? ` HTTP ${error.status}` : ""}`
    : "no error details";
  return `request failed (${what}): vLLM exports no span for failed or aborted requests, so none was looked up`;
}

function mismatchNote(spans: ServerSpan[], spanName: string, traceId: string, clientSpan: string) {
  const parents = [...new Set(spans.map((s) => s.parent_span_id ?? "none"))].join(", ");
  const which = spans.length === 1
    ? `${spanName} span ${spans[0].span_id} of trace ${traceId} has parent ${parents}`
    : `${spans.length} ${spanName} spans of trace ${traceId} have parents ${parents}`;
  return `${which}, but the client sent span id ${clientSpan}: not joined`;
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

/** A record the trace-id join left without a span, and the spans of its trace it turned down. */
interface Unjoined {
  lookup: Lookup;
  mismatched: ServerSpan[];
}

/** Back-end errors as reported through `onError`: per trace, and the last one overall. */
class ErrorLog {
  readonly byTrace = new Map<string, string>();
  last: string | null = null;
  readonly onError = (message: string, traceId?: string) => {
    const id = traceId === undefined ? null : normalizeTraceId(traceId) ?? traceId;
    if (id === null) this.last = message;
    else this.byTrace.set(id, message);
  };
}

/**
 * Step 1: records that are not looked up (failed, unsampled, unusable ids) get their status in
 * `out` at once; the others are returned as lookups.
 */
function planLookups(
  records: readonly RequestRecord[],
  out: RequestRecord[],
  caller: string,
): Lookup[] {
  const lookups: Lookup[] = [];
  records.forEach((record, index) => {
    if (record === null || typeof record !== "object") {
      throw new TypeError(`${caller}: requests[${index}] is not a RequestRecord: ${record}`);
    }
    if (record.success !== true) {
      out[index] = withoutSpan(record, "request_failed", failedNote(record), null);
      return;
    }
    if (record.sampled === false) {
      const note =
        "sent with an unsampled traceparent (flags 00): vLLM exports no span, so none was looked up";
      out[index] = withoutSpan(record, "unsampled", note, null);
      return;
    }
    const traceId = typeof record.trace_id === "string" ? normalizeTraceId(record.trace_id) : null;
    const spanId = typeof record.span_id === "string" ? normalizeSpanId(record.span_id) : null;
    if (traceId === null || spanId === null) {
      const note = `the record has no valid ${traceId === null ? "trace" : "span"} id (${
        JSON.stringify(traceId === null ? record.trace_id : record.span_id)
      }), so it cannot be joined`;
      out[index] = withoutSpan(record, "not_found", note, null);
      return;
    }
    lookups.push({ index, record, traceId, spanId });
  });
  return lookups;
}

/** Step 2: the spans of the records' traces, or why the source failed. */
async function spansByTrace(
  source: TraceSource,
  lookups: Lookup[],
  query: SpanQuery,
): Promise<{ byTrace: Map<string, ServerSpan[]>; failure: string | null }> {
  try {
    const answer = await source.getSpans([...new Set(lookups.map((l) => l.traceId))], query);
    if (!(answer instanceof Map)) throw new TypeError(`getSpans() returned ${answer}, not a Map`);
    return { byTrace: answer, failure: null };
  } catch (error) {
    const failure = `trace source ${source.name} failed: ${errorMessage(error)}`;
    return { byTrace: new Map(), failure };
  }
}

/**
 * Step 3: the join by trace context (trace id + the client's span id as parent), `found`;
 * returns the records it left without a span. Joined spans are added to `used`.
 */
function joinByTraceContext(
  lookups: Lookup[],
  byTrace: Map<string, ServerSpan[]>,
  context: { spanName: string; used: Set<string>; out: RequestRecord[]; source: TraceSource },
): Unjoined[] {
  const { spanName, used, out, source } = context;
  const unjoined: Unjoined[] = [];
  for (const lookup of lookups) {
    const spans = byTrace.get(lookup.traceId) ?? [];
    const join = joinByTraceId(
      { trace_id: lookup.traceId, span_id: lookup.spanId },
      spans.filter((s) => !used.has(spanKey(s))),
      spanName,
    );
    if (join.joined.length === 0) {
      unjoined.push({ lookup, mismatched: join.mismatched });
      continue;
    }
    join.joined.forEach((s) => used.add(spanKey(s)));
    const url = source.traceUrl?.(lookup.traceId) ?? null;
    out[lookup.index] = withSpans(lookup.record, join.joined, "found", null, url);
  }
  return unjoined;
}

/** Step 4: spans carrying the unjoined records' request ids, when the source can find them. */
async function spansByRequestId(
  source: TraceSource,
  unjoined: Unjoined[],
  query: SpanQuery,
  errors: ErrorLog,
): Promise<Map<string, ServerSpan[]>> {
  const ids = unjoined.flatMap(({ lookup }) => requestIdCandidates(lookup.record));
  try {
    const answer = await source.getSpansByRequestId!([...new Set(ids)], query);
    if (!(answer instanceof Map)) {
      throw new TypeError(`getSpansByRequestId() returned ${answer}, not a Map`);
    }
    return answer;
  } catch (error) {
    errors.last = `request-id lookup failed: ${errorMessage(error)}`;
    return new Map();
  }
}

/** Trace id → index of the record that sent it, for every record (looked up or not). */
function traceOwnersOf(records: readonly RequestRecord[]): Map<string, number> {
  const owners = new Map<string, number>();
  records.forEach((r, index) => {
    const id = typeof r?.trace_id === "string" ? normalizeTraceId(r.trace_id) : null;
    if (id !== null && !owners.has(id)) owners.set(id, index);
  });
  return owners;
}

/** The note of a record joined by request id: which span, what was checked, and why. */
function requestIdJoinNote(
  outcome: { joined: ServerSpan[]; requestId: string },
  why: string,
  clockSkewMs: number,
): string {
  const span = outcome.joined[0];
  return `joined by gen_ai.request.id ${
    JSON.stringify(outcome.requestId)
  } (span ${span.span_id} of trace ${span.trace_id}: same endpoint, inside the request's window ±${clockSkewMs} ms, joined to no other request), because ${why}`;
}

/** Enriches a list of records (the core of {@link enrich} and {@link enrichRecord}). */
async function enrichRecords(
  records: readonly RequestRecord[],
  source: TraceSource,
  options: { timeoutMs: number; spanName: string; clockSkewMs: number; signal?: AbortSignal },
  caller: string,
): Promise<RequestRecord[]> {
  const { timeoutMs, spanName, clockSkewMs, signal } = options;
  const started = nowMs();
  const out: RequestRecord[] = new Array(records.length);
  const traceUrl = (traceId: string) => source.traceUrl?.(traceId) ?? null;

  const lookups = planLookups(records, out, caller);
  if (lookups.length === 0) return out;

  const errors = new ErrorLog();
  const query: SpanQuery = {
    deadline_ms: started + timeoutMs,
    signal,
    span_name: spanName,
    time_window: timeWindow(lookups.map((l) => l.record)),
    onError: errors.onError,
  };
  const { byTrace, failure } = await spansByTrace(source, lookups, query);
  const used = new Set<string>();
  const unjoined = joinByTraceContext(lookups, byTrace, { spanName, used, out, source });

  const fallback = unjoined.length > 0 && failure === null && !signal?.aborted &&
    typeof source.getSpansByRequestId === "function";
  const byRequestId = fallback
    ? await spansByRequestId(source, unjoined, query, errors)
    : new Map<string, ServerSpan[]>();
  const claims: RequestIdClaim[] = unjoined.map(({ lookup }) => ({
    record: {
      ...lookup.record,
      index: lookup.index,
      trace_id: lookup.traceId,
      span_id: lookup.spanId,
    },
    candidates: fallback ? requestIdCandidates(lookup.record) : [],
  }));
  const outcomes = joinByRequestId(claims, byRequestId, {
    spanName,
    clockSkewMs,
    used,
    traceOwners: unjoined.length > 0 ? traceOwnersOf(records) : new Map(),
  });

  const waited = Math.round(nowMs() - started);
  unjoined.forEach(({ lookup, mismatched }, i) => {
    const { record, traceId, spanId, index } = lookup;
    const mismatch = mismatched.length > 0
      ? mismatchNote(mismatched, spanName, traceId, spanId)
      : null;
    const outcome = outcomes[i];
    if (outcome.joined !== null) {
      const why = mismatch ?? `trace ${traceId} had no ${spanName} span`;
      const note = requestIdJoinNote(outcome, why, clockSkewMs);
      const url = traceUrl(outcome.joined[0].trace_id);
      out[index] = withSpans(record, outcome.joined, "found_by_request_id", note, url);
      return;
    }
    const parts: string[] = [];
    if (failure !== null) parts.push(failure);
    else if (mismatch !== null) parts.push(mismatch);
    else if (signal?.aborted) {
      parts.push(`enrich was aborted before a ${spanName} span for trace ${traceId} was found`);
    } else {
      parts.push(`no ${spanName} span for trace ${traceId} by the deadline (waited ${waited} ms)`);
    }
    const candidates = claims[i].candidates;
    if (outcome.reasons.length > 0) {
      parts.push(`by gen_ai.request.id: ${summarizeReasons(outcome.reasons)}`);
    } else if (candidates.length > 0) {
      const forms = candidates.map((c) => JSON.stringify(c)).join(" / ");
      parts.push(`none found by gen_ai.request.id ${forms} either`);
    }
    const error = errors.byTrace.get(traceId) ?? errors.last;
    if (error !== null && failure === null) parts.push(`last error from ${source.name}: ${error}`);
    out[index] = withoutSpan(record, "not_found", parts.join("; "), traceUrl(traceId));
  });
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
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
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
 * import { makeRecord } from "../table/fixtures.ts";
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
