/**
 * OTLP/protobuf ⇄ OTLP/JSON-shaped objects.
 *
 * Decoding yields the same shape as OTLP/JSON (`resourceSpans[].scopeSpans[].spans[]`, lower-case
 * hex ids, int64 as decimal strings), so one code path ({@link ./spans.ts}) handles both
 * encodings. protobufjs's own JSON layer is not used for ids: it would read hex as base64.
 *
 * @module
 */
import { ExportTraceServiceRequest, ExportTraceServiceResponse, RpcStatus } from "./schema.ts";

/** An OTLP ExportTraceServiceRequest in OTLP/JSON shape (ids as hex, int64 as strings). */
export interface OtlpExportRequest {
  /** Spans grouped by resource (the exporting process) and instrumentation scope. */
  resourceSpans?: OtlpResourceSpans[];
}
/** OTLP/JSON ResourceSpans. */
export interface OtlpResourceSpans {
  /** The exporting process; `service.name` among its attributes. */
  resource?: { attributes?: OtlpKeyValue[] };
  /** Spans grouped by instrumentation scope. */
  scopeSpans?: OtlpScopeSpans[];
  /** Very old exporters' name for scopeSpans. */
  instrumentationLibrarySpans?: OtlpScopeSpans[];
}
/** OTLP/JSON ScopeSpans. */
export interface OtlpScopeSpans {
  /** The instrumentation scope (vLLM: `vllm.llm_engine`; `vllm.tracing.otel` on main since Feb 2026). */
  scope?: { name?: string; version?: string };
  /** Very old exporters' name for scope. */
  instrumentationLibrary?: { name?: string; version?: string };
  /** The spans of this scope. */
  spans?: OtlpSpan[];
}
/** OTLP/JSON Span (the fields this project reads or writes). */
export interface OtlpSpan {
  /** 32 lower-case hex digits. */
  traceId?: string;
  /** 16 lower-case hex digits. */
  spanId?: string;
  /** 16 lower-case hex digits; empty or absent for a root span. */
  parentSpanId?: string;
  /** W3C tracestate of the span. */
  traceState?: string;
  /** W3C trace flags in the low 8 bits (0x01: sampled). */
  flags?: number;
  /** Span name (vLLM: `llm_request`). */
  name?: string;
  /** SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  /** Start time, ns since the Unix epoch (int64: a decimal string in OTLP/JSON). */
  startTimeUnixNano?: string | number;
  /** End time, ns since the Unix epoch (int64: a decimal string in OTLP/JSON). */
  endTimeUnixNano?: string | number;
  /** Span attributes (vLLM's `gen_ai.*` timings and token counts). */
  attributes?: OtlpKeyValue[];
  /** Status: code 0 unset, 1 ok, 2 error. */
  status?: { code?: number; message?: string };
}
/** OTLP/JSON KeyValue. */
export interface OtlpKeyValue {
  /** Attribute name. */
  key: string;
  /** Attribute value. */
  value?: OtlpAnyValue;
}
/** OTLP/JSON AnyValue (a oneof: one field is set). */
export interface OtlpAnyValue {
  /** A string. */
  stringValue?: string;
  /** A boolean. */
  boolValue?: boolean;
  /** An int64: a decimal string in OTLP/JSON (a number is accepted too). */
  intValue?: string | number;
  /** A double. */
  doubleValue?: number;
  /** A list of values. */
  arrayValue?: { values?: OtlpAnyValue[] };
  /** A list of key-value pairs. */
  kvlistValue?: { values?: OtlpKeyValue[] };
  /** Bytes, base64 in OTLP/JSON. */
  bytesValue?: string;
}

const HEX_ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

/** "00" … "ff", so an id becomes hex with one lookup per byte. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => (b < 16 ? "0" : "") + b.toString(16));

/** Bytes → lower-case hex (ids: 8 or 16 bytes). */
export function bytesToHex(bytes: Uint8Array): string {
  // Ids are 8 or 16 bytes: a small array joined once gives a flat string (no rope).
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX_BYTE[bytes[i]];
  return parts.join("");
}

