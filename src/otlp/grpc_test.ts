import assert from "node:assert/strict";
import * as grpc from "../deps/grpc_grpc_js.ts";
import { Buffer } from "node:buffer";
import http2 from "node:http2";
import fc from "../deps/fast_check.ts";
import { decodeExportResponse, encodeExportRequest, type OtlpExportRequest } from "./protobuf.ts";
import { type OtlpReceiver, type ReceiverOptions, startReceiver } from "./receiver.ts";
import { TRACE_EXPORT_METHOD } from "./schema.ts";
import {
  gzip,
  gzipBomb,
  llmRequestPayload,
  readFixture,
  readRecordedExport,
  spanIdOf,
  traceIdOf,
  V1_ATTRIBUTES,
} from "./_test_helpers.ts";

async function withReceiver(
  options: ReceiverOptions,
  fn: (receiver: OtlpReceiver) => Promise<void>,
): Promise<void> {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null, ...options });
  try {
    await fn(receiver);
  } finally {
    await receiver.close();
  }
}

interface ExportOutcome {
  error: grpc.ServiceError | null;
  response: ReturnType<typeof decodeExportResponse> | null;
}

async function exportOverGrpc(
  receiver: OtlpReceiver,
  message: Uint8Array,
  { gzip = false, token }: { gzip?: boolean; token?: string } = {},
): Promise<ExportOutcome> {
  const client = new grpc.Client(
    `127.0.0.1:${receiver.grpcPort}`,
    grpc.credentials.createInsecure(),
    gzip ? { "grpc.default_compression_algorithm": grpc.compressionAlgorithms.gzip } : {},
  );
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  try {
    return await new Promise<ExportOutcome>((resolve) => {
      client.makeUnaryRequest(
        TRACE_EXPORT_METHOD,
        (bytes: Uint8Array) => Buffer.from(bytes),
        (bytes: Buffer) => bytes,
        message,
        metadata,
        (error, reply) => {
          resolve({
            error: error ?? null,
            response: reply ? decodeExportResponse(new Uint8Array(reply)) : null,
          });
        },
      );
    });
  } finally {
    client.close();
  }
}

const TRACE = traceIdOf(1);
const CLIENT_SPAN = spanIdOf(100);
const message = (payload: OtlpExportRequest) => encodeExportRequest(payload);

Deno.test("the gRPC receiver stores spans sent plain and gzip-compressed", async () => {
  await withReceiver({}, async (receiver) => {
    for (const [i, gz] of [[1, false], [2, true]] as const) {
      const payload = llmRequestPayload([{
        traceId: traceIdOf(i),
        spanId: spanIdOf(i),
        parentSpanId: CLIENT_SPAN,
      }]);
      const outcome = await exportOverGrpc(receiver, message(payload), { gzip: gz });
      assert.equal(outcome.error, null);
      assert.deepEqual(outcome.response, {});
      const [span] = receiver.store.get(traceIdOf(i))!;
      assert.equal(span.parent_span_id, CLIENT_SPAN);
      assert.deepEqual(span.attributes, V1_ATTRIBUTES);
    }
    assert.deepEqual(receiver.stats(), {
      received_requests: 2,
      accepted_spans: 2,
      rejected_spans: 0,
      bad_requests: 0,
      evicted_spans: 0,
      ignored_spans: 0,
    });
  });
});

Deno.test("the gRPC receiver answers the recorded vLLM span without ids with a partial success", async () => {
  await withReceiver({}, async (receiver) => {
    const payload = JSON.parse(readFixture("llm_request.otlp.json"));
    const span = payload.resourceSpans[0].scopeSpans[0].spans[0];
    delete span.traceId;
    delete span.spanId;
    const outcome = await exportOverGrpc(receiver, message(payload));
    assert.equal(outcome.error, null);
    assert.equal(outcome.response?.partialSuccess?.rejectedSpans, "1");
    assert.match(outcome.response?.partialSuccess?.errorMessage ?? "", /invalid traceId/);
    assert.equal(receiver.store.size, 0);
  });
});

Deno.test("the gRPC receiver stores the export recorded from vLLM's Python exporter", async () => {
  await withReceiver({}, async (receiver) => {
    const outcome = await exportOverGrpc(receiver, readRecordedExport());
    assert.equal(outcome.error, null);
    assert.deepEqual(outcome.response, {});
    const [span] = receiver.store.get("4bf92f3577b34da6a3ce929d0e0e4736")!;
    assert.equal(span.parent_span_id, "00f067aa0ba902b7");
    assert.equal(span.attributes["gen_ai.usage.prompt_tokens"], 14);
    assert.equal(span.attributes["gen_ai.latency.time_to_first_token"], 0.11554598808288574);
  });
});

Deno.test("the gRPC receiver answers undecodable bytes with INVALID_ARGUMENT", async () => {
  await withReceiver({}, async (receiver) => {
    const whole = message(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]));
    for (const bytes of [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), whole.slice(0, 40)]) {
      const outcome = await exportOverGrpc(receiver, bytes);
      assert.equal(outcome.error?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(outcome.error?.details ?? "", /not a protobuf ExportTraceServiceRequest/);
    }
    assert.equal(receiver.stats().bad_requests, 2);
    // Still serving.
    const ok = await exportOverGrpc(receiver, whole);
    assert.equal(ok.error, null);
  });
});

Deno.test("the gRPC receiver answers a wrong or missing bearer token with UNAUTHENTICATED", async () => {
  await withReceiver({ bearerToken: "s3cret" }, async (receiver) => {
    const bytes = message(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]));
    for (const token of [undefined, "wrong"]) {
      const outcome = await exportOverGrpc(receiver, bytes, { token });
      assert.equal(outcome.error?.code, grpc.status.UNAUTHENTICATED, String(token));
    }
    assert.equal(receiver.store.size, 0);
    const ok = await exportOverGrpc(receiver, bytes, { token: "s3cret" });
    assert.equal(ok.error, null);
    assert.equal(receiver.store.size, 1);
  });
});

