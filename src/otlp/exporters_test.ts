/**
 * The receiver decodes what real OpenTelemetry JS exporters send (gRPC with and without gzip,
 * HTTP protobuf, HTTP JSON), for spans shaped like vLLM's `llm_request`.
 */
import assert from "node:assert/strict";
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from "../deps/opentelemetry_api.ts";
import { OTLPTraceExporter as GrpcExporter } from "../deps/opentelemetry_exporter_trace_otlp_grpc.ts";
import { OTLPTraceExporter as HttpJsonExporter } from "../deps/opentelemetry_exporter_trace_otlp_http.ts";
import { OTLPTraceExporter as HttpProtoExporter } from "../deps/opentelemetry_exporter_trace_otlp_proto.ts";
import { resourceFromAttributes } from "../deps/opentelemetry_resources.ts";
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from "../deps/opentelemetry_sdk_trace.ts";
import { nowMs } from "../util/clock.ts";
import { type OtlpReceiver, startReceiver } from "./receiver.ts";
import { V0_ATTRIBUTES, V1_ATTRIBUTES } from "./_test_helpers.ts";

type ExporterKind = "grpc" | "grpc+gzip" | "http/protobuf" | "http/protobuf+gzip" | "http/json";

function makeExporter(kind: ExporterKind, receiver: OtlpReceiver): SpanExporter {
  switch (kind) {
    case "grpc":
      return new GrpcExporter({ url: receiver.grpcEndpoint!, compression: "none" as never });
    case "grpc+gzip":
      return new GrpcExporter({ url: receiver.grpcEndpoint!, compression: "gzip" as never });
    case "http/protobuf":
      return new HttpProtoExporter({ url: receiver.httpEndpoint! });
    case "http/protobuf+gzip":
      return new HttpProtoExporter({ url: receiver.httpEndpoint!, compression: "gzip" as never });
    case "http/json":
      return new HttpJsonExporter({ url: receiver.httpEndpoint! });
  }
}

interface Emitted {
  traceId: string;
  clientSpanId: string;
  serverSpanId: string;
}

/**
 * Emits one `llm_request` SERVER span the way vLLM does: a child of the client's remote
 * traceparent context, scope "vllm.llm_engine", ending after the request.
 */
async function emitLlmRequestSpan(
  exporter: SpanExporter,
  processor: "batch" | "simple",
  traceId: string,
  attributes: Record<string, string | number>,
): Promise<Emitted> {
  const spanProcessor: SpanProcessor = processor === "batch"
    ? new BatchSpanProcessor({ exporter, scheduledDelayMillis: 10 })
    : new SimpleSpanProcessor({ exporter });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "vllm-server" }),
    spanProcessors: [spanProcessor],
  });
  const clientSpanId = "b7ad6b7169203331";
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: clientSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  try {
    const span = provider.getTracer("vllm.llm_engine").startSpan(
      "llm_request",
      { kind: SpanKind.SERVER, attributes, startTime: [1790341371, 953418752] },
      parent,
    );
    span.end([1790341372, 208341144]);
    await provider.forceFlush();
    return { traceId, clientSpanId, serverSpanId: span.spanContext().spanId };
  } finally {
    await provider.shutdown();
  }
}

const CASES: { kind: ExporterKind; processor: "batch" | "simple" }[] = [
  { kind: "grpc", processor: "batch" },
  { kind: "grpc+gzip", processor: "simple" },
  { kind: "http/protobuf", processor: "batch" },
  { kind: "http/protobuf+gzip", processor: "simple" },
  { kind: "http/json", processor: "batch" },
];

for (const [index, { kind, processor }] of CASES.entries()) {
  for (const [version, attributes] of [["V1", V1_ATTRIBUTES], ["V0", V0_ATTRIBUTES]] as const) {
    Deno.test(
      `the receiver decodes a vLLM ${version} llm_request span from the OTel JS ${kind} exporter (${processor} processor)`,
      async () => {
        const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
        try {
          const traceId = `4bf92f3577b34da6a3ce929d0e0e47${index}${version === "V1" ? "1" : "0"}`;
          const emitted = await emitLlmRequestSpan(
            makeExporter(kind, receiver),
            processor,
            traceId,
            attributes,
          );
          const found = await receiver.getSpans([traceId], { deadline_ms: nowMs() + 10_000 });
          const spans = found.get(traceId);
          assert.ok(spans, `no span arrived for ${traceId}`);
          assert.equal(spans.length, 1);
          const [span] = spans;
          assert.equal(span.trace_id, traceId);
          assert.equal(span.span_id, emitted.serverSpanId);
          assert.equal(span.parent_span_id, emitted.clientSpanId);
          assert.equal(span.name, "llm_request");
          assert.equal(span.kind, 2);
          assert.equal(span.scope, "vllm.llm_engine");
          assert.equal(span.resource["service.name"], "vllm-server");
          assert.equal(span.start_time_unix_nano, "1790341371953418752");
          assert.equal(span.end_time_unix_nano, "1790341372208341144");
          assert.deepEqual(span.attributes, attributes);
          const stats = receiver.stats();
          assert.equal(stats.accepted_spans, 1);
          assert.equal(stats.bad_requests, 0);
        } finally {
          await receiver.close();
        }
      },
    );
  }
}
