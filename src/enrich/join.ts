/**
 * Matching spans to a request record — pure functions, no I/O.
 *
 * A span belongs to a record when it is named `llm_request`, has the record's trace id, and its
 * parent span id equals the span id the client sent in `traceparent`. A span with the right
 * trace id but another parent is never joined (another client reused the trace id, or a proxy
 * re-parented it); the mismatch is reported. When the trace id finds nothing, vLLM's
 * `gen_ai.request.id` is the fallback (see {@link requestIdCandidates}), for spans that fit the
 * request ({@link requestIdMisfit}).
 *
 * @module
 */
import type { Endpoint, RequestRecord, ServerSpan } from "../types.ts";

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
 * import assert from "node:assert/strict";
 * import { joinByTraceId } from "./join.ts";
 * import { flattenSpans } from "../otlp/spans.ts";
 * const traceId = "ab".repeat(16);
 * const span = (spanId: string, parentSpanId: string) => ({
 *   traceId, spanId, parentSpanId, name: "llm_request",
 *   startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000050000000",
 * });
 * const { spans } = flattenSpans({
 *   resourceSpans: [{ scopeSpans: [{ spans: [
 *     span("1".repeat(16), "cd".repeat(8)), // child of the request's client span
 *     span("2".repeat(16), "ef".repeat(8)), // same trace, another parent
 *   ] }] }],
 * });
 * const { joined, mismatched } = joinByTraceId(
 *   { trace_id: traceId, span_id: "cd".repeat(8) },
 *   spans,
 *   "llm_request",
 * );
 * assert.deepEqual(joined.map((s) => s.span_id), ["1".repeat(16)]);
 * assert.deepEqual(mismatched.map((s) => s.span_id), ["2".repeat(16)]);
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
 * prompt, suffixed with the prompt index), then the same form built from the response's `id`
 * (servers that ignore `X-Request-Id` generate their own). The bare id is not a candidate: a
 * span carrying it would not tell which endpoint it served ({@link spanEndpoint}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestIdCandidates } from "./join.ts";
 * assert.deepEqual(
 *   requestIdCandidates({ request_id: "r1", endpoint: "completions", response_id: "cmpl-r1" }),
 *   ["cmpl-r1-0"],
 * );
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
    forms.push(completions ? `cmpl-${id}-0` : `chatcmpl-${id}`);
  }
  if (typeof response === "string" && response !== "") {
    forms.push(completions ? `${response}-0` : response);
  }
  return [...new Set(forms)];
}

/**
 * The endpoint a vLLM span served, read from the form of its `gen_ai.request.id`:
 * `chatcmpl-…` is chat, `cmpl-…-<n>` is completions; anything else cannot be told (null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spanEndpoint } from "./join.ts";
 * assert.equal(spanEndpoint({ attributes: { "gen_ai.request.id": "cmpl-x-0" } }), "completions");
 * assert.equal(spanEndpoint({ attributes: { "gen_ai.request.id": "x" } }), null);
 * ```
 */
export function spanEndpoint(span: Pick<ServerSpan, "attributes">): Endpoint | null {
  const id = span.attributes?.["gen_ai.request.id"];
  if (typeof id !== "string") return null;
  if (id.startsWith("chatcmpl-")) return "chat";
  if (/^cmpl-.+-\d+$/.test(id)) return "completions";
  return null;
}

/** What {@link requestIdMisfit} checks a span against, besides the record. */
export interface FitContext {
  /** Name of vLLM's request span. */
  spanName: string;
  /** How far the server's clock may be from the client's, in ms. */
  clockSkewMs: number;
  /** Spans already joined to a record ({@link spanKey}). */
  used: ReadonlySet<string>;
  /** Trace id → index of the record that sent it, for every record of the run. */
  traceOwners: ReadonlyMap<string, number>;
}

/** The record fields a request-id join is checked against. */
export type FitRecord = Pick<
  RequestRecord,
  | "index"
  | "trace_id"
  | "span_id"
  | "endpoint"
  | "start_ms"
  | "e2e_ms"
  | "prompt_tokens"
  | "token_source"
>;