function hexToBytes(hex: string, where: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(`${where}: not a hex id: ${JSON.stringify(hex.slice(0, 40))}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes → base64, chunked so large byte strings do not exceed the engine's argument-count limit. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === "object";
}

/** An id field of a decoded span or link: bytes → lower-case hex, in place. */
function idToHex(holder: Plain, key: string): void {
  const v = holder[key];
  if (v instanceof Uint8Array) holder[key] = bytesToHex(v);
}

/** A decoded AnyValue: `bytesValue` → base64 (as OTLP/JSON has it), also inside arrays/kvlists. */
function anyValueBytesToBase64(value: unknown): void {
  if (!isPlain(value)) return;
  const bytes = value.bytesValue;
  if (bytes instanceof Uint8Array) {
    value.bytesValue = bytesToBase64(bytes);
    return;
  }
  const array = value.arrayValue;
  if (isPlain(array) && Array.isArray(array.values)) {
    for (const item of array.values) anyValueBytesToBase64(item);
  }
  const kvlist = value.kvlistValue;
  if (isPlain(kvlist)) attributesBytesToBase64(kvlist.values);
}

function attributesBytesToBase64(attributes: unknown): void {
  if (!Array.isArray(attributes)) return;
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    if (isPlain(kv)) anyValueBytesToBase64(kv.value);
  }
}

function eachPlain(list: unknown, visit: (item: Plain) => void): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (isPlain(item)) visit(item);
  }
}

function scopeSpansToHex(ss: Plain): void {
  if (isPlain(ss.scope)) attributesBytesToBase64(ss.scope.attributes);
  eachPlain(ss.spans, (span) => {
    idToHex(span, "traceId");
    idToHex(span, "spanId");
    idToHex(span, "parentSpanId");
    attributesBytesToBase64(span.attributes);
    eachPlain(span.events, (event) => attributesBytesToBase64(event.attributes));
    eachPlain(span.links, (link) => {
      idToHex(link, "traceId");
      idToHex(link, "spanId");
      attributesBytesToBase64(link.attributes);
    });
  });
}

// A freshly decoded request, in place: the id fields of spans and links → hex; AnyValue bytes →
// base64 (as OTLP/JSON has them). Only the fields of the schema that hold bytes are visited
// (src/otlp/schema.ts), instead of every node of the tree. In place, because copying every object
// costs more than decoding did.
function idsToHex(request: Plain): Plain {
  eachPlain(request.resourceSpans, (rs) => {
    if (isPlain(rs.resource)) attributesBytesToBase64(rs.resource.attributes);
    eachPlain(rs.scopeSpans, scopeSpansToHex);
    eachPlain(rs.instrumentationLibrarySpans, scopeSpansToHex);
  });
  return request;
}

function idsToBytes(value: unknown, key = "", where = "request"): unknown {
  if (typeof value === "string" && HEX_ID_FIELDS.has(key)) {
    return hexToBytes(value, `${where}.${key}`);
  }
  if (typeof value === "string" && key === "bytesValue") {
    return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  }
  if (Array.isArray(value)) return value.map((v, i) => idsToBytes(v, key, `${where}[${i}]`));
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = idsToBytes(v, k, `${where}.${k}`);
    return out;
  }
  return value;
}

/**
 * Decodes a binary OTLP ExportTraceServiceRequest into OTLP/JSON shape.
 * Throws a protobufjs error on undecodable input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeExportRequest, encodeExportRequest } from "./protobuf.ts";
 * const span = {
 *   traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331",
 *   name: "llm_request", kind: 2, startTimeUnixNano: "1700000000000000000",
 *   endTimeUnixNano: "1700000000250000000",
 *   attributes: [{ key: "gen_ai.usage.prompt_tokens", value: { intValue: "14" } }],
 * };
 * const bytes = encodeExportRequest({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
 * const decoded = decodeExportRequest(bytes).resourceSpans?.[0].scopeSpans?.[0].spans?.[0];
 * assert.equal(decoded?.traceId, span.traceId); // ids as hex, as in OTLP/JSON
 * assert.equal(decoded?.endTimeUnixNano, span.endTimeUnixNano);
 * assert.deepEqual(decoded?.attributes, span.attributes);
 * ```
 */
export function decodeExportRequest(bytes: Uint8Array): OtlpExportRequest {
  const message = ExportTraceServiceRequest.decode(bytes);
  const plain = ExportTraceServiceRequest.toObject(message, {
    longs: String,
    enums: Number,
    bytes: Uint8Array as unknown as typeof String,
    defaults: false,
    arrays: true,
    oneofs: false,
  });
  return idsToHex(plain) as OtlpExportRequest;
}

/**
 * Encodes an OTLP/JSON-shaped export request (hex ids, int64 as strings or numbers) to binary.
 * Throws a TypeError naming the field when an id is not hex.
 */
export function encodeExportRequest(request: OtlpExportRequest): Uint8Array {
  const withBytes = idsToBytes(request) as Record<string, unknown>;
  const message = ExportTraceServiceRequest.fromObject(withBytes);
  return ExportTraceServiceRequest.encode(message).finish();
}

/** Encodes an ExportTraceServiceResponse; `rejectedSpans` > 0 or a message makes a partial success. */
export function encodeExportResponse(
  partial?: { rejectedSpans: number; errorMessage: string },
): Uint8Array {
  const body = partial
    ? {
      partialSuccess: { rejectedSpans: partial.rejectedSpans, errorMessage: partial.errorMessage },
    }
    : {};
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(body)).finish();
}

/** Decodes an ExportTraceServiceResponse (for exporters and tests). */
export function decodeExportResponse(
  bytes: Uint8Array,
): { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } } {
  const message = ExportTraceServiceResponse.decode(bytes);
  return ExportTraceServiceResponse.toObject(message, { longs: String, defaults: false });
}

/** A `google.rpc.Status`: the body of an OTLP/HTTP error response. */
export interface RpcStatusBody {
  /** google.rpc.Code number (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 16 UNAUTHENTICATED, ...). */
  code: number;
  message: string;
}

/** Encodes a `google.rpc.Status` (no details) to binary, for `application/x-protobuf` errors. */
export function encodeRpcStatus(status: RpcStatusBody): Uint8Array {
  return RpcStatus.encode(RpcStatus.fromObject(status)).finish();
}

/** Decodes a binary `google.rpc.Status` (for exporters and tests); details are dropped. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatusBody {
  const plain = RpcStatus.toObject(RpcStatus.decode(bytes), { defaults: true });
  return { code: Number(plain.code), message: String(plain.message) };
}
