/**
 * OTLP trace wire formats and the embedded OTLP receiver (gRPC on 4317, HTTP on 4318) that vLLM
 * exports its `llm_request` spans to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startReceiver } from "./mod.ts";
 * const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
 * // then: vllm serve ... --otlp-traces-endpoint <receiver.grpcEndpoint>
 * assert.match(receiver.grpcEndpoint ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
 * await receiver.close();
 * ```
 *
 * @module
 */
export {
  DEFAULT_MAX_BODY_BYTES,
  type OtlpReceiver,
  type ReceiverOptions,
  type ReceiverStats,
  startReceiver,
} from "./receiver.ts";
export { DEFAULT_MAX_SPANS, SpanStore, type SpanStoreOptions } from "./store.ts";
export { handleOtlpHttp, type HttpHandlerContext, TRACES_PATH } from "./http.ts";
export { normalizeSpanId, normalizeTraceId } from "./ids.ts";
export { flattenSpans, type RejectedSpan } from "./spans.ts";
export {
  decodeExportRequest,
  decodeExportResponse,
  encodeExportRequest,
  encodeExportResponse,
  type OtlpExportRequest,
} from "./protobuf.ts";
export { TRACE_EXPORT_METHOD } from "./schema.ts";
export type { ReceiverCounters } from "./ingest.ts";
export type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
} from "./protobuf.ts";
export type { AttributeValue, ServerSpan, TraceSource } from "../types.ts";
