/**
 * Binary OTLP → {@link ServerSpan} records straight from the decoded protobufjs messages.
 *
 * The receiver's protobuf path (gRPC and OTLP/HTTP protobuf) skips `toObject` and the
 * OTLP/JSON-shaped tree that `decodeExportRequest` (./protobuf.ts) builds: ids are read as bytes, int64 and
 * fixed64 as protobufjs `Long`s, AnyValue members by presence. The result is the same as
 * `flattenSpans(decodeExportRequest(bytes))` — the same spans, values, rejections and reasons
 * (src/otlp/property_test.ts compares them) — with one copy of each span instead of three.
 *
 * Presence follows `toObject({defaults: false})`: a scalar field counts only when it is an own
 * property of the decoded message (protobufjs keeps defaults on the prototype).
 *
 * @module
 */
import type { AttributeValue, ServerSpan } from "../types.ts";
import { normalizeSpanId, normalizeTraceId } from "./ids.ts";
import { bytesToBase64, bytesToHex } from "./protobuf.ts";
import { ExportTraceServiceRequest } from "./schema.ts";
import { nanosToMs, type RejectedSpan } from "./spans.ts";

/** A protobufjs Long (int64 / fixed64 when long.js is present). */
interface PbLong {
  low: number;
  high: number;
  unsigned: boolean;
}
type PbInt64 = PbLong | number;

/** The decoded message classes' fields this module reads (all optional: presence = own property). */
interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: PbInt64;
  doubleValue?: number;
  arrayValue?: { values: PbAnyValue[] } | null;
  kvlistValue?: { values: PbKeyValue[] } | null;
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}
interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: PbInt64;
  endTimeUnixNano: PbInt64;
  attributes: PbKeyValue[];
}
interface PbScopeSpans {
  scope?: { name: string } | null;
  spans: PbSpan[];
}
interface PbResourceSpans {
  resource?: { attributes: PbKeyValue[] } | null;
  scopeSpans: PbScopeSpans[];
  instrumentationLibrarySpans: PbScopeSpans[];
}
/** A decoded ExportTraceServiceRequest message (opaque to callers). */
export interface PbExportRequest {
  resourceSpans: PbResourceSpans[];
}

const hasOwn = Object.hasOwn as (object: object, key: PropertyKey) => boolean;

/**
 * Decodes a binary ExportTraceServiceRequest into protobufjs message objects, for
 * {@link flattenExportMessage}. Throws a protobufjs error on undecodable input.
 */
export function decodeExportMessage(bytes: Uint8Array): PbExportRequest {
  return ExportTraceServiceRequest.decode(bytes) as unknown as PbExportRequest;
}

/** A signed int64 as a Number: the correctly rounded value, like `Number(long.toString())`. */
function int64ToNumber(value: PbInt64): number {
  if (typeof value === "number") return value;
  // high·2^32 is exact; adding the low word rounds once, so this is the correctly rounded value.
  return (value.unsigned ? value.high >>> 0 : value.high) * 4294967296 + (value.low >>> 0);
}

/**
 * Epoch ns (fixed64) → [canonical decimal string, float ms], the same as
 * `nanosToMs(long.toString())` without the Long's decimal conversion.
 */
function fixed64NanosToMs(value: PbInt64): [string, number] | null {
  if (typeof value === "number") return nanosToMs(String(value));
  if (!value.unsigned) return nanosToMs(String(value));
  const high = value.high >>> 0;
  // value = high·2^32 + low = high·4294·10^6 + (high·967296 + low); the bracket is < 2^53 (exact).
  const rest = high * 967296 + (value.low >>> 0);
  const remainder = rest % 1e6;
  const wholeMs = high * 4294 + (rest - remainder) / 1e6;
  const text = wholeMs === 0
    ? String(remainder)
    : String(wholeMs) + String(remainder).padStart(6, "0");
  return [text, wholeMs + remainder / 1e6];
}

/** A decoded AnyValue → plain value (the rules of spans.ts's `anyValueToPlain`). */
function pbAnyValueToPlain(v: PbAnyValue | null | undefined): AttributeValue {
  if (v === undefined || v === null) return null;
  if (hasOwn(v, "stringValue")) return v.stringValue!;
  if (hasOwn(v, "boolValue")) return v.boolValue!;
  if (hasOwn(v, "intValue")) return int64ToNumber(v.intValue!);
  if (hasOwn(v, "doubleValue")) return v.doubleValue!;
  if (hasOwn(v, "arrayValue") && v.arrayValue != null) {
    const values = v.arrayValue.values;
    const out = new Array<AttributeValue>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = pbAnyValueToPlain(values[i]);
    return out;
  }
  if (hasOwn(v, "kvlistValue") && v.kvlistValue != null) {
    return pbAttributesToRecord(v.kvlistValue.values);
  }
  if (hasOwn(v, "bytesValue")) return bytesToBase64(v.bytesValue!);
  return null;
}

