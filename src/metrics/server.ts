/**
 * Server-side metrics: the one place where the `llm_request` span's attributes become
 * `server_*` fields, and where the client/server derived metrics are defined
 * (docs/metrics.md, "Server-side metrics").
 *
 * vLLM reports durations in **seconds** (`gen_ai.latency.*`), converted here to ms. Token counts
 * and request parameters may arrive as numbers or as decimal strings (OTLP/JSON int64). An
 * absent or unreadable attribute gives `null`, never 0.
 *
 * @module
 */
import type { AttributeValue, RequestRecord, ServerSpan } from "../types.ts";

/** The name of vLLM's request span (`do_tracing`, vllm/v1/engine/output_processor.py). */
export const SPAN_NAME = "llm_request";

/**
 * The attribute names vLLM sets on `llm_request`: `SpanAttributes` in vLLM's
 * [vllm/tracing/utils.py](https://github.com/vllm-project/vllm/blob/main/vllm/tracing/utils.py),
 * set by `do_tracing` in vllm/v1/engine/output_processor.py.
 */
export const SPAN_ATTRIBUTES = {
  requestId: "gen_ai.request.id",
  temperature: "gen_ai.request.temperature",
  topP: "gen_ai.request.top_p",
  maxTokens: "gen_ai.request.max_tokens",
  n: "gen_ai.request.n",
  promptTokens: "gen_ai.usage.prompt_tokens",
  completionTokens: "gen_ai.usage.completion_tokens",
  queue: "gen_ai.latency.time_in_queue",
  ttft: "gen_ai.latency.time_to_first_token",
  e2e: "gen_ai.latency.e2e",
  prefill: "gen_ai.latency.time_in_model_prefill",
  decode: "gen_ai.latency.time_in_model_decode",
  inference: "gen_ai.latency.time_in_model_inference",
  scheduler: "gen_ai.latency.time_in_scheduler",
  modelForward: "gen_ai.latency.time_in_model_forward",
  modelExecute: "gen_ai.latency.time_in_model_execute",
} as const;

/** The server-side fields {@link serverMetrics} fills. */
export type ServerMetrics = Pick<
  RequestRecord,
  | "server_queue_ms"
  | "server_prefill_ms"
  | "server_decode_ms"
  | "server_inference_ms"
  | "server_ttft_ms"
  | "server_e2e_ms"
  | "server_scheduler_ms"
  | "server_model_forward_ms"
  | "server_model_execute_ms"
  | "server_prompt_tokens"
  | "server_completion_tokens"
  | "server_start_ms"
>;

/** The derived fields {@link derivedMetrics} fills. */
export type DerivedMetrics = Pick<RequestRecord, "client_overhead_ms" | "server_frontend_ms">;

/** Every server-side and derived metric field, null: a record with no span joined. */
export const NO_SERVER_METRICS: Readonly<{ [K in keyof (ServerMetrics & DerivedMetrics)]: null }> =
  Object.freeze({
    server_queue_ms: null,
    server_prefill_ms: null,
    server_decode_ms: null,
    server_inference_ms: null,
    server_ttft_ms: null,
    server_e2e_ms: null,
    server_scheduler_ms: null,
    server_model_forward_ms: null,
    server_model_execute_ms: null,
    server_prompt_tokens: null,
    server_completion_tokens: null,
    server_start_ms: null,
    client_overhead_ms: null,
    server_frontend_ms: null,
  });

/** The sampling parameters the span carries; null when absent (V1 omits falsy ones, e.g. temperature 0). */
export interface ServerRequestParams {
  temperature: number | null;
  top_p: number | null;
  max_tokens: number | null;
  n: number | null;
}

/**
 * Reads an attribute as a finite number: numbers as they are, numeric strings parsed
 * (OTLP/JSON int64 arrives as `"14"`). Anything else (absent, empty, NaN, object) gives null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberAttribute } from "./server.ts";
 * assert.equal(numberAttribute({ a: "14" }, "a"), 14);
 * assert.equal(numberAttribute({}, "a"), null);
 * ```
 */
