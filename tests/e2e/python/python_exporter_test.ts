/**
 * The embedded receiver against vLLM's own exporter: the OpenTelemetry Python SDK and its OTLP
 * exporters (python/requirements.txt), driven the way vLLM's tracing code drives them.
 */
import assert from "node:assert/strict";
import { startReceiver } from "../../../src/otlp/receiver.ts";
import {
  assertSameSpan,
  emitWithPython,
  randomHex,
  type RequestStats,
  requestStats,
  traceparent,
} from "./_emitter.ts";

/** Three requests, each with a fresh sampled traceparent; returns them and their client ids. */
function sampledRequests(count: number) {
  const clients = Array.from({ length: count }, () => ({
    traceId: randomHex(16),
    spanId: randomHex(8),
  }));
  const requests: RequestStats[] = clients.map((c, i) => ({
    ...requestStats(i),
    trace_headers: { traceparent: traceparent(c.traceId, c.spanId) },
  }));
  return { clients, requests };
}

for (
  const [protocol, endpointOf] of [
    ["grpc", (r: { grpcEndpoint: string | null }) => r.grpcEndpoint!],
    ["http/protobuf", (r: { httpEndpoint: string | null }) => r.httpEndpoint!],
  ] as const
) {
  Deno.test(`vLLM's Python exporter delivers every llm_request value exactly over ${protocol}`, async () => {
    const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
    try {
      const { clients, requests } = sampledRequests(3);
      const sent = await emitWithPython(endpointOf(receiver), requests, {
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        OTEL_SERVICE_NAME: "vllm-server",
      });
      assert.equal(sent.length, 3);
      sent.forEach((span, i) => {
        // The parent is the client's span from traceparent: this is what the join relies on.
        assert.equal(span.trace_id, clients[i].traceId);
        assert.equal(span.parent_span_id, clients[i].spanId);
        assert.equal(span.attributes["gen_ai.usage.prompt_tokens"].type, "int");
        assert.equal(span.attributes["gen_ai.latency.e2e"].type, "double");
        const stored = receiver.store.get(span.trace_id);
        assert.equal(stored?.length, 1, `trace ${span.trace_id} stored once`);
        assertSameSpan(stored![0], span);
        assert.equal(stored![0].resource["service.name"], "vllm-server");
        assert.equal(
          stored![0].resource["vllm.process_id"],
          span.resource["vllm.process_id"].value,
        );
      });
      assert.equal(receiver.stats().accepted_spans, 3);
      assert.equal(receiver.stats().rejected_spans, 0);
    } finally {
      await receiver.close();
    }
  });
}

Deno.test("vLLM's Python exporter reaches a receiver that wants a bearer token, gzip-compressed", async () => {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0, bearerToken: "s3cret" });
  try {
    for (const protocol of ["grpc", "http/protobuf"]) {
      const { requests } = sampledRequests(2);
      const endpoint = protocol === "grpc" ? receiver.grpcEndpoint! : receiver.httpEndpoint!;
      const sent = await emitWithPython(endpoint, requests, {
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "authorization=Bearer s3cret",
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "gzip",
      });
      for (const span of sent) assertSameSpan(receiver.store.get(span.trace_id)![0], span);
    }
    assert.equal(receiver.stats().accepted_spans, 4);
    assert.equal(receiver.stats().bad_requests, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("vLLM's Python exporter: no traceparent gives a root span, an unsampled one no span", async () => {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  try {
    const unsampled = { traceId: randomHex(16), spanId: randomHex(8) };
    const requests: RequestStats[] = [
      { ...requestStats(0), temperature: 0, top_p: 0.95, n: 1 }, // no trace headers at all
      {
        ...requestStats(1),
        trace_headers: { traceparent: traceparent(unsampled.traceId, unsampled.spanId, "00") },
      },
    ];
    const sent = await emitWithPython(receiver.grpcEndpoint!, requests);
    assert.equal(sent.length, 1, "the SDK records nothing for a traceparent with flags 00");
    const [root] = sent;
    assert.equal(root.parent_span_id, null);
    assert.notEqual(root.trace_id, unsampled.traceId);
    // temperature 0 is falsy: vLLM leaves the attribute out; top_p and n are kept.
    assert.equal(root.attributes["gen_ai.request.temperature"], undefined);
    assert.deepEqual(root.attributes["gen_ai.request.top_p"], { type: "double", value: 0.95 });
    assert.deepEqual(root.attributes["gen_ai.request.n"], { type: "int", value: 1 });
    assertSameSpan(receiver.store.get(root.trace_id)![0], root);
    assert.equal(receiver.store.get(unsampled.traceId), undefined);
    assert.equal(receiver.stats().accepted_spans, 1);
  } finally {
    await receiver.close();
  }
});
