import assert from "node:assert/strict";
import { decodeExportRequest, type OtlpSpan } from "../otlp/protobuf.ts";
import { BatchSpanExporter, grpcTarget, type OtlpTransport } from "./exporter.ts";

function span(i: number): OtlpSpan {
  return {
    traceId: "1".repeat(32),
    spanId: (i + 1).toString(16).padStart(16, "0"),
    name: "llm_request",
    kind: 2,
    startTimeUnixNano: "1",
    endTimeUnixNano: "2",
  };
}

function recordingTransport(fail = false) {
  const batches: number[] = [];
  const transport: OtlpTransport = {
    send(body) {
      const request = decodeExportRequest(body);
      batches.push(request.resourceSpans![0].scopeSpans![0].spans!.length);
      return fail ? Promise.reject(new Error("down")) : Promise.resolve();
    },
    close() {},
  };
  return { batches, transport };
}

const base = { endpoint: "http://127.0.0.1:1", protocol: "grpc" as const, serviceName: "s" };

Deno.test("BatchSpanExporter sends full batches at once and the rest on flush", async () => {
  const { batches, transport } = recordingTransport();
  const exporter = new BatchSpanExporter(
    { ...base, exportDelayMs: 60_000, maxExportBatchSize: 3 },
    transport,
  );
  for (let i = 0; i < 7; i++) exporter.add(span(i));
  assert.deepEqual(batches, [3, 3], "two full batches left without waiting");
  assert.equal(exporter.stats().pending, 1);
  await exporter.close();
  assert.deepEqual(batches, [3, 3, 1]);
  assert.deepEqual(exporter.stats(), { exported: 7, failed: 0, dropped: 0, pending: 0 });
});

Deno.test("BatchSpanExporter drops spans beyond the queue limit and counts failures once logged", async () => {
  const { transport } = recordingTransport(true);
  const failures: unknown[] = [];
  const exporter = new BatchSpanExporter({
    ...base,
    exportDelayMs: 60_000,
    maxQueueSize: 2,
    onFirstFailure: (e) => failures.push(e),
  }, transport);
  for (let i = 0; i < 5; i++) exporter.add(span(i));
  await exporter.flush();
  exporter.add(span(9));
  await exporter.close();
  assert.deepEqual(exporter.stats(), { exported: 0, failed: 3, dropped: 3, pending: 0 });
  assert.equal(failures.length, 1, "only the first failure is reported");
});

Deno.test("grpcTarget() turns an endpoint URL into host:port", () => {
  assert.equal(grpcTarget("http://127.0.0.1:4317"), "127.0.0.1:4317");
  assert.equal(grpcTarget("grpc://collector:5555/"), "collector:5555");
  assert.equal(grpcTarget("http://collector"), "collector:4317");
});
