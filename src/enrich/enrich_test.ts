import assert from "node:assert/strict";
import type { RequestRecord, Run, RunMeta, ServerSpan, TraceSource } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { sleep } from "./retry.ts";
import { enrich, enrichRecord } from "./enrich.ts";
import { FIXTURE_START_MS, makeRecord, vllmSpan } from "./_test_support.ts";

const TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACE_B = "0af7651916cd43dd8448eb211c80319c";
const TRACE_C = "11111111111111111111111111111111";
const CLIENT_A = "00f067aa0ba902b7";
const CLIENT_B = "b7ad6b7169203331";
const CLIENT_C = "2222222222222222";

type Query = Parameters<TraceSource["getSpans"]>[1];

/**
 * A purpose-built in-memory source: each span becomes visible at `visibleAtMs` (epoch ms), and
 * getSpans polls until every asked trace has a span named `span_name` or the deadline passes,
 * as a real back end would. It records what it was asked.
 */
class ScriptedSource implements TraceSource {
  readonly name = "scripted";
  asked: string[][] = [];
  askedRequestIds: string[][] = [];
  constructor(
    private spans: { span: ServerSpan; visibleAtMs?: number }[],
    private errors: { message: string; traceId?: string }[] = [],
  ) {}
  private visible() {
    const now = nowMs();
    return this.spans.filter((s) => (s.visibleAtMs ?? 0) <= now).map((s) => s.span);
  }
  async getSpans(traceIds: string[], options: Query) {
    this.asked.push([...traceIds]);
    for (const e of this.errors) options.onError?.(e.message, e.traceId);
    for (;;) {
      const found = new Map<string, ServerSpan[]>();
      for (const span of this.visible()) {
        if (traceIds.includes(span.trace_id)) {
          found.set(span.trace_id, [...(found.get(span.trace_id) ?? []), span]);
        }
      }
      const complete = traceIds.every((id) =>
        found.get(id)?.some((s) => s.name === (options.span_name ?? s.name))
      );
      if (complete || nowMs() >= options.deadline_ms || options.signal?.aborted) return found;
      await sleep(Math.min(10, options.deadline_ms - nowMs()), options.signal);
    }
  }
  getSpansByRequestId(requestIds: string[]) {
    this.askedRequestIds.push([...requestIds]);
    const found = new Map<string, ServerSpan[]>();
    for (const span of this.visible()) {
      const id = span.attributes["gen_ai.request.id"] as string;
      if (requestIds.includes(id)) found.set(id, [...(found.get(id) ?? []), span]);
    }
    return Promise.resolve(found);
  }
  traceUrl(traceId: string) {
    return `http://ui.example/trace/${traceId}`;
  }
}

function makeRun(requests: RequestRecord[]): Run {
  const meta: RunMeta = {
    schema_version: 1,
    run_id: "run-1",
    label: "test",
    created_at: "2026-09-26T12:00:00.000Z",
    url: "http://127.0.0.1:8000",
    endpoint: "chat",
    model: "m",
    load: { burstiness: 1, warmup: 0, seed: 0 },
    started_ms: FIXTURE_START_MS - 20,
    ended_ms: FIXTURE_START_MS + 300,
    duration_ms: 320,
    interrupted: false,
    client: { tool: "vllm-metrics", version: "0", runtime: "deno", hostname: "h" },
    trace_source: null,
    prometheus: null,
    extra: {},
  };
  return { meta, requests };
}

Deno.test("enrich() joins a span on trace id and parent span id and fills the server fields", async () => {
  const source = new ScriptedSource([
    { span: vllmSpan({ traceId: TRACE_A, spanId: "a3ce929d0e0e4736", parentSpanId: CLIENT_A }) },
  ]);
  const run = makeRun([makeRecord({ trace_id: TRACE_A, span_id: CLIENT_A, ttft_ms: 140 })]);
  const out = await enrich(run, source, { timeoutMs: 1000 });
  const r = out.requests[0];
  assert.equal(out.meta.trace_source, "scripted");
  assert.equal(r.span_status, "found");
  assert.equal(r.span_note, null);
  assert.equal(r.trace_url, `http://ui.example/trace/${TRACE_A}`);
  assert.equal(Number(r.server_ttft_ms!.toFixed(3)), 115.546);
  assert.equal(r.server_prompt_tokens, 14);
  assert.equal(r.server_completion_tokens, 8);
  assert.equal(Math.round(r.server_frontend_ms!), 57);
  assert.ok(Math.abs(r.client_overhead_ms! - (140 - 115.54598808288574)) < 1e-9);
  assert.equal(r.server_spans.length, 1);
  assert.equal(r.server_spans[0].attributes["gen_ai.request.temperature"], undefined);
  assert.deepEqual(source.asked, [[TRACE_A]]);
});

