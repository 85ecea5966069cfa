/**
 * Step 2 of `enrich`: the join by trace context. The source is asked once for the spans of all
 * the lookups' traces (it waits for late spans until the query's deadline); a record is joined
 * (`found`) to the spans of its trace whose parent is the span id the client sent.
 *
 * @module
 */
import type { RequestRecord, ServerSpan, SpanQuery, TraceSource } from "../types.ts";
import { errorMessage } from "./http.ts";
import { joinByTraceId, spanKey } from "./join.ts";
import { withSpans } from "./record_outcome.ts";
import type { Lookup } from "./triage.ts";

/** A record the trace-context join left without a span. */
export interface Unjoined {
  lookup: Lookup;
  /** Why the spans of its trace were turned down (another parent), or null if there were none. */
  mismatch: string | null;
}

/** What {@link joinByTrace} leaves for the next steps. */
export interface TraceJoinResult {
  /** The records still without a span, in lookup order. */
  unjoined: Unjoined[];
  /** Why the source failed (then no span was found for any record), or null. */
  failure: string | null;
}

/**
 * Asks `source` for the lookups' traces and writes each record joined by trace context into
 * `out` (`found`); the joined spans are added to `used`. Returns the records left without a
 * span. A failing source never throws: its message is returned as `failure`.
 */
export async function joinByTrace(
  source: TraceSource,
  lookups: readonly Lookup[],
  query: SpanQuery,
  context: { spanName: string; used: Set<string>; out: RequestRecord[] },
): Promise<TraceJoinResult> {
  const { spanName, used, out } = context;
  const { byTrace, failure } = await spansByTrace(source, lookups, query);
  const unjoined: Unjoined[] = [];
  for (const lookup of lookups) {
    const spans = byTrace.get(lookup.traceId) ?? [];
    const join = joinByTraceId(
      { trace_id: lookup.traceId, span_id: lookup.spanId },
      spans.filter((s) => !used.has(spanKey(s))),
      spanName,
    );
    if (join.joined.length === 0) {
      const mismatch = join.mismatched.length > 0
        ? mismatchNote(join.mismatched, spanName, lookup.traceId, lookup.spanId)
        : null;
      unjoined.push({ lookup, mismatch });
      continue;
    }
    join.joined.forEach((s) => used.add(spanKey(s)));
    const url = source.traceUrl?.(lookup.traceId) ?? null;
    out[lookup.index] = withSpans(lookup.record, join.joined, "found", null, url);
  }
  return { unjoined, failure };
}

/** The spans of the lookups' traces, or why the source failed. */
async function spansByTrace(
  source: TraceSource,
  lookups: readonly Lookup[],
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

function mismatchNote(spans: ServerSpan[], spanName: string, traceId: string, clientSpan: string) {
  const parents = [...new Set(spans.map((s) => s.parent_span_id ?? "none"))].join(", ");
  const which = spans.length === 1
    ? `${spanName} span ${spans[0].span_id} of trace ${traceId} has parent ${parents}`
    : `${spans.length} ${spanName} spans of trace ${traceId} have parents ${parents}`;
  return `${which}, but the client sent span id ${clientSpan}: not joined`;
}