export function numberAttribute(
  attributes: Record<string, AttributeValue>,
  key: string,
): number | null {
  const value = attributes[key];
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** A duration attribute in seconds → ms (null when absent or unreadable). */
function secondsAttributeToMs(attributes: Record<string, AttributeValue>, key: string) {
  const seconds = numberAttribute(attributes, key);
  return seconds === null ? null : seconds * 1000;
}

/** An integer attribute (token count); null when absent or not an integer. */
function integerAttribute(attributes: Record<string, AttributeValue>, key: string) {
  const value = numberAttribute(attributes, key);
  return value !== null && Number.isInteger(value) ? value : null;
}

function checkedAttributes(span: ServerSpan, caller: string): Record<string, AttributeValue> {
  if (span === null || typeof span !== "object") {
    throw new TypeError(`${caller}: span must be a ServerSpan object, got ${String(span)}`);
  }
  const attributes = span.attributes;
  if (attributes === null || typeof attributes !== "object" || Array.isArray(attributes)) {
    throw new TypeError(
      `${caller}: span.attributes of span ${span.span_id} must be an object, got ${
        JSON.stringify(attributes)
      }`,
    );
  }
  return attributes;
}

/**
 * The server-side metrics of one `llm_request` span.
 *
 * - Durations: `gen_ai.latency.*` seconds × 1000.
 * - `server_inference_ms`: `time_in_model_inference` when present; otherwise
 *   prefill + decode when both are present (identical by vLLM's definition: both are
 *   `last_token − scheduled` on the engine-core clock); otherwise null.
 * - V0-only fields (scheduler, model forward/execute) are null on V1 spans; V1-only fields
 *   (prefill, decode, inference) are null on V0 spans.
 * - `server_start_ms`: the span's start (the server's arrival time), epoch ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverMetrics } from "./server.ts";
 * const m = serverMetrics({
 *   trace_id: "0".repeat(31) + "1", span_id: "0".repeat(15) + "2", parent_span_id: null,
 *   name: "llm_request", kind: 2, start_time_unix_nano: "1000000000",
 *   end_time_unix_nano: "2000000000", start_ms: 1000, end_ms: 2000,
 *   attributes: { "gen_ai.latency.time_to_first_token": 0.1, "gen_ai.usage.prompt_tokens": "14" },
 *   resource: {}, scope: "vllm.llm_engine",
 * });
 * assert.deepEqual([m.server_ttft_ms, m.server_prompt_tokens, m.server_e2e_ms], [100, 14, null]);
 * ```
 */
export function serverMetrics(span: ServerSpan): ServerMetrics {
  const a = checkedAttributes(span, "serverMetrics");
  const k = SPAN_ATTRIBUTES;
  const prefill = secondsAttributeToMs(a, k.prefill);
  const decode = secondsAttributeToMs(a, k.decode);
  const inference = secondsAttributeToMs(a, k.inference) ??
    (prefill !== null && decode !== null ? prefill + decode : null);
  return {
    server_queue_ms: secondsAttributeToMs(a, k.queue),
    server_prefill_ms: prefill,
    server_decode_ms: decode,
    server_inference_ms: inference,
    server_ttft_ms: secondsAttributeToMs(a, k.ttft),
    server_e2e_ms: secondsAttributeToMs(a, k.e2e),
    server_scheduler_ms: secondsAttributeToMs(a, k.scheduler),
    server_model_forward_ms: secondsAttributeToMs(a, k.modelForward),
    server_model_execute_ms: secondsAttributeToMs(a, k.modelExecute),
    server_prompt_tokens: integerAttribute(a, k.promptTokens),
    server_completion_tokens: integerAttribute(a, k.completionTokens),
    server_start_ms: Number.isFinite(span.start_ms) ? span.start_ms : null,
  };
}

/**
 * The sampling parameters recorded on the span (`gen_ai.request.*`). They are kept, raw, in
 * `server_spans[].attributes`; this reads them as numbers. V1 sets each only when truthy, so
 * `temperature: 0` on the request shows up here as null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverRequestParams } from "./server.ts";
 * import type { ServerSpan } from "../types.ts";
 * const span: ServerSpan = {
 *   trace_id: "0".repeat(31) + "1", span_id: "0".repeat(15) + "2", parent_span_id: null,
 *   name: "llm_request", kind: 2, start_time_unix_nano: "1000000000",
 *   end_time_unix_nano: "2000000000", start_ms: 1000, end_ms: 2000,
 *   attributes: { "gen_ai.request.max_tokens": "8", "gen_ai.request.n": 1 },
 *   resource: {}, scope: "vllm.llm_engine",
 * };
 * assert.deepEqual(serverRequestParams(span), {
 *   temperature: null, top_p: null, max_tokens: 8, n: 1,
 * });
 * ```
 */
export function serverRequestParams(span: ServerSpan): ServerRequestParams {
  const a = checkedAttributes(span, "serverRequestParams");
  const k = SPAN_ATTRIBUTES;
  return {
    temperature: numberAttribute(a, k.temperature),
    top_p: numberAttribute(a, k.topP),
    max_tokens: integerAttribute(a, k.maxTokens),
    n: integerAttribute(a, k.n),
  };
}

/**
 * Metrics that combine client and server measurements, `client_overhead_ms` =
 * `ttft_ms − server_ttft_ms` and `server_frontend_ms` =
 * `server_e2e_ms − server_inference_ms − server_queue_ms`; each is null when one of its inputs
 * is. What they mean: docs/metrics.md, "Derived metrics".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { derivedMetrics } from "./server.ts";
 * const derived = derivedMetrics({
 *   ttft_ms: 130, server_ttft_ms: 115, server_e2e_ms: 250, server_inference_ms: 190,
 *   server_queue_ms: 1,
 * });
 * assert.deepEqual(derived, { client_overhead_ms: 15, server_frontend_ms: 59 });
 * ```
 */
export function derivedMetrics(
  record: Pick<
    RequestRecord,
    "ttft_ms" | "server_ttft_ms" | "server_e2e_ms" | "server_inference_ms" | "server_queue_ms"
  >,
): DerivedMetrics {
  const { ttft_ms, server_ttft_ms, server_e2e_ms, server_inference_ms, server_queue_ms } = record;
  return {
    client_overhead_ms: isNumber(ttft_ms) && isNumber(server_ttft_ms)
      ? ttft_ms - server_ttft_ms
      : null,
    server_frontend_ms:
      isNumber(server_e2e_ms) && isNumber(server_inference_ms) && isNumber(server_queue_ms)
        ? server_e2e_ms - server_inference_ms - server_queue_ms
        : null,
  };
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
