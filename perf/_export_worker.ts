/**
 * Worker for perf/receiver_lag.ts: sends `batches` OTLP/gRPC exports of `batchSize` vLLM-sized
 * spans to `endpoint`, one every `intervalMs`, from its own thread, then posts the count sent.
 *
 * @module
 */
import { encodeExportRequest } from "../src/otlp/protobuf.ts";
import { llmRequestPayload, spanIdOf, traceIdOf } from "../src/otlp/_test_helpers.ts";
import { grpcTransport } from "../src/sim/exporter.ts";

interface ExportJob {
  endpoint: string;
  batches: number;
  batchSize: number;
  intervalMs: number;
  /** First trace number, so runs do not repeat ids. */
  offset: number;
}

const scope = globalThis as unknown as {
  onmessage: (event: MessageEvent<ExportJob>) => void;
  postMessage: (message: { sent: number; failed: number }) => void;
};

scope.onmessage = async ({ data: job }) => {
  const bodies = Array.from(
    { length: job.batches },
    (_, b) =>
      encodeExportRequest(llmRequestPayload(Array.from({ length: job.batchSize }, (_, i) => {
        const n = job.offset + b * job.batchSize + i;
        return { traceId: traceIdOf(n), spanId: spanIdOf(n) };
      }))),
  );
  const transport = grpcTransport(job.endpoint, 10_000);
  let sent = 0;
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  for (const body of bodies) {
    inFlight.push(transport.send(body).then(() => void sent++, () => void failed++));
    await new Promise((resolve) => setTimeout(resolve, job.intervalMs));
  }
  await Promise.all(inFlight);
  // No transport.close(): a GOAWAY on a node:http2 session can abort Deno 2.9.6 (nghttp2
  // assertion, denoland/deno#36788); the harness terminates this worker instead.
  scope.postMessage({ sent, failed });
};
