/**
 * vllm-metrics/otlp: the OTLP trace wire format under the embedded receiver, for tools that
 * build, forward or inspect vLLM's span exports themselves. Most users need only `startReceiver`
 * and `flattenSpans` from the main module.
 *
 * - `encodeExportRequest` / `decodeExportRequest`: an `ExportTraceServiceRequest` (OTLP/JSON
 *   shape, the `Otlp*` types) to and from OTLP/protobuf bytes.
 * - `SpanStore`: the bounded store of spans by trace id that `receiver.store` is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeExportRequest, encodeExportRequest, type OtlpExportRequest } from "./otlp.ts";
 * const request: OtlpExportRequest = {
 *   resourceSpans: [{ scopeSpans: [{ spans: [{
 *     traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7",
 *     name: "llm_request", startTimeUnixNano: "1700000000000000000",
 *     endTimeUnixNano: "1700000000045000000",
 *   }] }] }],
 * };
 * const bytes = encodeExportRequest(request); // what vLLM's gRPC exporter sends
 * const [span] = decodeExportRequest(bytes).resourceSpans![0].scopeSpans![0].spans!;
 * assert.equal(span.name, "llm_request");
 * assert.equal(span.traceId, "0af7651916cd43dd8448eb211c80319c");
 * ```
 *
 * @module
 */
export { decodeExportRequest, encodeExportRequest, SpanStore } from "./src/otlp/mod.ts";
export type {
  OtlpAnyValue,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
} from "./src/otlp/mod.ts";