Deno.test("the gRPC receiver answers a message over maxBodyBytes with RESOURCE_EXHAUSTED", async () => {
  await withReceiver({ maxBodyBytes: 4096 }, async (receiver) => {
    const specs = Array.from({ length: 100 }, (_, i) => ({
      traceId: traceIdOf(i),
      spanId: spanIdOf(i),
    }));
    const outcome = await exportOverGrpc(receiver, message(llmRequestPayload(specs)));
    assert.equal(outcome.error?.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(receiver.store.size, 0);
  });
});

/** Sends one raw gRPC request over HTTP/2 and returns the trailers' grpc-status and message. */
async function rawGrpcCall(
  port: number,
  frame: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: string | undefined; message: string | undefined }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      session.on("error", reject);
      const stream = session.request({
        ":method": "POST",
        ":path": TRACE_EXPORT_METHOD,
        "content-type": "application/grpc",
        te: "trailers",
        ...headers,
      });
      let result: { status: string | undefined; message: string | undefined } | null = null;
      const take = (h: http2.IncomingHttpHeaders) => {
        if (h["grpc-status"] !== undefined) {
          result = {
            status: String(h["grpc-status"]),
            // grpc-message is percent-encoded on the wire.
            message: h["grpc-message"] === undefined
              ? undefined
              : decodeURIComponent(String(h["grpc-message"])),
          };
        }
      };
      stream.on("response", take); // trailers-only responses carry the status in the headers
      stream.on("trailers", take);
      stream.on("data", () => {});
      stream.on("error", reject);
      stream.on("close", () => resolve(result ?? { status: undefined, message: undefined }));
      stream.end(Buffer.from(frame));
    });
  } finally {
    session.close();
  }
}

function grpcFrame(payload: Uint8Array, { compressed = false, declaredLength = payload.length }) {
  const frame = new Uint8Array(5 + payload.length);
  frame[0] = compressed ? 1 : 0;
  new DataView(frame.buffer).setUint32(1, declaredLength);
  frame.set(payload, 5);
  return frame;
}

Deno.test("the gRPC receiver answers a truncated frame with an error and keeps running", async () => {
  await withReceiver({}, async (receiver) => {
    const whole = message(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]));
    // Declares the full length, then the stream ends after a third of the bytes.
    const truncated = grpcFrame(whole.slice(0, Math.floor(whole.length / 3)), {
      declaredLength: whole.length,
    });
    const outcome = await rawGrpcCall(receiver.grpcPort!, truncated);
    assert.notEqual(outcome.status, undefined, "a grpc-status must come back");
    assert.notEqual(outcome.status, "0", `expected an error status, got OK`);
    // grpc-js answers UNIMPLEMENTED "Received no request message ..." for an incomplete frame.
    assert.ok(outcome.message, "the error status carries a message");
    assert.equal(receiver.store.size, 0);
    // A well-formed raw frame on a new connection still works.
    const good = await rawGrpcCall(receiver.grpcPort!, grpcFrame(whole, {}));
    assert.equal(good.status, "0");
    assert.equal(receiver.store.size, 1);
  });
});

Deno.test("the gRPC receiver answers a gzip bomb with RESOURCE_EXHAUSTED", async () => {
  await withReceiver({ maxBodyBytes: 1 << 20 }, async (receiver) => {
    const bomb = await gzipBomb(512 * 1024 * 1024);
    assert.ok(bomb.length < 1 << 20, "the compressed bomb itself is under the limit");
    const rssBefore = Deno.memoryUsage().rss;
    const outcome = await rawGrpcCall(
      receiver.grpcPort!,
      grpcFrame(bomb, { compressed: true }),
      { "grpc-encoding": "gzip" },
    );
    assert.equal(outcome.status, String(grpc.status.RESOURCE_EXHAUSTED));
    assert.match(outcome.message ?? "", /decompresses to a size larger than/);
    // Inflating it would take 512 MiB; grpc-js stops at the limit (measured: about 8 MiB).
    const rssGrowth = Deno.memoryUsage().rss - rssBefore;
    assert.ok(rssGrowth < 256 * 1024 * 1024, `rss grew by ${rssGrowth} bytes`);
  });
});

Deno.test("the gRPC receiver decodes a gzip frame sent over raw HTTP/2", async () => {
  await withReceiver({}, async (receiver) => {
    const whole = message(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]));
    const outcome = await rawGrpcCall(
      receiver.grpcPort!,
      grpcFrame(await gzip(whole), { compressed: true }),
      { "grpc-encoding": "gzip" },
    );
    assert.equal(outcome.status, "0");
    assert.equal(
      receiver.store.get(TRACE)![0].attributes["gen_ai.request.id"],
      V1_ATTRIBUTES["gen_ai.request.id"],
    );
  });
});

Deno.test("the gRPC receiver answers arbitrary message bytes with OK or INVALID_ARGUMENT", async () => {
  await withReceiver({}, async (receiver) => {
    // `timeout` only detects a hung call (10 s per run); it measures no performance.
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), fc.boolean(), async (bytes, gz) => {
        const outcome = await exportOverGrpc(receiver, bytes, { gzip: gz });
        assert.ok(
          outcome.error === null || outcome.error.code === grpc.status.INVALID_ARGUMENT,
          `unexpected status ${outcome.error?.code}: ${outcome.error?.details}`,
        );
      }),
      { numRuns: 40, timeout: 10_000 },
    );
    const stats = receiver.stats();
    assert.equal(stats.received_requests, 40);
  });
});