/** Decoded KeyValues → key → value record (the rules of spans.ts's `attributesToRecord`). */
function pbAttributesToRecord(attributes: PbKeyValue[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    if (!hasOwn(kv, "key")) continue;
    const key = kv.key;
    const plain = hasOwn(kv, "value") ? pbAnyValueToPlain(kv.value) : null;
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

function isAllZero(bytes: Uint8Array): boolean {
  let any = 0;
  for (let i = 0; i < bytes.length; i++) any |= bytes[i];
  return any === 0;
}

/** A decoded id → normalised hex (as `normalizeTraceId`/`normalizeSpanId` of its hex). */
function idHex(bytes: Uint8Array, width: 16 | 8): string | null {
  if (bytes.length === width) return isAllZero(bytes) ? null : bytesToHex(bytes);
  const hex = bytesToHex(bytes);
  return width === 16 ? normalizeTraceId(hex) : normalizeSpanId(hex);
}

function pbToServerSpan(
  span: PbSpan,
  resource: Record<string, AttributeValue>,
  scope: string,
): ServerSpan | string {
  const traceId = hasOwn(span, "traceId") ? idHex(span.traceId, 16) : null;
  if (!traceId) {
    const given = hasOwn(span, "traceId") ? JSON.stringify(bytesToHex(span.traceId)) : "undefined";
    return `invalid traceId ${given}`;
  }
  const spanId = hasOwn(span, "spanId") ? idHex(span.spanId, 8) : null;
  if (!spanId) {
    const given = hasOwn(span, "spanId") ? JSON.stringify(bytesToHex(span.spanId)) : "undefined";
    return `invalid spanId ${given}`;
  }
  const parent = hasOwn(span, "parentSpanId") && span.parentSpanId.length > 0
    ? idHex(span.parentSpanId, 8)
    : null;
  const start = hasOwn(span, "startTimeUnixNano") ? fixed64NanosToMs(span.startTimeUnixNano) : null;
  const end = hasOwn(span, "endTimeUnixNano") ? fixed64NanosToMs(span.endTimeUnixNano) : null;
  // Zero means "unknown" in OTLP, and protobuf cannot tell it from a missing field: reject both.
  if (!start || !end || start[0] === "0" || end[0] === "0") {
    return "invalid startTimeUnixNano or endTimeUnixNano (missing, zero or not an integer)";
  }
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    name: hasOwn(span, "name") ? span.name : "",
    kind: hasOwn(span, "kind") ? span.kind : 0,
    start_time_unix_nano: start[0],
    end_time_unix_nano: end[0],
    start_ms: start[1],
    end_ms: end[1],
    attributes: pbAttributesToRecord(span.attributes),
    resource,
    scope,
  };
}

function flattenScopes(
  list: PbScopeSpans[],
  firstIndex: number,
  ri: number,
  resource: Record<string, AttributeValue>,
  spans: ServerSpan[],
  rejected: RejectedSpan[],
): void {
  for (let s = 0; s < list.length; s++) {
    const ss = list[s];
    const scopeMessage = hasOwn(ss, "scope") ? ss.scope : null;
    const scope = scopeMessage != null && hasOwn(scopeMessage, "name") ? scopeMessage.name : "";
    const items = ss.spans;
    for (let pi = 0; pi < items.length; pi++) {
      const result = pbToServerSpan(items[pi], resource, scope);
      if (typeof result === "string") {
        const where = `resourceSpans[${ri}].scopeSpans[${firstIndex + s}].spans[${pi}]`;
        rejected.push({ where, reason: result });
      } else {
        spans.push(result);
      }
    }
  }
}

/**
 * Flattens a message from {@link decodeExportMessage} into {@link ServerSpan}s and rejections,
 * exactly as `flattenSpans(decodeExportRequest(bytes))` would.
 */
export function flattenExportMessage(
  message: PbExportRequest,
): { spans: ServerSpan[]; rejected: RejectedSpan[] } {
  const spans: ServerSpan[] = [];
  const rejected: RejectedSpan[] = [];
  const list = message.resourceSpans;
  for (let ri = 0; ri < list.length; ri++) {
    const rs = list[ri];
    const resourceMessage = hasOwn(rs, "resource") ? rs.resource : null;
    const resource = resourceMessage != null
      ? pbAttributesToRecord(resourceMessage.attributes)
      : {};
    flattenScopes(rs.scopeSpans, 0, ri, resource, spans, rejected);
    flattenScopes(
      rs.instrumentationLibrarySpans,
      rs.scopeSpans.length,
      ri,
      resource,
      spans,
      rejected,
    );
  }
  return { spans, rejected };
}
