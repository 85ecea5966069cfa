/**
 * W3C Trace Context for outgoing requests: a fresh random trace id and span id per request, so
 * vLLM's `llm_request` span (whose parent is the context in the `traceparent` header) can be
 * joined back to the client's record.
 *
 * @module
 */

/** The ids of one request's trace context and the header value that carries them. */
export interface TraceContext {
  /** 32 lower-case hex chars, never all zero. */
  trace_id: string;
  /** 16 lower-case hex chars, never all zero: the client span, parent of the server span. */
  span_id: string;
  sampled: boolean;
  /** `00-<trace_id>-<span_id>-01` (or `-00` when not sampled). */
  traceparent: string;
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex of `byteCount` cryptographically random bytes, never all zero. */
export function randomHex(byteCount: number): string {
  const bytes = new Uint8Array(byteCount);
  const parts = new Array<string>(byteCount);
  for (;;) {
    crypto.getRandomValues(bytes);
    let nonZero = false;
    for (let i = 0; i < byteCount; i++) {
      if (bytes[i] !== 0) nonZero = true;
      parts[i] = HEX_BYTE[bytes[i]];
    }
    // join gives a flat string; `+=` would leave a rope of byteCount pieces in every stored
    // record (~180 B more per id; perf/soak.ts measures the records' heap).
    if (nonZero) return parts.join("");
  }
}

/**
 * A fresh trace context: random 16-byte trace id and 8-byte span id (crypto RNG, never all
 * zero), version `00`, flags `01` when sampled (vLLM exports no span for flags `00`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newTraceContext } from "./traceparent.ts";
 * const ctx = newTraceContext(true);
 * assert.match(ctx.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
 * ```
 */
export function newTraceContext(sampled = true): TraceContext {
  const trace_id = randomHex(16);
  const span_id = randomHex(8);
  return {
    trace_id,
    span_id,
    sampled,
    traceparent: `00-${trace_id}-${span_id}-${sampled ? "01" : "00"}`,
  };
}