Deno.test("enrich() does not join a span whose parent is not the client's span, and says why", async () => {
  const source = new ScriptedSource([
    {
      span: vllmSpan({
        traceId: TRACE_A,
        spanId: "a3ce929d0e0e4736",
        parentSpanId: "9999999999999999",
      }),
    },
  ]);
  const run = makeRun([makeRecord({ trace_id: TRACE_A, span_id: CLIENT_A })]);
  const r = (await enrich(run, source, { timeoutMs: 50 })).requests[0];
  assert.equal(r.span_status, "not_found");
  assert.match(
    r.span_note!,
    /has parent 9999999999999999, but the client sent span id 00f067aa0ba902b7: not joined/,
  );
  assert.equal(r.server_ttft_ms, null);
  assert.deepEqual(r.server_spans, []);
});

Deno.test("enrich() falls back to gen_ai.request.id chatcmpl-<X-Request-Id> for chat", async () => {
  // The traceparent did not reach vLLM: the span sits in another trace, with no parent.
  const source = new ScriptedSource([
    {
      span: vllmSpan({
        traceId: TRACE_B,
        spanId: "1234567890abcdef",
        requestId: "chatcmpl-bench-7",
      }),
    },
  ]);
  const record = makeRecord({ request_id: "bench-7", endpoint: "chat", trace_id: TRACE_A });
  const r = (await enrich(makeRun([record]), source, { timeoutMs: 50 })).requests[0];
  assert.equal(r.span_status, "found_by_request_id");
  assert.match(
    r.span_note!,
    /joined by gen_ai\.request\.id "chatcmpl-bench-7" \(span 1234567890abcdef of trace 0af7.*, because trace 4bf9.* had no llm_request span/,
  );
  assert.equal(r.trace_url, `http://ui.example/trace/${TRACE_B}`);
  assert.equal(r.server_prompt_tokens, 14);
  assert.ok(source.askedRequestIds[0].includes("chatcmpl-bench-7"));
});

Deno.test("enrich() falls back to gen_ai.request.id cmpl-<X-Request-Id>-0 for completions", async () => {
  const source = new ScriptedSource([
    {
      span: vllmSpan({ traceId: TRACE_B, spanId: "1234567890abcdef", requestId: "cmpl-bench-8-0" }),
    },
  ]);
  const record = makeRecord({ request_id: "bench-8", endpoint: "completions", trace_id: TRACE_A });
  const r = (await enrich(makeRun([record]), source, { timeoutMs: 50 })).requests[0];
  assert.equal(r.span_status, "found_by_request_id");
  assert.match(r.span_note!, /"cmpl-bench-8-0"/);
});

Deno.test("enrich() does not join a span found by request id in its own trace under another parent", async () => {
  const source = new ScriptedSource([
    {
      span: vllmSpan({
        traceId: TRACE_A,
        spanId: "1234567890abcdef",
        parentSpanId: "9999999999999999",
        requestId: "chatcmpl-req-1",
      }),
    },
  ]);
  const r = (await enrich(makeRun([makeRecord({ trace_id: TRACE_A })]), source, { timeoutMs: 50 }))
    .requests[0];
  assert.equal(r.span_status, "not_found");
  assert.match(
    r.span_note!,
    /by gen_ai\.request\.id: span 1234567890abcdef of trace 4bf9.* not joined: it is in this request's trace under parent 9999999999999999, not the client's span/,
  );
});

Deno.test("enrich() keeps every span of an n>1 request, sorted by start, scalars from the first", async () => {
  const child = (spanId: string, offset: number, completion: string) => {
    const span = vllmSpan({
      traceId: TRACE_A,
      spanId,
      parentSpanId: CLIENT_A,
      startOffsetMs: offset,
    });
    return {
      span: {
        ...span,
        attributes: {
          ...span.attributes,
          "gen_ai.usage.completion_tokens": completion,
          "gen_ai.request.n": 3,
        },
      },
    };
  };
  const source = new ScriptedSource([
    child("0000000000000003", 2, "5"),
    child("0000000000000001", 0, "8"),
    child("0000000000000002", 1, "6"),
  ]);
  const r = (await enrich(makeRun([makeRecord({ trace_id: TRACE_A })]), source, { timeoutMs: 50 }))
    .requests[0];
  assert.equal(r.span_status, "found");
  assert.deepEqual(r.server_spans.map((s) => s.span_id), [
    "0000000000000001",
    "0000000000000002",
    "0000000000000003",
  ]);
  assert.equal(r.server_completion_tokens, 8);
  assert.equal(r.server_start_ms, r.server_spans[0].start_ms);
});

Deno.test("enrich() waits for late spans, but one arriving after the deadline is not_found", async () => {
  const soon = nowMs() + 30;
  const late = nowMs() + 60_000;
  const source = new ScriptedSource([
    {
      span: vllmSpan({ traceId: TRACE_A, spanId: "000000000000000a", parentSpanId: CLIENT_A }),
      visibleAtMs: soon,
    },
    {
      span: vllmSpan({ traceId: TRACE_B, spanId: "000000000000000b", parentSpanId: CLIENT_B }),
      visibleAtMs: late,
    },
  ]);
  const run = makeRun([
    makeRecord({ index: 0, trace_id: TRACE_A, span_id: CLIENT_A }),
    makeRecord({ index: 1, request_id: "req-2", trace_id: TRACE_B, span_id: CLIENT_B }),
  ]);
  const out = await enrich(run, source, { timeoutMs: 300 });
  assert.equal(out.requests[0].span_status, "found");
  assert.equal(out.requests[1].span_status, "not_found");
  assert.match(
    out.requests[1].span_note!,
    /no llm_request span for trace 0af7.* by the deadline \(waited \d+ ms\)/,
  );
  assert.equal(out.requests[1].trace_url, `http://ui.example/trace/${TRACE_B}`);
});

Deno.test("enrich() does not look up failed or unsampled requests", async () => {
  const source = new ScriptedSource([
    { span: vllmSpan({ traceId: TRACE_C, spanId: "000000000000000c", parentSpanId: CLIENT_C }) },
  ]);
  const run = makeRun([
    makeRecord({
      index: 0,
      trace_id: TRACE_A,
      success: false,
      error: { kind: "http_error", message: "bad", status: 400 },
    }),
    makeRecord({ index: 1, trace_id: TRACE_B, sampled: false }),
    makeRecord({ index: 2, trace_id: TRACE_C, span_id: CLIENT_C }),
  ]);
  const out = await enrich(run, source, { timeoutMs: 50 });
  assert.deepEqual(source.asked, [[TRACE_C]]);
  assert.equal(out.requests[0].span_status, "request_failed");
  assert.match(out.requests[0].span_note!, /request failed \(http_error HTTP 400\)/);
  assert.equal(out.requests[0].trace_url, null);
  assert.equal(out.requests[1].span_status, "unsampled");
  assert.match(out.requests[1].span_note!, /unsampled traceparent/);
  assert.equal(out.requests[2].span_status, "found");
});

Deno.test("enrich() puts the back end's last error in the note of records left without a span", async () => {
  const source = new ScriptedSource([], [
    { message: "jaeger returned HTTP 500 Internal Server Error: boom", traceId: TRACE_A },
    { message: "connection refused (GET http://127.0.0.1:1/api/traces)" },
  ]);
  const run = makeRun([
    makeRecord({ index: 0, trace_id: TRACE_A }),
    makeRecord({ index: 1, trace_id: TRACE_B, request_id: "req-2" }),
  ]);
  const out = await enrich(run, source, { timeoutMs: 30 });
  assert.match(out.requests[0].span_note!, /last error from scripted: jaeger returned HTTP 500/);
  assert.match(out.requests[1].span_note!, /last error from scripted: connection refused/);
});

Deno.test("enrich() turns a source that throws into not_found notes instead of failing", async () => {
  const source: TraceSource = {
    name: "broken",
    getSpans: () => Promise.reject(new Error("socket hang up")),
  };
  const out = await enrich(makeRun([makeRecord()]), source, { timeoutMs: 30 });
  assert.equal(out.requests[0].span_status, "not_found");
  assert.equal(out.requests[0].span_note, "trace source broken failed: socket hang up");
});

Deno.test("enrich() reports a source whose answer is not a Map", async () => {
  const source = {
    name: "odd",
    getSpans: () => Promise.resolve({} as Map<string, ServerSpan[]>),
  };
  const r = (await enrich(makeRun([makeRecord()]), source, { timeoutMs: 0 })).requests[0];
  assert.equal(r.span_status, "not_found");
  assert.match(
    r.span_note!,
    /trace source odd failed: getSpans\(\) returned \[object Object\], not a Map/,
  );
});

Deno.test("enrich() stops waiting when its signal aborts and says so", async () => {
  const source = new ScriptedSource([]);
  const controller = new AbortController();
  const pending = enrich(makeRun([makeRecord()]), source, {
    timeoutMs: 60_000,
    signal: controller.signal,
  });
  controller.abort();
  const r = (await pending).requests[0];
  assert.equal(r.span_status, "not_found");
  assert.match(r.span_note!, /aborted/);
});

Deno.test("enrich() does not modify the run it is given", async () => {
  const source = new ScriptedSource([
    { span: vllmSpan({ traceId: TRACE_A, spanId: "a3ce929d0e0e4736", parentSpanId: CLIENT_A }) },
  ]);
  const run = makeRun([
    makeRecord({ trace_id: TRACE_A }),
    makeRecord({ index: 1, sampled: false }),
  ]);
  const before = structuredClone(run);
  const out = await enrich(run, source, { timeoutMs: 50 });
  assert.deepEqual(run, before);
  assert.notEqual(out, run);
  assert.notEqual(out.requests[0], run.requests[0]);
  assert.equal(run.requests[0].span_status, "not_enriched");
});

Deno.test("enrich() clears server fields of a record enriched before when its span is gone", async () => {
  const stale = makeRecord({ span_status: "found", server_ttft_ms: 1, server_spans: [] });
  const r = (await enrich(makeRun([stale]), new ScriptedSource([]), { timeoutMs: 10 })).requests[0];
  assert.equal(r.span_status, "not_found");
  assert.equal(r.server_ttft_ms, null);
});

Deno.test("enrich() joins a span that fits two records sharing a request id to neither", async () => {
  const source = new ScriptedSource([
    { span: vllmSpan({ traceId: TRACE_C, spanId: "1234567890abcdef", requestId: "chatcmpl-dup" }) },
  ]);
  const run = makeRun([
    makeRecord({ index: 0, request_id: "dup", trace_id: TRACE_A }),
    makeRecord({ index: 1, request_id: "dup", trace_id: TRACE_B }),
  ]);
  const out = await enrich(run, source, { timeoutMs: 10 });
  assert.deepEqual(out.requests.map((r) => r.span_status), ["not_found", "not_found"]);
  assert.match(out.requests[0].span_note!, /fits request #1 as well, so it is joined to none/);
  assert.match(out.requests[1].span_note!, /fits request #0 as well, so it is joined to none/);
});

Deno.test("enrich() rejects bad options before looking anything up", async () => {
  const source = new ScriptedSource([]);
  await assert.rejects(enrich(makeRun([]), source, { timeoutMs: -1 }), RangeError);
  await assert.rejects(enrich(makeRun([]), source, { spanName: "" }), TypeError);
  await assert.rejects(enrich(makeRun([]), {} as TraceSource), /getSpans/);
  await assert.rejects(enrich({} as Run, source), /run must be a Run/);
  await assert.rejects(
    enrich(makeRun([null as unknown as RequestRecord]), source),
    /requests\[0\] is not a RequestRecord/,
  );
  assert.deepEqual(source.asked, []);
});

Deno.test("enrichRecord() enriches one record and gives up after its timeout", async () => {
  const source = new ScriptedSource([
    { span: vllmSpan({ traceId: TRACE_A, spanId: "a3ce929d0e0e4736", parentSpanId: CLIENT_A }) },
  ]);
  const found = await enrichRecord(makeRecord({ trace_id: TRACE_A }), source, { timeoutMs: 1000 });
  assert.equal(found.span_status, "found");
  assert.equal(found.server_completion_tokens, 8);
  const missing = await enrichRecord(makeRecord({ trace_id: TRACE_B }), source, { timeoutMs: 80 });
  assert.equal(missing.span_status, "not_found");
  assert.match(missing.span_note!, /by the deadline/);
});

Deno.test("enrichRecord() notes a record whose trace id cannot be joined", async () => {
  const r = await enrichRecord(makeRecord({ trace_id: "not-hex" }), new ScriptedSource([]));
  assert.equal(r.span_status, "not_found");
  assert.match(r.span_note!, /no valid trace id \("not-hex"\)/);
});
