/**
 * `enrich`: joins each request record to vLLM's `llm_request` span and fills the `server_*`
 * fields, `span_status`, `span_note` and `trace_url`.
 *
 * Records whose request failed (no span is exported for failed or aborted requests) or was sent
 * unsampled are not looked up. The others are asked of the {@link TraceSource} in one call that
 * waits for late spans until the deadline (vLLM exports after a 5 s batch delay); those the
 * trace-id join leaves without a span get a second chance by `gen_ai.request.id` when the
 * source supports it. Back-end failures never throw: they end up in `span_note`.
 *
 * @module
 */
import type { RequestRecord, Run, ServerSpan, SpanStatus, TraceSource } from "../types.ts";
import { normalizeSpanId, normalizeTraceId } from "../otlp/ids.ts";
import { derivedMetrics, NO_SERVER_METRICS, serverMetrics } from "../metrics/server.ts";
import { nowMs } from "../util/clock.ts";
import { errorMessage } from "./http.ts";
import { joinByTraceId, pickByRequestId, requestIdCandidates, spanKey } from "./join.ts";
import { showRun } from "../display/show_run.ts";

/** Options of {@link enrich}. */
export interface EnrichOptions {
  /** How long to wait for late spans, in ms. Default 15000 (vLLM exports after a 5 s batch delay). */
  timeoutMs?: number;
  /** Stops waiting; records still without a span get `not_found` with a note saying so. */
  signal?: AbortSignal;
  /** Name of vLLM's request span. Default `llm_request`. */
  spanName?: string;
}

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
  return { timeoutMs, spanName, signal: options.signal };
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
    span_status: "found",
    span_note: note,
    trace_url: traceUrl,
    server_spans: spans,
  };
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

