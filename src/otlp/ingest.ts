/**
 * What both receiver transports do with a decoded export request: flatten, filter by span name,
 * store, count, and describe rejections for an OTLP partial-success reply.
 *
 * @module
 */
import type { OtlpExportRequest } from "./protobuf.ts";
import { flattenSpans, type RejectedSpan } from "./spans.ts";
import type { ServerSpan } from "../types.ts";

/** Where ingested spans go: a {@link ./store.ts SpanStore}, or the receiver worker's batch. */
export interface SpanSink {
  /** Takes the spans; returns how many were new (a sink that cannot tell returns all). */
  add(spans: readonly ServerSpan[]): number;
}

/** Counters shared by the receiver's transports (snake_case: they end up in reports). */
export interface ReceiverCounters {
  /** Export requests that reached a handler (HTTP: any request to the server; gRPC: Export calls). */
  received_requests: number;
  /** Well-formed spans kept by the span-name filter (duplicates included). */
  accepted_spans: number;
  /** Malformed spans (bad ids or timestamps), reported back as partial success. */
  rejected_spans: number;
  /** Requests answered with an error (bad body, size, auth, content type, method, path). */
  bad_requests: number;
  /** Well-formed spans dropped by the span-name filter (e.g. vLLM's startup spans). */
  ignored_spans: number;
}

/** Fresh zeroed counters. */
export function emptyCounters(): ReceiverCounters {
  return {
    received_requests: 0,
    accepted_spans: 0,
    rejected_spans: 0,
    bad_requests: 0,
    ignored_spans: 0,
  };
}

/** Outcome of ingesting one export request. */
export interface IngestResult {
  accepted: number;
  rejected: number;
  ignored: number;
  /** Empty when nothing was rejected; else says how many and why (first few), for the exporter. */
  errorMessage: string;
}

/** Rejection reasons quoted in a partial-success message (the count is always complete). */
const QUOTED_REJECTIONS = 3;

/**
 * Flattens `request`, keeps spans named `spanName` (all when null), adds them to `store`, and
 * updates `counters`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyCounters, ingestExport } from "./ingest.ts";
 * import { SpanStore } from "./store.ts";
 * const span = {
 *   traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331",
 *   name: "llm_request", startTimeUnixNano: "1700000000000000000",
 *   endTimeUnixNano: "1700000000250000000",
 * };
 * const store = new SpanStore();
 * const request = { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] };
 * const result = ingestExport(request, store, "llm_request", emptyCounters());
 * assert.deepEqual(result, { accepted: 1, rejected: 0, ignored: 0, errorMessage: "" });
 * assert.equal(store.size, 1);
 * ```
 */
export function ingestExport(
  request: OtlpExportRequest,
  store: SpanSink,
  spanName: string | null,
  counters: ReceiverCounters,
): IngestResult {
  return ingestSpans(flattenSpans(request), store, spanName, counters);
}

/**
 * {@link ingestExport} for spans already flattened (the protobuf path flattens straight from the
 * decoded message: ./proto_spans.ts).
 */
export function ingestSpans(
  flattened: { spans: ServerSpan[]; rejected: RejectedSpan[] },
  store: SpanSink,
  spanName: string | null,
  counters: ReceiverCounters,
): IngestResult {
  const { spans, rejected } = flattened;
  const kept = spanName === null ? spans : spans.filter((s) => s.name === spanName);
  store.add(kept);
  const ignored = spans.length - kept.length;
  counters.accepted_spans += kept.length;
  counters.rejected_spans += rejected.length;
  counters.ignored_spans += ignored;
  let errorMessage = "";
  if (rejected.length > 0) {
    const quoted = rejected.slice(0, QUOTED_REJECTIONS).map((r) => `${r.where}: ${r.reason}`);
    const more = rejected.length > QUOTED_REJECTIONS
      ? `; and ${rejected.length - QUOTED_REJECTIONS} more`
      : "";
    errorMessage = `${rejected.length} span(s) rejected: ${quoted.join("; ")}${more}`;
  }
  return { accepted: kept.length, rejected: rejected.length, ignored, errorMessage };
}
