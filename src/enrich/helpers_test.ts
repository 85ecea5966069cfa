import assert from "node:assert/strict";
import { backoffDelayMs, forEachConcurrent, sleep } from "./retry.ts";
import { joinByTraceId, requestIdCandidates } from "./join.ts";
import {
  jaegerResponseToSpans,
  jaegerTagsToRecord,
  jaegerTraceToSpans,
} from "./jaeger_v1_spans.ts";
import { flattenSpans } from "../otlp/spans.ts";
import type { OtlpExportRequest } from "../otlp/protobuf.ts";
import { spansSource } from "./spans_source.ts";
import { BackendError, getJson } from "./http.ts";
import { json, readFixture, vllmSpan, withServer } from "./_test_support.ts";
import { readFixture as readOtlpFixture } from "../otlp/_test_helpers.ts";

Deno.test("backoffDelayMs() doubles up to the cap and jitters by ±50 %", () => {
  const mid = { initialMs: 100, maxMs: 1000, random: () => 0.5 };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, mid)), [
    100,
    200,
    400,
    800,
    1000,
    1000,
  ]);
  assert.equal(backoffDelayMs(1, { ...mid, random: () => 0 }), 100);
  assert.equal(backoffDelayMs(1, { ...mid, random: () => 0.999 }), 299.8);
});

Deno.test("sleep() returns at once when its signal aborts", async () => {
  const controller = new AbortController();
  const pending = sleep(60_000, controller.signal);
  controller.abort();
  await pending; // would hang the test (and leak a timer) if the timer were kept
});

Deno.test("forEachConcurrent() runs every item and rejects a bad limit", async () => {
  const seen: number[] = [];
  await forEachConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
    await sleep(1);
    seen.push(n);
  });
  assert.deepEqual(seen.sort(), [1, 2, 3, 4, 5]);
  await assert.rejects(forEachConcurrent([1], 0, () => Promise.resolve()), RangeError);
});

Deno.test("requestIdCandidates() lists vLLM's id forms for the record's endpoint", () => {
  assert.deepEqual(requestIdCandidates({ request_id: "x", endpoint: "chat" }), ["chatcmpl-x"]);
  assert.deepEqual(
    requestIdCandidates({ request_id: "x", endpoint: "completions", response_id: "cmpl-x" }),
    ["cmpl-x-0"],
  );
  // A server that ignored X-Request-Id named the request after its own response id.
  assert.deepEqual(
    requestIdCandidates({ request_id: "x", endpoint: "completions", response_id: "cmpl-9f3a" }),
    ["cmpl-x-0", "cmpl-9f3a-0"],
  );
  assert.deepEqual(
    requestIdCandidates({ request_id: "x", endpoint: "chat", response_id: "chatcmpl-9f3a" }),
    ["chatcmpl-x", "chatcmpl-9f3a"],
  );
  assert.deepEqual(
    requestIdCandidates({ request_id: "", endpoint: "chat", response_id: null }),
    [],
  );
});

Deno.test("joinByTraceId() ignores spans of other names and separates foreign parents", () => {
  const trace = "ab".repeat(16);
  const mine = vllmSpan({ traceId: trace, spanId: "1".repeat(16), parentSpanId: "c".repeat(16) });
  const foreign = vllmSpan({
    traceId: trace,
    spanId: "2".repeat(16),
    parentSpanId: "d".repeat(16),
  });
  const other = vllmSpan({
    traceId: trace,
    spanId: "3".repeat(16),
    parentSpanId: "c".repeat(16),
    name: "Load model",
  });
  const join = joinByTraceId(
    { trace_id: trace, span_id: "C".repeat(16) },
    [other, foreign, mine],
    "llm_request",
  );
  assert.deepEqual(join.joined.map((s) => s.span_id), ["1".repeat(16)]);
  assert.deepEqual(join.mismatched.map((s) => s.span_id), ["2".repeat(16)]);
});

