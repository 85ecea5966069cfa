/**
 * The `llm_request` span of a finished request, with vLLM V1's attribute names and types
 * (durations as double seconds, counts as int), in OTLP/JSON shape for
 * `encodeExportRequest`.
 *
 * @module
 */
import type { OtlpExportRequest, OtlpKeyValue, OtlpSpan } from "../otlp/protobuf.ts";
import { SPAN_NAME } from "../metrics/server.ts";

/**
 * vLLM's instrumentation scope name: `vllm.tracing.otel` since Feb 2026 (seen from vLLM 0.32.0);
 * `vllm.llm_engine` before. The module name moved to the resource attribute
 * `vllm.instrumenting_module_name`.
 */
export const SPAN_SCOPE = "vllm.tracing.otel";
/** OTLP SpanKind SERVER. */
export const SPAN_KIND_SERVER = 2;

/** Everything a request span says. Times are epoch ms; durations seconds. */
export interface RequestSpanInput {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  start_ms: number;
  end_ms: number;
  /** `chatcmpl-<id>` or `cmpl-<id>-0`. */
  request_id: string;
  prompt_tokens: number;
  completion_tokens: number;
  queue_s: number;
  ttft_s: number;
  e2e_s: number;
  prefill_s: number;
  decode_s: number;
  inference_s: number;
  /** Sampling parameters; each becomes an attribute only when truthy, as in V1. */
  temperature: number;
  top_p: number;
  max_tokens: number;
  n: number;
}

/** Epoch ms (float) → epoch ns as a decimal string, exact to the ns of the float's value. */
export function msToNanosString(ms: number): string {
  const whole = Math.floor(ms);
  const fracNs = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fracNs)).toString();
}

const int = (key: string, value: number): OtlpKeyValue => ({
  key,
  value: { intValue: String(Math.trunc(value)) },
});
const double = (key: string, value: number): OtlpKeyValue => ({
  key,
  value: { doubleValue: value },
});

/**
 * Builds the span.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildRequestSpan } from "./span.ts";
 * const span = buildRequestSpan({
 *   trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331",
 *   parent_span_id: null, start_ms: 1, end_ms: 2, request_id: "chatcmpl-x", prompt_tokens: 3,
 *   completion_tokens: 4, queue_s: 0, ttft_s: 0.1, e2e_s: 0.2, prefill_s: 0.05, decode_s: 0.1,
 *   inference_s: 0.15, temperature: 0, top_p: 1, max_tokens: 4, n: 1,
 * });
 * assert.equal(span.name, "llm_request");
 * const keys = span.attributes?.map((a) => a.key) ?? [];
 * assert.ok(keys.includes("gen_ai.request.top_p"));
 * assert.ok(!keys.includes("gen_ai.request.temperature")); // vLLM omits it when 0
 * ```
 */
export function buildRequestSpan(input: RequestSpanInput): OtlpSpan {
  // In vLLM 0.32.0's order: latencies and usage, the request id, then the truthy parameters.
  const attributes: OtlpKeyValue[] = [
    double("gen_ai.latency.time_to_first_token", input.ttft_s),
    double("gen_ai.latency.e2e", input.e2e_s),
    double("gen_ai.latency.time_in_queue", input.queue_s),
    int("gen_ai.usage.prompt_tokens", input.prompt_tokens),
    int("gen_ai.usage.completion_tokens", input.completion_tokens),
    double("gen_ai.latency.time_in_model_prefill", input.prefill_s),
    double("gen_ai.latency.time_in_model_decode", input.decode_s),
    double("gen_ai.latency.time_in_model_inference", input.inference_s),
    { key: "gen_ai.request.id", value: { stringValue: input.request_id } },
  ];
  if (input.top_p) attributes.push(double("gen_ai.request.top_p", input.top_p));
  if (input.max_tokens) attributes.push(int("gen_ai.request.max_tokens", input.max_tokens));
  if (input.temperature) attributes.push(double("gen_ai.request.temperature", input.temperature));
  if (input.n) attributes.push(int("gen_ai.request.n", input.n));
  const span: OtlpSpan = {
    traceId: input.trace_id,
    spanId: input.span_id,
    name: SPAN_NAME,
    kind: SPAN_KIND_SERVER,
    startTimeUnixNano: msToNanosString(input.start_ms),
    endTimeUnixNano: msToNanosString(input.end_ms),
    attributes,
    status: { code: 0 },
  };
  if (input.parent_span_id) span.parentSpanId = input.parent_span_id;
  return span;
}

/**
 * Wraps spans in one ResourceSpans / ScopeSpans with the given service name, and the resource
 * attributes vLLM 0.32.0's frontend process sets (`service.instance.id` is a UUID per exporter;
 * `vllm.process_id` is a string).
 */
export function exportRequestOf(
  spans: OtlpSpan[],
  serviceName: string,
  instanceId = "00000000-0000-0000-0000-000000000000",
): OtlpExportRequest {
  const text = (key: string, value: string): OtlpKeyValue => ({
    key,
    value: { stringValue: value },
  });
  return {
    resourceSpans: [{
      resource: {
        attributes: [
          text("telemetry.sdk.language", "python"),
          text("telemetry.sdk.name", "opentelemetry"),
          text("telemetry.sdk.version", "1.45.2"),
          text("service.instance.id", instanceId),
          text("service.name", serviceName),
          text("vllm.instrumenting_module_name", "vllm.llm_engine"),
          text("vllm.process_id", String(Deno.pid)),
        ],
      },
      scopeSpans: [{ scope: { name: SPAN_SCOPE }, spans }],
    }],
  };
}
