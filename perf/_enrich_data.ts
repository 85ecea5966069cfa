/**
 * Deterministic data for perf/enrich.ts and its mock Jaeger: N request records and, for each,
 * the vLLM V1 `llm_request` span that belongs to it (same trace id, parent = the record's span
 * id), as OTLP/JSON and as a Jaeger v1 trace object.
 *
 * @module
 */
import type { OtlpExportRequest } from "../src/otlp/protobuf.ts";
import {
  llmRequestPayload,
  spanIdOf,
  traceIdOf,
  V1_ATTRIBUTES,
} from "../src/otlp/_test_helpers.ts";
import type { RequestRecord } from "../src/types.ts";
import { NO_SERVER_METRICS } from "../src/metrics/server.ts";

/** Ids and times of request i, with records starting 2 ms apart from `t0Ms`. */
export function item(i: number, t0Ms: number) {
  const startMs = t0Ms + i * 2;
  return {
    traceId: traceIdOf(i),
    clientSpanId: spanIdOf(2 * i),
    serverSpanId: spanIdOf(2 * i + 1),
    requestId: `vm-perf-${i}`,
    /** Epoch µs of the server span's start (1 ms after the client's). */
    spanStartUs: Math.round((startMs + 1) * 1000),
    spanDurationUs: 253_597,
    startMs,
  };
}

/** vLLM V1 attributes of request i's span. */
export function attributesOf(i: number): Record<string, string | number | boolean> {
  return { ...V1_ATTRIBUTES, "gen_ai.request.id": `chatcmpl-vm-perf-${i}` };
}

/** OTLP export requests holding spans [from, to), `batch` per request. */
export function otlpBatches(from: number, to: number, batch: number, t0Ms: number) {
  const out: OtlpExportRequest[] = [];
  for (let b = from; b < to; b += batch) {
    const specs = [];
    for (let i = b; i < Math.min(to, b + batch); i++) {
      const it = item(i, t0Ms);
      specs.push({
        traceId: it.traceId,
        spanId: it.serverSpanId,
        parentSpanId: it.clientSpanId,
        attributes: attributesOf(i),
        startTimeUnixNano: `${it.spanStartUs}000`,
        endTimeUnixNano: `${it.spanStartUs + it.spanDurationUs}000`,
      });
    }
    out.push(llmRequestPayload(specs));
  }
  return out;
}

function jaegerTag(key: string, value: string | number | boolean) {
  if (typeof value === "string") return { key, type: "string", value };
  if (typeof value === "boolean") return { key, type: "bool", value };
  return { key, type: Number.isInteger(value) ? "int64" : "float64", value };
}

/** Request i's trace as Jaeger v1 returns it (one span; the collector's OTLP translation tags). */
export function jaegerTrace(i: number, t0Ms: number): Record<string, unknown> {
  const it = item(i, t0Ms);
  return {
    traceID: it.traceId,
    spans: [{
      traceID: it.traceId,
      spanID: it.serverSpanId,
      operationName: "llm_request",
      references: [{ refType: "CHILD_OF", traceID: it.traceId, spanID: it.clientSpanId }],
      startTime: it.spanStartUs,
      duration: it.spanDurationUs,
      tags: [
        jaegerTag("otel.scope.name", "vllm.llm_engine"),
        ...Object.entries(attributesOf(i)).map(([k, v]) => jaegerTag(k, v)),
        jaegerTag("span.kind", "server"),
      ],
      logs: [],
      processID: "p1",
      // As recorded from a real Jaeger (src/enrich/testdata/jaeger-real): the client's span is
      // never sent, so Jaeger warns on every vLLM span.
      warnings: [`invalid parent span IDs=${it.clientSpanId}; skipping clock skew adjustment`],
    }],
    processes: {
      p1: {
        serviceName: "vllm-server",
        tags: [
          jaegerTag("service.instance.id", "2d6a540b-8f9e-444d-a28e-ffa8258a539b"),
          jaegerTag("telemetry.sdk.language", "python"),
          jaegerTag("telemetry.sdk.name", "opentelemetry"),
          jaegerTag("telemetry.sdk.version", "1.45.2"),
          jaegerTag("vllm.instrumenting_module_name", "vllm.llm_engine"),
          jaegerTag("vllm.process_id", "27229"),
        ],
      },
    },
    warnings: null,
  };
}

/** A successful streamed record for request i, not enriched yet. */
export function recordOf(i: number, t0Ms: number): RequestRecord {
  const it = item(i, t0Ms);
  return {
    run_id: "perf-enrich",
    index: i,
    request_id: it.requestId,
    trace_id: it.traceId,
    span_id: it.clientSpanId,
    sampled: true,
    response_id: `chatcmpl-${it.requestId}`,
    endpoint: "chat",
    model: "m",
    stream: true,
    tag: null,
    params: { max_tokens: 8 },
    scheduled_ms: it.startMs,
    start_ms: it.startMs,
    lateness_ms: 0,
    headers_ms: 2,
    ttft_ms: 120,
    e2e_ms: 260,
    tpot_ms: 20,
    itl_ms: [20, 20, 20, 20, 20, 20, 20],
    chunk_times_ms: [120, 140, 160, 180, 200, 220, 240, 260],
    chunk_tokens: null,
    first_chunk_ms: 120,
    last_chunk_ms: 260,
    non_content_chunk_times_ms: [120],
    prompt_tokens: 14,
    completion_tokens: 8,
    token_source: "usage",
    finish_reason: "length",
    output_chars: 32,
    success: true,
    error: null,
    span_status: "not_enriched",
    span_note: null,
    trace_url: null,
    ...NO_SERVER_METRICS,
    server_spans: [],
  };
}
