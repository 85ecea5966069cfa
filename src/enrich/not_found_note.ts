/**
 * Step 4 of `enrich`: the `span_note` of a record neither join found a span for. It says, in
 * this order: why the trace search found nothing (source failure, spans of another parent,
 * aborted, or the deadline), what the request-id search turned down or that it found nothing,
 * and the back end's last error for the trace.
 *
 * @module
 */
import type { ErrorLog } from "./error_log.ts";
import type { NotJoined } from "./join_by_request_id.ts";

/** What {@link notFoundNote} says besides the record's own outcome. */
export interface NotFoundContext {
  /** Why the trace source failed, or null. */
  failure: string | null;
  spanName: string;
  /** Whether `enrich` was aborted by its signal. */
  aborted: boolean;
  /** How long `enrich` waited, ms. */
  waitedMs: number;
  errors: ErrorLog;
  /** The trace source's name. */
  sourceName: string;
}

/**
 * The note of a record left `not_found`: the parts joined by "; ".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notFoundNote } from "./not_found_note.ts";
 * import { ErrorLog } from "./error_log.ts";
 * import { makeRecord } from "../table/_fixtures.ts";
 * const record = makeRecord();
 * const lookup = { index: 0, record, traceId: record.trace_id, spanId: record.span_id };
 * const note = notFoundNote({ lookup, mismatch: null, candidates: [], reasons: [] }, {
 *   failure: null, spanName: "llm_request", aborted: false, waitedMs: 15000,
 *   errors: new ErrorLog(), sourceName: "jaeger",
 * });
 * assert.equal(note, `no llm_request span for trace ${record.trace_id} by the deadline (waited 15000 ms)`);
 * ```
 */
export function notFoundNote(entry: NotJoined, context: NotFoundContext): string {
  const { failure, spanName, aborted, waitedMs, errors, sourceName } = context;
  const { lookup: { traceId }, mismatch, candidates, reasons } = entry;
  const parts: string[] = [];
  if (failure !== null) parts.push(failure);
  else if (mismatch !== null) parts.push(mismatch);
  else if (aborted) {
    parts.push(`enrich was aborted before a ${spanName} span for trace ${traceId} was found`);
  } else {
    parts.push(`no ${spanName} span for trace ${traceId} by the deadline (waited ${waitedMs} ms)`);
  }
  if (reasons.length > 0) {
    parts.push(`by gen_ai.request.id: ${summarizeReasons(reasons)}`);
  } else if (candidates.length > 0) {
    const forms = candidates.map((c) => JSON.stringify(c)).join(" / ");
    parts.push(`none found by gen_ai.request.id ${forms} either`);
  }
  const error = errors.byTrace.get(traceId) ?? errors.last;
  if (error !== null && failure === null) parts.push(`last error from ${sourceName}: ${error}`);
  return parts.join("; ");
}

/** The first few reasons a request-id join was turned down, and how many more there were. */
function summarizeReasons(reasons: string[]): string {
  const shown = reasons.slice(0, 3).join("; ");
  return reasons.length > 3 ? `${shown}; and ${reasons.length - 3} more` : shown;
}