Deno.test("jaegerTraceToSpans() pads 16- and 31-char trace ids and reads typed tags", () => {
  const { spans, rejected } = jaegerTraceToSpans({
    traceID: "df84e36b9e2ee3815d07f0867a5be1f",
    spans: [
      {
        traceID: "df84e36b9e2ee3815d07f0867a5be1f",
        spanID: "5d07f0867a5be1f",
        operationName: "llm_request",
        references: [{ refType: "FOLLOWS_FROM", spanID: "1" }, {
          refType: "CHILD_OF",
          spanID: "aa",
        }],
        startTime: 1706678909209712,
        duration: 123,
        tags: [],
        processID: "p9",
      },
      { traceID: "zz", spanID: "1", startTime: 1 },
      { traceID: "006c3cf93508f205", spanID: "1", startTime: "bad" },
    ],
    processes: {},
  });
  assert.equal(spans[0].trace_id, "0df84e36b9e2ee3815d07f0867a5be1f");
  assert.equal(spans[0].span_id, "05d07f0867a5be1f");
  assert.equal(spans[0].parent_span_id, "00000000000000aa");
  assert.equal(spans[0].start_time_unix_nano, "1706678909209712000");
  assert.equal(spans[0].end_time_unix_nano, "1706678909209835000");
  assert.deepEqual(rejected.map((r) => r.where), ["trace.spans[1]", "trace.spans[2]"]);
  assert.match(rejected[0].reason, /invalid traceID "zz"/);
  assert.deepEqual(
    jaegerTagsToRecord([
      { key: "i", type: "int64", value: "9007199254740993" },
      { key: "f", type: "float64", value: 0.25 },
      { key: "b", type: "bool", value: true },
      { key: "s", type: "string", value: "x" },
      { key: "bin", type: "binary", value: "AAE=" },
    ]),
    { i: 9007199254740992, f: 0.25, b: true, s: "x", bin: "AAE=" },
  );
});

Deno.test("spansSource() answers from spans in memory, by trace id and by request id", async () => {
  const span = vllmSpan({
    traceId: "AB".repeat(16),
    spanId: "1".repeat(16),
    requestId: "chatcmpl-q",
  });
  const source = spansSource([span], { name: "file=x.json" });
  const byTrace = await source.getSpans(["ab".repeat(16), "cd".repeat(16)], { deadline_ms: 0 });
  assert.deepEqual([...byTrace.keys()], ["ab".repeat(16)]);
  const byRequest = await source.getSpansByRequestId!(["chatcmpl-q", "nope"], { deadline_ms: 0 });
  assert.deepEqual([...byRequest.keys()], ["chatcmpl-q"]);
  assert.equal(source.name, "file=x.json");
});

Deno.test("getJson() parses JSON sent as text/plain and returns accepted error statuses", async () => {
  await withServer(
    (_req, url) =>
      url.pathname === "/ok"
        ? json({ a: 1 }, 200, "text/plain; charset=utf-8")
        : new Response("gone", { status: 404 }),
    async (base) => {
      assert.deepEqual((await getJson(`${base}/ok`, { label: "x", timeoutMs: 5000 })).body, {
        a: 1,
      });
      const missing = await getJson(`${base}/no`, {
        label: "x",
        timeoutMs: 5000,
        acceptStatus: [404],
      });
      assert.deepEqual(missing, { status: 404, body: "gone" });
      await assert.rejects(
        getJson(`${base}/no`, { label: "x", timeoutMs: 5000 }),
        (e: Error) =>
          e instanceof BackendError && /x returned HTTP 404 Not Found: gone/.test(e.message),
      );
    },
  );
});

Deno.test("jaegerResponseToSpans() gives the same spans as the OTLP Jaeger converted", () => {
  const fromOtlp = flattenSpans(
    JSON.parse(readOtlpFixture("jaeger-otlp2jaeger-in.json")) as OtlpExportRequest,
  );
  const fromJaeger = jaegerResponseToSpans(readFixture("jaeger-otlp2jaeger-out.json"));
  assert.deepEqual(fromOtlp.rejected, []);
  assert.deepEqual(fromJaeger.rejected, []);
  assert.deepEqual(fromJaeger.spans, fromOtlp.spans);
});
