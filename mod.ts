/**
 * vllm-metrics: per-request performance of a vLLM server, client and server side joined.
 *
 * @module
 */
export type * from "./src/types.ts";
export { normalizeSpanId, normalizeTraceId } from "./src/otlp/ids.ts";
export { flattenSpans } from "./src/otlp/spans.ts";
export { decodeExportRequest, encodeExportRequest } from "./src/otlp/protobuf.ts";
