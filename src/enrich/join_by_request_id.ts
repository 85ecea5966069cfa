/**
 * Step 3 of `enrich`: the second chance by `gen_ai.request.id` for the records the trace-context
 * join left without a span, when the source can search by request id and did not fail. A span
 * is joined (`found_by_request_id`) only when it fits the request ({@link matchByRequestId}).
 *
 * @module
 */
import type { RequestRecord, ServerSpan, SpanQuery, TraceSource } from "../types.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import type { ErrorLog } from "./error_log.ts";
import { errorMessage } from "./http.ts";
import { requestIdCandidates } from "./join.ts";
import { withSpans } from "./record_outcome.ts";
import { matchByRequestId, type RequestIdClaim } from "./request_id_join.ts";
import type { TraceJoinResult, Unjoined } from "./join_by_trace.ts";

/** A record neither join found a span for, with what the request-id search turned down. */
export interface NotJoined extends Unjoined {
  /** The request ids looked for (empty when there was no request-id search). */
  candidates: string[];
  /** Why each span found by request id was turned down (empty when none was found). */
  reasons: string[];
}

/** What {@link joinByRequestId} needs besides the source and the query. */
export interface RequestIdJoinContext {
  spanName: string;
  clockSkewMs: number;
  /** Spans already joined (added to by this step). */
  used: Set<string>;
  /** The enriched records, by index (written by this step). */
  out: RequestRecord[];
  /** Where a failed request-id search is recorded. */
  errors: ErrorLog;
}

/**
 * Looks up the unjoined records' request ids (when `source.getSpansByRequestId` exists, the
 * trace search did not fail and the query's signal is not aborted), writes the records joined
 * that way into `out` and returns the others. `records` are all the run's records: a span in
 * another record's trace is never joined.
 */
export async function joinByRequestId(
  source: TraceSource,
  records: readonly RequestRecord[],
  { unjoined, failure }: TraceJoinResult,
  query: SpanQuery,
  context: RequestIdJoinContext,
): Promise<NotJoined[]> {
  const { spanName, clockSkewMs, used, out, errors } = context;
  const search = unjoined.length > 0 && failure === null && !query.signal?.aborted &&
    typeof source.getSpansByRequestId === "function";
  const byRequestId = search
    ? await spansByRequestId(source, unjoined, query, errors)
    : new Map<string, ServerSpan[]>();
  const claims: RequestIdClaim[] = unjoined.map(({ lookup }) => ({
    record: {
      ...lookup.record,
      index: lookup.index,
      trace_id: lookup.traceId,
      span_id: lookup.spanId,
    },
    candidates: search ? requestIdCandidates(lookup.record) : [],
  }));
  const outcomes = matchByRequestId(claims, byRequestId, {
    spanName,
    clockSkewMs,
    used,
    traceOwners: unjoined.length > 0 ? traceOwnersOf(records) : new Map(),
  });
  const notJoined: NotJoined[] = [];
  unjoined.forEach((entry, i) => {
    const outcome = outcomes[i];
    if (outcome.joined === null) {
      notJoined.push({ ...entry, candidates: claims[i].candidates, reasons: outcome.reasons });
      return;
    }
    const { lookup, mismatch } = entry;
    const why = mismatch ?? `trace ${lookup.traceId} had no ${spanName} span`;
    const note = requestIdJoinNote(outcome, why, clockSkewMs);
    const url = source.traceUrl?.(outcome.joined[0].trace_id) ?? null;
    out[lookup.index] = withSpans(lookup.record, outcome.joined, "found_by_request_id", note, url);
  });
  return notJoined;
}

/** Spans carrying the unjoined records' request ids. */
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
