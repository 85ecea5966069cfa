import assert from "node:assert/strict";
import * as grpc from "../deps/grpc_grpc_js.ts";
import { Buffer } from "node:buffer";
import {
  decodeExportRequest,
  encodeExportResponse,
  type OtlpExportRequest,
} from "../otlp/protobuf.ts";
import { flattenSpans } from "../otlp/spans.ts";
import { TRACE_EXPORT_METHOD } from "../otlp/schema.ts";
import type { ServerSpan } from "../types.ts";
import { startSimulator } from "./server.ts";
import type { SimulatorOptions } from "./options.ts";
import { postJson, readSse } from "./_test_support.ts";

const FAST: SimulatorOptions = {
  decodeStepMs: 1,
  decodeStepMsPerSeq: 0,
  prefillBaseMs: 1,
  prefillMsPerToken: 0,
  frontendOverheadMs: 1,
  recordGroundTruth: true,
  exportDelayMs: 50,
  log: false,
};

interface Collector {
  endpoint: string;
  requests: OtlpExportRequest[];
  spans(): ServerSpan[];
  close(): Promise<void>;
}

/** A minimal OTLP/gRPC TraceService with raw Buffer (de)serializers. */
async function grpcCollector(): Promise<Collector> {
  const requests: OtlpExportRequest[] = [];
  const server = new grpc.Server();
  const identity = (b: Buffer) => b;
  server.addService({
    Export: {
      path: TRACE_EXPORT_METHOD,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  }, {
    Export: (
      call: grpc.ServerUnaryCall<Buffer, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ) => {
      requests.push(decodeExportRequest(new Uint8Array(call.request)));
      callback(null, Buffer.from(encodeExportResponse()));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, p) => error ? reject(error) : resolve(p),
    )
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap((r) => flattenSpans(r).spans),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** A minimal OTLP http/protobuf receiver on Deno.serve. */
function httpCollector(): Collector {
  const requests: OtlpExportRequest[] = [];
  const contentTypes: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/traces") {
      return new Response("not found", { status: 404 });
    }
    contentTypes.push(req.headers.get("content-type") ?? "");
    requests.push(decodeExportRequest(new Uint8Array(await req.arrayBuffer())));
    return new Response(encodeExportResponse() as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/x-protobuf" },
    });
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}/v1/traces`,
    requests,
    spans: () => {
      assert.ok(contentTypes.every((t) => t === "application/x-protobuf"), contentTypes.join());
      return requests.flatMap((r) => flattenSpans(r).spans);
    },
    close: () => server.shutdown(),
  };
}

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

async function sendMix(url: string): Promise<void> {
  // 1. chat, sampled traceparent, default sampling params
  await readSse(
    await postJson(url, "/v1/chat/completions", {
      messages: [{ role: "user", content: "abcdabcdabcd" }],
      max_tokens: 5,
      stream: true,
    }, { "x-request-id": "chat-1", traceparent: `00-${TRACE}-${PARENT}-01` }),
  );
  // 2. completions, temperature 0 (attribute absent), other trace
  await (await postJson(url, "/v1/completions", {
    prompt: "abcd",
    max_tokens: 3,
    temperature: 0,
    top_p: 0.5,
  }, { "x-request-id": "comp-1", traceparent: `00-${"1".repeat(32)}-${"2".repeat(16)}-01` }))
    .json();
  // 3. unsampled: no span
  await (await postJson(url, "/v1/completions", { prompt: "x", max_tokens: 2 }, {
    "x-request-id": "unsampled",
    traceparent: `00-${"3".repeat(32)}-${"4".repeat(16)}-00`,
  })).json();
  // 4. faulted: no span
  await readSse(
    await postJson(url, "/v1/completions", { prompt: "x", max_tokens: 4, stream: true }, {
      "x-request-id": "faulted",
      "x-sim-fault": "stream_error",
      traceparent: `00-${"5".repeat(32)}-${"6".repeat(16)}-01`,
    }),
  );
  // 5. aborted by the client: no span
  const controller = new AbortController();
  const res = await postJson(url, "/v1/chat/completions", {
    messages: [{ role: "user", content: "x" }],
    max_tokens: 5000,
    stream: true,
  }, {
    "x-request-id": "aborted",
    traceparent: `00-${"7".repeat(32)}-${"8".repeat(16)}-01`,
  }, controller.signal);
  const reader = res.body!.getReader();
  await reader.read();
  controller.abort();
  await reader.cancel().catch(() => {});
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

function checkSpans(collector: Collector, serviceName: string, truthArrival: Map<string, number>) {
  const spans = collector.spans();
  const ids = spans.map((s) => s.attributes["gen_ai.request.id"]).sort();
  assert.deepEqual(
    ids,
    ["chatcmpl-chat-1", "cmpl-comp-1-0"],
    "no span for unsampled, faulted or aborted",
  );

  const chat = spans.find((s) => s.attributes["gen_ai.request.id"] === "chatcmpl-chat-1")!;
  assert.equal(chat.name, "llm_request");
  assert.equal(chat.kind, 2);
  assert.equal(chat.scope, "vllm.tracing.otel");
  assert.equal(chat.resource["service.name"], serviceName);
  assert.equal(chat.trace_id, TRACE);
  assert.equal(chat.parent_span_id, PARENT);
  assert.match(chat.span_id, /^[0-9a-f]{16}$/);
  const a = chat.attributes as Record<string, number>;
  assert.equal(a["gen_ai.usage.prompt_tokens"], 3);
  assert.equal(a["gen_ai.usage.completion_tokens"], 5);
  assert.equal(a["gen_ai.request.max_tokens"], 5);
  assert.equal(a["gen_ai.request.n"], 1);
  assert.equal(a["gen_ai.request.temperature"], 1);
  assert.equal(a["gen_ai.request.top_p"], 1);
  const queue = a["gen_ai.latency.time_in_queue"];
  const prefill = a["gen_ai.latency.time_in_model_prefill"];
  const decode = a["gen_ai.latency.time_in_model_decode"];
  const inference = a["gen_ai.latency.time_in_model_inference"];
  const ttft = a["gen_ai.latency.time_to_first_token"];
  const e2e = a["gen_ai.latency.e2e"];
  assert.ok(queue >= 0 && prefill > 0 && decode > 0 && ttft > 0);
  assert.ok(Math.abs(inference - (prefill + decode)) < 1e-9);
  assert.ok(e2e > queue + prefill + decode, "frontend overhead makes e2e exceed the engine phases");
  assert.ok(ttft > queue + prefill, "frontend overhead makes ttft exceed queue + prefill");
  assert.ok(ttft < e2e);
  // Span start = frontend arrival; end ≥ arrival + e2e.
  assert.ok(Math.abs(chat.start_ms - truthArrival.get("chat-1")!) < 0.01);
  assert.ok(chat.end_ms - chat.start_ms >= e2e * 1000);

  const comp = spans.find((s) => s.attributes["gen_ai.request.id"] === "cmpl-comp-1-0")!;
  assert.equal(comp.trace_id, "1".repeat(32));
  assert.equal(comp.parent_span_id, "2".repeat(16));
  assert.ok(!("gen_ai.request.temperature" in comp.attributes), "temperature 0 is not set");
  assert.equal(comp.attributes["gen_ai.request.top_p"], 0.5);
  assert.equal(comp.attributes["gen_ai.usage.completion_tokens"], 3);

  // Wire types: token counts are intValue, latencies doubleValue.
  const raw = collector.requests.flatMap((r) => r.resourceSpans ?? [])
    .flatMap((rs) => rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []);
  for (const span of raw) {
    const attrs = new Map((span.attributes ?? []).map((kv) => [kv.key, kv.value ?? {}]));
    assert.ok(attrs.get("gen_ai.usage.prompt_tokens")!.intValue !== undefined);
    assert.ok(attrs.get("gen_ai.usage.completion_tokens")!.intValue !== undefined);
    assert.ok(attrs.get("gen_ai.request.max_tokens")!.intValue !== undefined);
    assert.equal(typeof attrs.get("gen_ai.latency.e2e")!.doubleValue, "number");
    assert.equal(typeof attrs.get("gen_ai.latency.time_in_queue")!.doubleValue, "number");
    assert.equal(attrs.get("gen_ai.request.id")!.stringValue?.length! > 0, true);
  }
}

Deno.test("spans go to an OTLP/gRPC collector with vLLM V1 attributes and the client's parent", async () => {
  const collector = await grpcCollector();
  const sim = await startSimulator({
    ...FAST,
    otlpEndpoint: collector.endpoint,
    serviceName: "sim-grpc",
  });
  try {
    await sendMix(sim.url);
    await waitFor(() => sim.groundTruth().length === 5);
    await waitFor(() => collector.spans().length >= 2); // batch sent after exportDelayMs
    await sim.flushSpans();
    const arrival = new Map(sim.groundTruth().map((t) => [t.request_id, t.arrival_ms]));
    checkSpans(collector, "sim-grpc", arrival);
    assert.deepEqual(sim.spanExportStats(), { exported: 2, failed: 0, dropped: 0, pending: 0 });
  } finally {
    await sim.close();
    await collector.close();
  }
});

Deno.test("spans go to an OTLP http/protobuf collector the same way", async () => {
  const collector = httpCollector();
  const sim = await startSimulator({
    ...FAST,
    otlpEndpoint: collector.endpoint,
    otlpProtocol: "http/protobuf",
    serviceName: "sim-http",
  });
  try {
    await sendMix(sim.url);
    await waitFor(() => sim.groundTruth().length === 5);
    await sim.flushSpans();
    const arrival = new Map(sim.groundTruth().map((t) => [t.request_id, t.arrival_ms]));
    checkSpans(collector, "sim-http", arrival);
  } finally {
    await sim.close();
    await collector.close();
  }
});

Deno.test("close() flushes spans still waiting for the export delay", async () => {
  const collector = httpCollector();
  const sim = await startSimulator({
    ...FAST,
    otlpEndpoint: collector.endpoint,
    otlpProtocol: "http/protobuf",
    exportDelayMs: 60_000,
  });
  try {
    await (await postJson(sim.url, "/v1/completions", { prompt: "x", max_tokens: 2 })).json();
    assert.equal(collector.requests.length, 0);
    assert.equal(sim.spanExportStats().pending, 1);
  } finally {
    await sim.close();
    await collector.close();
  }
  assert.equal(collector.spans().length, 1);
});

Deno.test("an unreachable collector is counted, not fatal", async () => {
  // Find a port with nothing listening: bind one, then close it.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  for (const protocol of ["grpc", "http/protobuf"] as const) {
    const endpoint = protocol === "grpc"
      ? `http://127.0.0.1:${port}`
      : `http://127.0.0.1:${port}/v1/traces`;
    const sim = await startSimulator({ ...FAST, otlpEndpoint: endpoint, otlpProtocol: protocol });
    try {
      const res = await postJson(sim.url, "/v1/completions", { prompt: "x", max_tokens: 2 });
      assert.equal(res.status, 200);
      await res.json();
      await sim.flushSpans();
      assert.equal(sim.spanExportStats().failed, 1, protocol);
      const again = await postJson(sim.url, "/v1/completions", { prompt: "x", max_tokens: 1 });
      assert.equal(again.status, 200, "the simulator keeps serving");
      await again.json();
    } finally {
      await sim.close();
    }
  }
});
