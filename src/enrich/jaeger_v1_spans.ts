/**
 * Jaeger v1 query API traces (`GET /api/traces/{id}`, `GET /api/traces?service=…`) →
 * {@link ServerSpan}s.
 *
 * A v1 span has `tags` as `{key, type, value}`, its parent as the first `CHILD_OF` reference,
 * `startTime`/`duration` in µs, and its resource in `processes[processID]` (serviceName + tags).
 * Tags that Jaeger adds when it converts OTLP (`span.kind`, `otel.scope.name`,
 * `otel.scope.version`) go back to `kind` and `scope` and are removed from the attributes.
 *
 * @module
 */
import type { AttributeValue, ServerSpan } from "../types.ts";
import { normalizeSpanId, normalizeTraceId } from "../otlp/ids.ts";

const SPAN_KINDS: Record<string, number> = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};
const TRANSLATION_TAGS = new Set(["span.kind", "otel.scope.name", "otel.scope.version"]);

interface JaegerKeyValue {
  key?: unknown;
  type?: unknown;
  value?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function tagValue(tag: JaegerKeyValue): AttributeValue {
  const { type, value } = tag;
  if (type === "int64" || type === "float64") {
    const n = typeof value === "number" ? value : Number(value);
    return Number.isFinite(n) ? n : null;
  }
  if (type === "bool") return value === true || value === "true";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  return value === undefined ? null : JSON.stringify(value);
}

/** Jaeger v1 tags (`[{key, type, value}]`) → key → value (int64/float64 as numbers). */
export function jaegerTagsToRecord(tags: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(tags)) return out;
  for (const tag of tags) {
    if (isObject(tag) && typeof tag.key === "string") out[tag.key] = tagValue(tag);
  }
  return out;
}

function microsToNanos(micros: unknown): bigint | null {
  if (typeof micros === "number" && Number.isSafeInteger(micros) && micros >= 0) {
    return BigInt(micros) * 1000n;
  }
  if (typeof micros === "string" && /^\d+$/.test(micros)) return BigInt(micros) * 1000n;
  return null;
}

function nanosToMsNumber(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

function parentOf(span: Record<string, unknown>): string | null {
  const refs = Array.isArray(span.references) ? span.references : [];
  const childOf = refs.find((r) => isObject(r) && r.refType === "CHILD_OF") as
    | Record<string, unknown>
    | undefined;
  const raw = childOf?.spanID ?? span.parentSpanID;
  return typeof raw === "string" && raw !== "" ? normalizeSpanId(raw) : null;
}

/** Why a Jaeger v1 span could not be read. */
export interface RejectedJaegerSpan {
  /** Path in the body, e.g. `data[0].spans[3]`. */
  where: string;
  reason: string;
}

/**
 * Converts one Jaeger v1 trace object (`{traceID, spans, processes}`) to ServerSpans. Spans
 * with an unreadable id or time are listed in `rejected` instead.
 */
export function jaegerTraceToSpans(
  trace: unknown,
  where = "trace",
): { spans: ServerSpan[]; rejected: RejectedJaegerSpan[] } {
  const spans: ServerSpan[] = [];
  const rejected: RejectedJaegerSpan[] = [];
  if (!isObject(trace)) return { spans, rejected: [{ where, reason: "trace is not an object" }] };
  const processes = isObject(trace.processes) ? trace.processes : {};
  const rawSpans = Array.isArray(trace.spans) ? trace.spans : [];
  rawSpans.forEach((span, i) => {
    const at = `${where}.spans[${i}]`;
    if (!isObject(span)) return rejected.push({ where: at, reason: "span is not an object" });
    const traceId = typeof span.traceID === "string" ? normalizeTraceId(span.traceID) : null;
    if (!traceId) {
      return rejected.push({
        where: at,
        reason: `invalid traceID ${JSON.stringify(span.traceID)}`,
      });
    }
    const spanId = typeof span.spanID === "string" ? normalizeSpanId(span.spanID) : null;
    if (!spanId) {
      return rejected.push({ where: at, reason: `invalid spanID ${JSON.stringify(span.spanID)}` });
    }
    const start = microsToNanos(span.startTime);
    const duration = microsToNanos(span.duration ?? 0);
    if (start === null || duration === null) {
      return rejected.push({ where: at, reason: "invalid startTime or duration (µs)" });
    }
    const tags = jaegerTagsToRecord(span.tags);
    const attributes: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(tags)) {
      if (!TRANSLATION_TAGS.has(key)) attributes[key] = value;
    }
    const process = typeof span.processID === "string" && isObject(processes[span.processID])
      ? processes[span.processID] as Record<string, unknown>
      : isObject(span.process)
      ? span.process
      : {};
    const resource = jaegerTagsToRecord(process.tags);
    if (typeof process.serviceName === "string") resource["service.name"] = process.serviceName;
    const end = start + duration;
    spans.push({
      trace_id: traceId,
      span_id: spanId,
      parent_span_id: parentOf(span),
      name: typeof span.operationName === "string" ? span.operationName : "",
      kind: SPAN_KINDS[String(tags["span.kind"] ?? "unspecified").toLowerCase()] ?? 0,
      start_time_unix_nano: start.toString(),
      end_time_unix_nano: end.toString(),
      start_ms: nanosToMsNumber(start),
      end_ms: nanosToMsNumber(end),
      attributes,
      resource,
      scope: typeof tags["otel.scope.name"] === "string" ? tags["otel.scope.name"] as string : "",
    });
  });
  return { spans, rejected };
}

