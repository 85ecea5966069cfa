/**
 * OTLP trace data (JSON or decoded protobuf, same shape) → {@link ServerSpan} records.
 *
 * @module
 */
import type { AttributeValue, ServerSpan } from "../types.ts";
import type {
  OtlpAnyValue,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
} from "./protobuf.ts";
import { normalizeSpanId, normalizeTraceId } from "./ids.ts";

// Payloads are untrusted: a field that should be a list may be anything in OTLP/JSON.
function asArray<T>(value: T[] | undefined | unknown): T[] {
  return Array.isArray(value) ? value as T[] : [];
}

/**
 * Converts an OTLP AnyValue to a plain value. int64 becomes a number (token counts fit easily;
 * values beyond 2^53 lose precision, which no vLLM attribute reaches), bytes stay base64.
 */
export function anyValueToPlain(value: OtlpAnyValue | undefined): AttributeValue {
  if (value === undefined || value === null) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) {
    return asArray<OtlpAnyValue>(value.arrayValue?.values).map(anyValueToPlain);
  }
  if (value.kvlistValue !== undefined) return attributesToRecord(value.kvlistValue?.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

/** Converts an OTLP attribute list to a key → value record (later duplicates win). */
export function attributesToRecord(
  attributes: OtlpKeyValue[] | undefined,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(attributes)) return out;
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    if (!kv || typeof kv.key !== "string") continue;
    const key = kv.key;
    const v = kv.value;
    // anyValueToPlain's checks, in its order, inlined for the common scalar cases.
    const plain = v === undefined || v === null
      ? null
      : v.stringValue !== undefined
      ? v.stringValue
      : v.boolValue !== undefined
      ? v.boolValue
      : v.intValue !== undefined
      ? Number(v.intValue)
      : v.doubleValue !== undefined
      ? Number(v.doubleValue)
      : anyValueToPlain(v);
    if (key === "__proto__") {
      // Assignment would set the prototype; this key must become a plain property.
      Object.defineProperty(out, key, {
        value: plain,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = plain;
    }
  }
  return out;
}

/** Canonical (no leading zero) epoch ns whose whole ms fit a double exactly: ≤ 21 digits. */
const CANONICAL_NANOS = /^[1-9]\d{6,20}$/;

/**
 * Epoch nanoseconds (string or number) → [canonical decimal string, float ms]; null if not a
 * non-negative integer.
 */
export function nanosToMs(raw: string | number | undefined): [string, number] | null {
  if (typeof raw === "string" && CANONICAL_NANOS.test(raw)) {
    // Common case (a 19-digit string): whole ms and the remainder as two exact Numbers (≤ 15
    // digits each), the same value as the BigInt path below, without allocating BigInts.
    return [raw, Number(raw.slice(0, -6)) + Number(raw.slice(-6)) / 1e6];
  }
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) return null;
  const ns = BigInt(text);
  // Split to keep sub-ms precision: whole ms as BigInt, then the remainder.
  const ms = Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
  return [ns.toString(), ms]; // canonical: no leading zeros
}

/** Why one span of a payload was not accepted. */
export interface RejectedSpan {
  /** Path inside the payload, e.g. `resourceSpans[0].scopeSpans[1].spans[3]`. */
  where: string;
  /** What is wrong with it, e.g. `invalid traceId ""`. */
  reason: string;
}

/**
 * Flattens an OTLP export request into {@link ServerSpan}s. Spans with an invalid trace id,
 * span id or timestamps are not returned but listed in `rejected` (for OTLP partial success).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flattenSpans } from "./spans.ts";
 * const { spans, rejected } = flattenSpans({
 *   resourceSpans: [{
 *     resource: { attributes: [{ key: "service.name", value: { stringValue: "vllm" } }] },
 *     scopeSpans: [{
 *       scope: { name: "vllm.llm_engine" },
 *       spans: [{
 *         traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331",
 *         name: "llm_request", kind: 2, startTimeUnixNano: "1700000000000000000",
 *         endTimeUnixNano: "1700000000250000000",
 *         attributes: [{ key: "gen_ai.usage.prompt_tokens", value: { intValue: "14" } }],
 *       }],
 *     }],
 *   }],
 * });
 * assert.equal(rejected.length, 0);
 * assert.deepEqual(spans, [{
 *   trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331",
 *   parent_span_id: null, name: "llm_request", kind: 2,
 *   start_time_unix_nano: "1700000000000000000", end_time_unix_nano: "1700000000250000000",
 *   start_ms: 1700000000000, end_ms: 1700000000250,
 *   attributes: { "gen_ai.usage.prompt_tokens": 14 },
 *   resource: { "service.name": "vllm" }, scope: "vllm.llm_engine",
 * }]);
 * ```
 */
export function flattenSpans(
  request: OtlpExportRequest,
): { spans: ServerSpan[]; rejected: RejectedSpan[] } {
  const spans: ServerSpan[] = [];
  const rejected: RejectedSpan[] = [];
  asArray<OtlpResourceSpans>(request?.resourceSpans).forEach((rs, ri) => {
    const resource = attributesToRecord(rs?.resource?.attributes);
    const scopes = [
      ...asArray<OtlpScopeSpans>(rs?.scopeSpans),
      ...asArray<OtlpScopeSpans>(rs?.instrumentationLibrarySpans),
    ];
    scopes.forEach((ss, si) => {
      const scopeName = ss?.scope?.name ?? ss?.instrumentationLibrary?.name;
      const scope = typeof scopeName === "string" ? scopeName : "";
      asArray<OtlpSpan>(ss?.spans).forEach((span, pi) => {
        const where = `resourceSpans[${ri}].scopeSpans[${si}].spans[${pi}]`;
        const result = toServerSpan(span, resource, scope);
        if (typeof result === "string") rejected.push({ where, reason: result });
        else spans.push(result);
      });
    });
  });
  return { spans, rejected };
}

function toServerSpan(
  span: OtlpSpan,
  resource: Record<string, AttributeValue>,
  scope: string,
): ServerSpan | string {
  if (!span || typeof span !== "object") return "span is not an object";
  const traceId = typeof span.traceId === "string" ? normalizeTraceId(span.traceId) : null;
  if (!traceId) return `invalid traceId ${JSON.stringify(span.traceId)}`;
  const spanId = typeof span.spanId === "string" ? normalizeSpanId(span.spanId) : null;
  if (!spanId) return `invalid spanId ${JSON.stringify(span.spanId)}`;
  const parent = typeof span.parentSpanId === "string" && span.parentSpanId !== ""
    ? normalizeSpanId(span.parentSpanId)
    : null;
  const start = nanosToMs(span.startTimeUnixNano);
  const end = nanosToMs(span.endTimeUnixNano);
  // Zero means "unknown" in OTLP, and protobuf cannot tell it from a missing field: reject both.
  if (!start || !end || start[0] === "0" || end[0] === "0") {
    return "invalid startTimeUnixNano or endTimeUnixNano (missing, zero or not an integer)";
  }
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    name: typeof span.name === "string" ? span.name : "",
    kind: typeof span.kind === "number" && Number.isInteger(span.kind) ? span.kind : 0,
    start_time_unix_nano: start[0],
    end_time_unix_nano: end[0],
    start_ms: start[1],
    end_ms: end[1],
    attributes: attributesToRecord(span.attributes),
    resource,
    scope,
  };
}
