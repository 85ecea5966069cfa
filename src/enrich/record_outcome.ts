/**
 * The two ends of `enrich` for one record: joined to its spans (server metrics filled), or left
 * without a span (server metrics null) with a status and a note saying why.
 *
 * @module
 */
import type { RequestRecord, ServerSpan, SpanStatus } from "../types.ts";
import { derivedMetrics, NO_SERVER_METRICS, serverMetrics } from "../metrics/server.ts";
import { errorMessage } from "./http.ts";

/** A new record without server metrics: `status`, `note` and `trace_url` set, no spans. */
export function withoutSpan(
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

/**
 * A new record joined to `spans` (sorted, the first is read for the metrics); `not_found` with
 * the reason if the first span cannot be read.
 */
export function withSpans(
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
