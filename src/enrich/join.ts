/**
 * Matching spans to a request record — pure functions, no I/O.
 *
 * A span belongs to a record when it is named `llm_request`, has the record's trace id, and its
 * parent span id equals the span id the client sent in `traceparent`. A span with the right
 * trace id but another parent is never joined (another client reused the trace id, or a proxy
 * re-parented it); the mismatch is reported. When the trace id finds nothing, vLLM's
 * `gen_ai.request.id` is the fallback (see {@link requestIdCandidates}).
 *
 * @module
 */
import type { RequestRecord, ServerSpan } from "../types.ts";

/** Result of {@link joinByTraceId}. */
export interface TraceJoin {
  /** Spans joined to the record, sorted by start. */
  joined: ServerSpan[];
  /** Named spans of the trace whose parent is not the client's span. */
  mismatched: ServerSpan[];
}

/** Sorts spans by start time, then span id (stable, for n>1). Returns a new array. */
export function sortSpans(spans: readonly ServerSpan[]): ServerSpan[] {
  return [...spans].sort((a, b) => a.start_ms - b.start_ms || a.span_id.localeCompare(b.span_id));
}

/**
 * Joins the spans of the record's trace: named `spanName`, same trace id, parent = the client's
 * span id.
 *
 * @example
 * ```ts
 * import { joinByTraceId } from "./join.ts";
 * const { joined, mismatched } = joinByTraceId(
 *   { trace_id: "ab".repeat(16), span_id: "cd".repeat(8) },
 *   [],
 *   "llm_request",
 * );
 * console.log(joined.length, mismatched.length); // 0 0
 * ```
 */
export function joinByTraceId(
  record: Pick<RequestRecord, "trace_id" | "span_id">,
  spans: readonly ServerSpan[],
  spanName: string,
): TraceJoin {
  const named = spans.filter((s) => s.name === spanName && s.trace_id === record.trace_id);
  const clientSpan = record.span_id.toLowerCase();
  return {
    joined: sortSpans(named.filter((s) => s.parent_span_id === clientSpan)),
    mismatched: sortSpans(named.filter((s) => s.parent_span_id !== clientSpan)),
  };
}

/**
 * The `gen_ai.request.id` values vLLM may have given this request, most likely first: chat
 * `chatcmpl-<X-Request-Id>`, completions `cmpl-<X-Request-Id>-0` (one engine request per
 * prompt, suffixed with the prompt index), then the bare id, then the same forms built from the
 * response's `id` (servers that ignore `X-Request-Id` generate their own).
 *
 * @example
 * ```ts
 * import { requestIdCandidates } from "./join.ts";
 * requestIdCandidates({ request_id: "r1", endpoint: "completions", response_id: "cmpl-r1" });
 * // ["cmpl-r1-0", "r1"]
 * ```
 */
export function requestIdCandidates(
  record: Pick<RequestRecord, "request_id" | "endpoint"> & { response_id?: string | null },
): string[] {
  const forms: string[] = [];
  const id = record.request_id;
  const response = record.response_id;
  const completions = record.endpoint === "completions";
  if (typeof id === "string" && id !== "") {
    forms.push(completions ? `cmpl-${id}-0` : `chatcmpl-${id}`, id);
  }
  if (typeof response === "string" && response !== "") {
    forms.push(completions ? `${response}-0` : response);
  }
  return [...new Set(forms)];
}

/**
 * Picks, among spans found by request id, those that may be joined to the record: named
 * `spanName`, not already used by another record, and not in the record's own trace with a
 * foreign parent. When several traces match (request ids reused across runs), the trace whose
 * first span starts closest to the record's start wins.
 */
export function pickByRequestId(
  record: Pick<RequestRecord, "trace_id" | "span_id" | "start_ms">,
  spans: readonly ServerSpan[],
  spanName: string,
  used: ReadonlySet<string>,
): ServerSpan[] {
  const clientSpan = record.span_id.toLowerCase();
  const eligible = spans.filter((s) =>
    s.name === spanName &&
    !used.has(spanKey(s)) &&
    !(s.trace_id === record.trace_id && s.parent_span_id !== clientSpan)
  );
  const byTrace = new Map<string, ServerSpan[]>();
  for (const span of eligible) {
    const list = byTrace.get(span.trace_id);
    if (list) list.push(span);
    else byTrace.set(span.trace_id, [span]);
  }
  let best: ServerSpan[] = [];
  let bestDistance = Infinity;
  for (const group of byTrace.values()) {
    const sorted = sortSpans(group);
    const distance = Math.abs(sorted[0].start_ms - record.start_ms);
    if (distance < bestDistance) [best, bestDistance] = [sorted, distance];
  }
  return best;
}

/** Identity of a span across back ends: trace id + span id. */
export function spanKey(span: Pick<ServerSpan, "trace_id" | "span_id">): string {
  return `${span.trace_id}/${span.span_id}`;
}
