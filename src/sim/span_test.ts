import assert from "node:assert/strict";
import { buildRequestSpan, msToNanosString } from "./span.ts";

Deno.test("msToNanosString() keeps sub-millisecond precision of epoch ms", () => {
  assert.equal(msToNanosString(1_700_000_000_123.25), "1700000000123250000");
  assert.equal(msToNanosString(5), "5000000");
});

Deno.test("buildRequestSpan() sets optional sampling attributes only when truthy", () => {
  const span = buildRequestSpan({
    trace_id: "1".repeat(32),
    span_id: "2".repeat(16),
    parent_span_id: null,
    start_ms: 1000,
    end_ms: 1001,
    request_id: "cmpl-x-0",
    prompt_tokens: 3,
    completion_tokens: 4,
    queue_s: 0,
    ttft_s: 0.1,
    e2e_s: 0.2,
    prefill_s: 0.05,
    decode_s: 0.1,
    inference_s: 0.15,
    temperature: 0,
    top_p: 0.9,
    max_tokens: 4,
    n: 1,
  });
  const keys = span.attributes!.map((kv) => kv.key);
  assert.ok(!keys.includes("gen_ai.request.temperature"));
  assert.ok(keys.includes("gen_ai.request.top_p"));
  assert.equal(keys.filter((k) => k.startsWith("gen_ai.latency.")).length, 6);
  assert.equal(span.parentSpanId, undefined, "a root span has no parent");
  assert.equal(span.kind, 2);
  assert.equal(span.startTimeUnixNano, "1000000000");
});
