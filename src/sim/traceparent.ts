/**
 * W3C `traceparent` parsing, as vLLM's propagator reads it for the `llm_request` span's parent.
 *
 * @module
 */

/** The parts of a valid `traceparent`. */
export interface TraceParent {
  /** 32 lower-case hex chars. */
  trace_id: string;
  /** 16 lower-case hex chars: the caller's span, parent of the server span. */
  parent_span_id: string;
  /** Flags bit 0. */
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` header; null when absent or invalid (version ff, all-zero ids, bad
 * format, or extra fields on version 00), in which case vLLM starts a new root trace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTraceparent } from "./traceparent.ts";
 * assert.deepEqual(parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), {
 *   trace_id: "0af7651916cd43dd8448eb211c80319c",
 *   parent_span_id: "b7ad6b7169203331",
 *   sampled: true,
 * });
 * ```
 */
export function parseTraceparent(header: string | null | undefined): TraceParent | null {
  if (!header) return null;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return null;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { trace_id: traceId, parent_span_id: spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** Random lower-case hex of `bytes` bytes (never all zeros). */
export function randomHexId(bytes: number): string {
  const buf = new Uint8Array(bytes);
  do crypto.getRandomValues(buf); while (buf.every((b) => b === 0));
  let out = "";
  for (const b of buf) out += b.toString(16).padStart(2, "0");
  return out;
}