/**
 * Reads a Jaeger v1 response envelope (`{data: Trace[], errors, …}`) into ServerSpans. Throws a
 * TypeError naming the problem when `data` is not an array of traces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jaegerResponseToSpans } from "./jaeger_v1_spans.ts";
 * const traceID = "83a9efd15c1c98a977e0711cc93ee28b";
 * const body = {
 *   data: [{
 *     traceID,
 *     processes: { p1: { serviceName: "vllm", tags: [] } },
 *     spans: [{
 *       traceID, spanID: "e127af99e3b3e074", operationName: "llm_request", processID: "p1",
 *       references: [{ refType: "CHILD_OF", traceID, spanID: "909541b92cf05311" }],
 *       startTime: 1706678909209712, duration: 123, // µs
 *       tags: [
 *         { key: "span.kind", type: "string", value: "server" },
 *         { key: "gen_ai.usage.prompt_tokens", type: "int64", value: 14 },
 *       ],
 *     }],
 *   }],
 * };
 * const { spans, rejected } = jaegerResponseToSpans(body);
 * assert.equal(rejected.length, 0);
 * assert.equal(spans[0].parent_span_id, "909541b92cf05311");
 * assert.equal(spans[0].kind, 2); // server
 * assert.equal(spans[0].end_time_unix_nano, "1706678909209835000");
 * assert.deepEqual(spans[0].attributes, { "gen_ai.usage.prompt_tokens": 14 });
 * assert.deepEqual(spans[0].resource, { "service.name": "vllm" });
 * ```
 */
export function jaegerResponseToSpans(
  body: unknown,
): { spans: ServerSpan[]; rejected: RejectedJaegerSpan[] } {
  if (!isObject(body) || !Array.isArray(body.data)) {
    throw new TypeError(
      `Jaeger v1 response: expected {"data": [traces]}, got ${JSON.stringify(body)?.slice(0, 120)}`,
    );
  }
  const spans: ServerSpan[] = [];
  const rejected: RejectedJaegerSpan[] = [];
  body.data.forEach((trace, i) => {
    const one = jaegerTraceToSpans(trace, `data[${i}]`);
    spans.push(...one.spans);
    rejected.push(...one.rejected);
  });
  return { spans, rejected };
}
