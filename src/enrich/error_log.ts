/**
 * The back-end errors a trace source reports through `SpanQuery.onError` while `enrich` waits:
 * per trace, and the last one overall; a record left without a span quotes the one for its trace.
 *
 * @module
 */
import { normalizeTraceId } from "../otlp/ids.ts";

/** Back-end errors as reported through `onError`: per trace, and the last one overall. */
export class ErrorLog {
  /** The last error reported for each (normalised) trace id. */
  readonly byTrace = new Map<string, string>();
  /** The last error reported for no trace in particular. */
  last: string | null = null;
  /** Pass as `SpanQuery.onError`. */
  readonly onError = (message: string, traceId?: string) => {
    const id = traceId === undefined ? null : normalizeTraceId(traceId) ?? traceId;
    if (id === null) this.last = message;
    else this.byTrace.set(id, message);
  };
}