/**
 * Why a span found by `gen_ai.request.id` may not be joined to `record`, or null when it fits:
 * named `spanName`; not already joined; not in the trace of another request of the run (nor in
 * the record's own trace under a parent other than the client's span); the same endpoint kind
 * ({@link spanEndpoint}); started and ended inside the request's client window
 * `[start_ms, start_ms + e2e_ms]` widened by `clockSkewMs` on both sides; and, when the server
 * reported the record's prompt tokens, the same prompt tokens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestIdMisfit } from "./join.ts";
 * import type { ServerSpan } from "../types.ts";
 * const record = {
 *   index: 0, trace_id: "a".repeat(32), span_id: "b".repeat(16), endpoint: "chat" as const,
 *   start_ms: 1_000_000, e2e_ms: 500, prompt_tokens: null, token_source: "none" as const,
 * };
 * const span = {
 *   trace_id: "c".repeat(32), span_id: "d".repeat(16), parent_span_id: null, name: "llm_request",
 *   start_ms: 400_000, end_ms: 400_400, attributes: { "gen_ai.request.id": "chatcmpl-r" },
 * } as unknown as ServerSpan;
 * const context = { spanName: "llm_request", clockSkewMs: 1000, used: new Set<string>(), traceOwners: new Map() };
 * assert.equal(
 *   requestIdMisfit(record, span, context),
 *   "it started 600000 ms before the request was sent (clock-skew allowance 1000 ms)",
 * );
 * ```
 */
export function requestIdMisfit(
  record: FitRecord,
  span: ServerSpan,
  context: FitContext,
): string | null {
  if (span.name !== context.spanName) return `it is named ${JSON.stringify(span.name)}`;
  if (context.used.has(spanKey(span))) return "it is already joined to another request";
  const owner = context.traceOwners.get(span.trace_id);
  if (owner !== undefined && owner !== record.index) {
    return `it is in trace ${span.trace_id}, which request #${owner} sent`;
  }
  if (span.trace_id === record.trace_id && span.parent_span_id !== record.span_id) {
    return `it is in this request's trace under parent ${
      span.parent_span_id ?? "none"
    }, not the client's span`;
  }
  const endpoint = spanEndpoint(span);
  if (endpoint === null) {
    return `its gen_ai.request.id ${
      JSON.stringify(span.attributes["gen_ai.request.id"])
    } does not tell its endpoint`;
  }
  if (endpoint !== record.endpoint) {
    return `it served the ${endpoint} endpoint, the request went to ${record.endpoint}`;
  }
  const timing = windowMisfit(record, span, context.clockSkewMs);
  if (timing !== null) return timing;
  const spanPrompt = span.attributes["gen_ai.usage.prompt_tokens"];
  const serverCounted = record.token_source === "usage" ||
    record.token_source === "continuous_usage";
  if (
    serverCounted && typeof record.prompt_tokens === "number" && typeof spanPrompt === "number" &&
    spanPrompt !== record.prompt_tokens
  ) {
    return `it has ${spanPrompt} prompt tokens, the server told the client ${record.prompt_tokens}`;
  }
  return null;
}

/** Whether the span lies inside the record's client window, ± the clock-skew allowance. */
function windowMisfit(record: FitRecord, span: ServerSpan, skewMs: number): string | null {
  const start = record.start_ms;
  const e2e = record.e2e_ms;
  if (!Number.isFinite(start) || typeof e2e !== "number" || !Number.isFinite(e2e)) {
    return "the request has no client window (start_ms and e2e_ms) to check it against";
  }
  const allowance = `(clock-skew allowance ${skewMs} ms)`;
  const early = start - span.start_ms;
  if (!(early <= skewMs)) {
    return `it started ${Math.round(early)} ms before the request was sent ${allowance}`;
  }
  const late = span.end_ms - (start + e2e);
  if (!(late <= skewMs)) {
    return `it ended ${Math.round(late)} ms after the response ended ${allowance}`;
  }
  return null;
}

/** Identity of a span across back ends: trace id + span id. */
export function spanKey(span: Pick<ServerSpan, "trace_id" | "span_id">): string {
  return `${span.trace_id}/${span.span_id}`;
}