/** Enriches a list of records (the core of {@link enrich} and {@link enrichRecord}). */
async function enrichRecords(
  records: readonly RequestRecord[],
  source: TraceSource,
  options: { timeoutMs: number; spanName: string; signal?: AbortSignal },
  caller: string,
): Promise<RequestRecord[]> {
  const { timeoutMs, spanName, signal } = options;
  const started = nowMs();
  const deadline_ms = started + timeoutMs;
  const out: RequestRecord[] = new Array(records.length);
  const lookups: Lookup[] = [];
  const traceUrl = (traceId: string) => source.traceUrl?.(traceId) ?? null;

  records.forEach((record, index) => {
    if (record === null || typeof record !== "object") {
      throw new TypeError(`${caller}: requests[${index}] is not a RequestRecord: ${record}`);
    }
    if (record.success !== true) {
      out[index] = withoutSpan(record, "request_failed", failedNote(record), null);
    } else if (record.sampled === false) {
      const note =
        "sent with an unsampled traceparent (flags 00): vLLM exports no span, so none was looked up";
      out[index] = withoutSpan(record, "unsampled", note, null);
    } else {
      const traceId = typeof record.trace_id === "string"
        ? normalizeTraceId(record.trace_id)
        : null;
      const spanId = typeof record.span_id === "string" ? normalizeSpanId(record.span_id) : null;
      if (traceId === null || spanId === null) {
        const note = `the record has no valid ${traceId === null ? "trace" : "span"} id (${
          JSON.stringify(traceId === null ? record.trace_id : record.span_id)
        }), so it cannot be joined`;
        out[index] = withoutSpan(record, "not_found", note, null);
      } else {
        lookups.push({ index, record, traceId, spanId });
      }
    }
  });
  if (lookups.length === 0) return out;

  const traceErrors = new Map<string, string>();
  let lastError: string | null = null;
  const onError = (message: string, traceId?: string) => {
    const id = traceId === undefined ? null : normalizeTraceId(traceId) ?? traceId;
    if (id === null) lastError = message;
    else traceErrors.set(id, message);
  };
  const time_window = timeWindow(lookups.map((l) => l.record));
  const query = { deadline_ms, signal, span_name: spanName, time_window, onError };

  let byTrace = new Map<string, ServerSpan[]>();
  let sourceFailure: string | null = null;
  try {
    const answer = await source.getSpans([...new Set(lookups.map((l) => l.traceId))], query);
    if (!(answer instanceof Map)) throw new TypeError(`getSpans() returned ${answer}, not a Map`);
    byTrace = answer;
  } catch (error) {
    sourceFailure = `trace source ${source.name} failed: ${errorMessage(error)}`;
  }

  const used = new Set<string>();
  const unjoined: { lookup: Lookup; mismatched: ServerSpan[] }[] = [];
  for (const lookup of lookups) {
    const spans = byTrace.get(lookup.traceId) ?? [];
    const join = joinByTraceId(
      { trace_id: lookup.traceId, span_id: lookup.spanId },
      spans.filter((s) => !used.has(spanKey(s))),
      spanName,
    );
    if (join.joined.length > 0) {
      join.joined.forEach((s) => used.add(spanKey(s)));
      out[lookup.index] = withSpans(lookup.record, join.joined, null, traceUrl(lookup.traceId));
    } else {
      unjoined.push({ lookup, mismatched: join.mismatched });
    }
  }

  let byRequestId = new Map<string, ServerSpan[]>();
  const fallback = unjoined.length > 0 && sourceFailure === null && !signal?.aborted &&
    typeof source.getSpansByRequestId === "function";
  if (fallback) {
    const ids = unjoined.flatMap(({ lookup }) => requestIdCandidates(lookup.record));
    try {
      const answer = await source.getSpansByRequestId!([...new Set(ids)], query);
      if (!(answer instanceof Map)) {
        throw new TypeError(`getSpansByRequestId() returned ${answer}, not a Map`);
      }
      byRequestId = answer;
    } catch (error) {
      lastError = `request-id lookup failed: ${errorMessage(error)}`;
    }
  }

  const waited = () => Math.round(nowMs() - started);
  for (const { lookup, mismatched } of unjoined) {
    const { record, traceId, spanId, index } = lookup;
    const mismatch = mismatched.length > 0
      ? mismatchNote(mismatched, spanName, traceId, spanId)
      : null;
    const candidates = fallback ? requestIdCandidates(record) : [];
    let joinedBy: string | null = null;
    let spans: ServerSpan[] = [];
    for (const candidate of candidates) {
      spans = pickByRequestId(
        { ...record, trace_id: traceId, span_id: spanId },
        byRequestId.get(candidate) ?? [],
        spanName,
        used,
      );
      if (spans.length > 0) {
        joinedBy = candidate;
        break;
      }
    }
    if (joinedBy !== null) {
      spans.forEach((s) => used.add(spanKey(s)));
      const why = mismatch ?? `trace ${traceId} had no ${spanName} span`;
      const note = `joined by gen_ai.request.id ${JSON.stringify(joinedBy)}, because ${why}`;
      out[index] = withSpans(record, spans, note, traceUrl(spans[0].trace_id));
      continue;
    }
    const parts: string[] = [];
    if (sourceFailure !== null) parts.push(sourceFailure);
    else if (mismatch !== null) parts.push(mismatch);
    else if (signal?.aborted) {
      parts.push(`enrich was aborted before a ${spanName} span for trace ${traceId} was found`);
    } else {
      parts.push(
        `no ${spanName} span for trace ${traceId} by the deadline (waited ${waited()} ms)`,
      );
    }
    if (candidates.length > 0) {
      parts.push(
        `none found by gen_ai.request.id ${
          candidates.map((c) => JSON.stringify(c)).join(" / ")
        } either`,
      );
    }
    const error = traceErrors.get(traceId) ?? lastError;
    if (error !== null && sourceFailure === null) {
      parts.push(`last error from ${source.name}: ${error}`);
    }
    out[index] = withoutSpan(record, "not_found", parts.join("; "), traceUrl(traceId));
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
 * import { enrich, jaegerSource } from "./mod.ts";
 * import type { Run } from "../types.ts";
 * async function countJoined(run: Run): Promise<number> {
 *   const source = jaegerSource("http://localhost:16686");
 *   const enriched = await enrich(run, source, { timeoutMs: 20_000 });
 *   return enriched.requests.filter((r) => r.span_status === "found").length;
 * }
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
  // Displays as a summary in Jupyter and in console.log (non-enumerable; JSON unaffected).
  return showRun({ meta: { ...run.meta, trace_source: source.name }, requests });
}

/**
 * Enriches one record (same rules as {@link enrich}); returns a new record.
 *
 * @example
 * ```ts
 * import { enrichRecord } from "./enrich.ts";
 * import type { RequestRecord, TraceSource } from "../types.ts";
 * async function serverTtft(record: RequestRecord, source: TraceSource) {
 *   const enriched = await enrichRecord(record, source, { timeoutMs: 5000 });
 *   return enriched.span_status === "found" ? enriched.server_ttft_ms : null;
 * }
 * ```
 */
export async function enrichRecord(
  record: RequestRecord,
  source: TraceSource,
  options: EnrichOptions = {},
): Promise<RequestRecord> {
  const checked = checkOptions("enrichRecord", source, options);
  const [enriched] = await enrichRecords([record], source, checked, "enrichRecord: record");
  return enriched;
}
