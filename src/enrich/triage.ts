/**
 * Step 1 of `enrich`: which records are looked up. Failed and unsampled requests, and records
 * without usable ids, are decided at once (vLLM exports no span for them); the others become
 * lookups with their ids normalised.
 *
 * @module
 */
import type { RequestRecord } from "../types.ts";
import { normalizeSpanId, normalizeTraceId } from "../otlp/ids.ts";
import { withoutSpan } from "./record_outcome.ts";

/** A record to look up: its position in the run and its normalised trace and span ids. */
export interface Lookup {
  index: number;
  record: RequestRecord;
  traceId: string;
  spanId: string;
}

/**
 * Writes the records that are not looked up (failed, unsampled, unusable ids) into `out` with
 * their status and note, and returns the others as lookups. A value that is not an object
 * throws a TypeError naming `caller` and its index.
 */
export function triage(
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

function failedNote(record: RequestRecord): string {
  const error = record.error;
  const what = error
    ? `${error.kind}${error.status !== undefined ? ` HTTP ${error.status}` : ""}`
    : "no error details";
  return `request failed (${what}): vLLM exports no span for failed or aborted requests, so none was looked up`;
}
