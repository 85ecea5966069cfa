import assert from "node:assert/strict";
import { newTraceContext, randomHex } from "./traceparent.ts";

const FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(01|00)$/;

Deno.test("newTraceContext() returns a well-formed sampled traceparent whose ids match the header", () => {
  const ctx = newTraceContext();
  const match = FORMAT.exec(ctx.traceparent);
  assert.ok(match, ctx.traceparent);
  assert.equal(match[1], ctx.trace_id);
  assert.equal(match[2], ctx.span_id);
  assert.equal(match[3], "01");
  assert.equal(ctx.sampled, true);
});

Deno.test("newTraceContext(false) sets the flags to 00", () => {
  const ctx = newTraceContext(false);
  assert.ok(ctx.traceparent.endsWith("-00"));
  assert.equal(ctx.sampled, false);
});

Deno.test("newTraceContext() gives 10k unique, non-zero trace and span ids", () => {
  const traces = new Set<string>();
  const spans = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const ctx = newTraceContext();
    assert.match(ctx.traceparent, FORMAT);
    assert.notEqual(ctx.trace_id, "0".repeat(32));
    assert.notEqual(ctx.span_id, "0".repeat(16));
    traces.add(ctx.trace_id);
    spans.add(ctx.span_id);
  }
  assert.equal(traces.size, 10_000);
  assert.equal(spans.size, 10_000);
});

Deno.test("randomHex() uses every hex digit and has the requested width", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const hex = randomHex(4);
    assert.equal(hex.length, 8);
    for (const c of hex) seen.add(c);
  }
  assert.equal(seen.size, 16);
});
