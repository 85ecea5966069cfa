/**
 * A real Jaeger v2 (all-in-one, memory storage) in the loop: the simulator and vLLM's Python
 * exporter send it OTLP, and `jaegerSource` / `jaegerV3Source` read the spans back.
 *
 * The tests check joins and values, never timings; they print how long each source's `enrich`
 * ran past the moment the last span became queryable (polled directly on Jaeger's API), which is
 * the wait the "joins never wrong" issue bounds at 4 s.
 */
import assert from "node:assert/strict";
import type { RequestRecord, Run, ServerSpan, TraceSource } from "../../../src/types.ts";
import { startSimulator } from "../../../src/sim/server.ts";
import { collect } from "../../../src/collect/collect.ts";
import { enrich } from "../../../src/enrich/enrich.ts";
import { jaegerSource } from "../../../src/enrich/jaeger.ts";
import { jaegerV3Source } from "../../../src/enrich/jaeger_v3.ts";
import {
  assertSameSpan,
  emitWithPython,
  type PythonSpan,
  randomHex,
  requestStats,
  traceparent,
} from "../python/_emitter.ts";
import { type RunningJaeger, startJaeger } from "./_jaeger.ts";

const REQUESTS = 12;
const SOURCES: [string, (queryUrl: string) => TraceSource][] = [
  ["jaegerSource", (url) => jaegerSource(url)],
  ["jaegerV3Source", (url) => jaegerV3Source(url)],
];

/** Epoch ms at which the last of `traceIds` answered 200 on `GET /api/traces/{id}`. */
async function lastQueryableMs(queryUrl: string, traceIds: string[]): Promise<number> {
  const missing = new Set(traceIds);
  const deadline = Date.now() + 30_000;
  while (missing.size > 0) {
    if (Date.now() > deadline) throw new Error(`${missing.size} traces never became queryable`);
    for (const id of [...missing]) {
      const response = await fetch(`${queryUrl}/api/traces/${id}`);
      await response.body?.cancel();
      if (response.ok) missing.delete(id);
    }
    if (missing.size > 0) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now();
}

/** Collects REQUESTS streamed chat requests against a simulator exporting to `jaeger`. */
async function simulatedRun(jaeger: RunningJaeger): Promise<{ run: Run; flushed: Promise<void> }> {
  const sim = await startSimulator({
    otlpEndpoint: jaeger.otlpGrpcEndpoint,
    serviceName: "vllm-server",
    decodeStepMs: 2,
    prefillBaseMs: 1,
    log: false,
  });
  let run: Run;
  try {
    run = await collect({
      url: sim.url,
      model: "sim-llama-3-8b",
      requests: Array.from({ length: REQUESTS }, (_, i) => ({
        prompt: `request ${i} of the real-Jaeger test`,
        max_tokens: 4 + i,
      })),
      concurrency: 4,
      timeoutMs: 10_000,
    });
  } catch (error) {
    await sim.close();
    throw error;
  }
  // The simulator's batch processor holds the spans for up to 5 s, like vLLM's: close() flushes
  // them. Not awaited here, so enrich starts while the spans are still on their way.
  return { run, flushed: sim.close() };
}

function assertJoined(records: RequestRecord[], label: string): void {
  for (const r of records) {
    assert.equal(
      r.success,
      true,
      `${label}: request ${r.index} failed: ${JSON.stringify(r.error)}`,
    );
    assert.equal(r.span_status, "found", `${label}: request ${r.index}: ${r.span_note}`);
    const [span] = r.server_spans;
    assert.equal(span.trace_id, r.trace_id);
    assert.equal(span.parent_span_id, r.span_id, "joined by the client's span id");
    assert.equal(span.name, "llm_request");
    assert.equal(span.kind, 2);
    assert.equal(span.resource["service.name"], "vllm-server");
    assert.equal(r.server_completion_tokens, r.completion_tokens);
    assert.ok(r.server_ttft_ms !== null && r.server_ttft_ms > 0, `${label}: server ttft`);
    assert.ok(r.server_e2e_ms! <= r.e2e_ms!, `${label}: server e2e ≤ client e2e`);
  }
}

for (const [label, makeSource] of SOURCES) {
  Deno.test(`${label} joins every request the simulator sent through a real Jaeger`, async () => {
    const jaeger = await startJaeger();
    try {
      const { run, flushed } = await simulatedRun(jaeger);
      const traceIds = run.requests.map((r) => r.trace_id);
      const [[enriched, enrichEndMs], queryableMs] = await Promise.all([
        enrich(run, makeSource(jaeger.queryUrl)).then((e) => [e, Date.now()] as const),
        lastQueryableMs(jaeger.queryUrl, traceIds),
      ]);
      await flushed;
      assert.equal(enriched.requests.length, REQUESTS);
      assertJoined(enriched.requests, label);
      console.log(
        `${label}: ${REQUESTS}/${REQUESTS} joined; enrich returned ` +
          `${enrichEndMs - queryableMs} ms after the last span became queryable`,
      );
    } finally {
      await jaeger.close();
    }
  });
}

/** Python spans → their trace ids, after checking each was sent with the client's parent. */
function sentTraceIds(sent: PythonSpan[], parents: Map<string, string>): string[] {
  for (const span of sent) assert.equal(span.parent_span_id, parents.get(span.trace_id));
  return sent.map((s) => s.trace_id);
}

/** Jaeger's v1 API keeps µs: the span as the v1 source can give it back. */
function inMicros(span: PythonSpan): PythonSpan {
  const start = BigInt(span.start_time_unix_nano) / 1000n;
  const duration = (BigInt(span.end_time_unix_nano) - BigInt(span.start_time_unix_nano)) / 1000n;
  return {
    ...span,
    start_time_unix_nano: (start * 1000n).toString(),
    end_time_unix_nano: ((start + duration) * 1000n).toString(),
  };
}

Deno.test("spans from vLLM's Python exporter reach a real Jaeger with every value, both protocols", async () => {
  const jaeger = await startJaeger();
  try {
    const sent: PythonSpan[] = [];
    const parents = new Map<string, string>();
    for (
      const [protocol, endpoint] of [
        ["grpc", jaeger.otlpGrpcEndpoint],
        ["http/protobuf", jaeger.otlpHttpEndpoint],
      ]
    ) {
      const requests = [0, 1].map((i) => {
        const [traceId, spanId] = [randomHex(16), randomHex(8)];
        parents.set(traceId, spanId);
        return { ...requestStats(i), trace_headers: { traceparent: traceparent(traceId, spanId) } };
      });
      sent.push(
        ...await emitWithPython(endpoint, requests, {
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
          OTEL_SERVICE_NAME: "vllm-server",
        }),
      );
    }
    const traceIds = sentTraceIds(sent, parents);
    assert.equal(traceIds.length, 4);
    for (const [label, makeSource] of SOURCES) {
      const found = await makeSource(jaeger.queryUrl).getSpans(traceIds, {
        deadline_ms: Date.now() + 15_000,
      });
      for (const span of sent) {
        const spans: ServerSpan[] = found.get(span.trace_id) ?? [];
        assert.equal(spans.length, 1, `${label}: trace ${span.trace_id}`);
        // v1 has µs times and Jaeger's own resource form; api_v3 gives the OTLP span back.
        if (label === "jaegerV3Source") assertSameSpan(spans[0], span);
        else assertSameSpan(spans[0], inMicros(span));
      }
    }
  } finally {
    await jaeger.close();
  }
});
