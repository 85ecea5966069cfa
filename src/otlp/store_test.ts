import assert from "node:assert/strict";
import type { ServerSpan } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { SpanStore } from "./store.ts";
import { spanIdOf, traceIdOf } from "./_test_helpers.ts";

function span(trace: number, spanNo: number): ServerSpan {
  return {
    trace_id: traceIdOf(trace),
    span_id: spanIdOf(spanNo),
    parent_span_id: null,
    name: "llm_request",
    kind: 2,
    start_time_unix_nano: "1790341371953418752",
    end_time_unix_nano: "1790341372208341144",
    start_ms: 1790341371953.4187,
    end_ms: 1790341372208.3411,
    attributes: {},
    resource: {},
    scope: "vllm.llm_engine",
  };
}

Deno.test("SpanStore.add() groups spans by trace and get() returns a copy", () => {
  const store = new SpanStore();
  assert.equal(store.add([span(1, 1), span(1, 2), span(2, 3)]), 3);
  assert.equal(store.size, 3);
  assert.equal(store.traceCount, 2);
  const trace1 = store.get(traceIdOf(1))!;
  assert.deepEqual(trace1.map((s) => s.span_id), [spanIdOf(1), spanIdOf(2)]);
  trace1.pop();
  assert.equal(store.get(traceIdOf(1))!.length, 2, "mutating the result must not touch the store");
  assert.equal(store.get(traceIdOf(99)), undefined);
  assert.equal(store.get("not an id"), undefined);
});

Deno.test("SpanStore.get() accepts upper-case ids", () => {
  const store = new SpanStore();
  store.add([span(7, 1)]);
  assert.equal(store.get(traceIdOf(7).toUpperCase())!.length, 1);
  assert.equal(store.has(traceIdOf(7).toUpperCase()), true);
});

Deno.test("SpanStore.add() ignores a span it already holds (a retried export)", () => {
  const store = new SpanStore();
  store.add([span(1, 1)]);
  assert.equal(store.add([span(1, 1), span(1, 2)]), 1);
  assert.equal(store.size, 2);
});

Deno.test("SpanStore.add() detects duplicates in traces with many spans", () => {
  const store = new SpanStore();
  const many = Array.from({ length: 100 }, (_, i) => span(1, i));
  assert.equal(store.add(many), 100);
  assert.equal(store.add(many), 0);
  assert.equal(store.add([span(1, 100)]), 1);
  assert.equal(store.add([span(1, 100)]), 0);
  assert.equal(store.size, 101);
});

Deno.test("SpanStore never holds more than maxSpans and evicts the oldest traces first", () => {
  const store = new SpanStore({ maxSpans: 5 });
  for (let t = 0; t < 10; t++) {
    store.add([span(t, 2 * t), span(t, 2 * t + 1)]);
    assert.ok(store.size <= 5, `size ${store.size} exceeds the bound after trace ${t}`);
  }
  // Traces of 2 spans into a bound of 5: the two newest traces survive.
  assert.deepEqual(store.traceIds(), [traceIdOf(8), traceIdOf(9)]);
  assert.equal(store.evictedSpans, 16);
  assert.equal(store.size + store.evictedSpans, 20);
});

Deno.test("SpanStore rejects a maxSpans that is not a positive integer", () => {
  assert.throws(() => new SpanStore({ maxSpans: 0 }), /maxSpans must be a positive integer, got 0/);
  assert.throws(() => new SpanStore({ maxSpans: 1.5 }), RangeError);
});

Deno.test("SpanStore.waitFor() resolves at once when every trace is already there", async () => {
  const store = new SpanStore();
  store.add([span(1, 1), span(2, 2)]);
  const found = await store.waitFor([traceIdOf(1), traceIdOf(2)], nowMs() + 60_000);
  assert.deepEqual([...found.keys()], [traceIdOf(1), traceIdOf(2)]);
  assert.equal(store.pendingWaiters, 0);
});

Deno.test("SpanStore.waitFor() resolves as soon as the last trace arrives", async () => {
  const store = new SpanStore();
  // A one-minute deadline: the test would time out if resolution waited for it.
  const pending = store.waitFor([traceIdOf(1), traceIdOf(2)], nowMs() + 60_000);
  store.add([span(1, 1)]);
  assert.equal(store.pendingWaiters, 1, "one trace is still missing");
  store.add([span(2, 2), span(3, 3)]);
  const found = await pending;
  assert.equal(found.size, 2);
  assert.equal(found.get(traceIdOf(2))![0].span_id, spanIdOf(2));
  assert.equal(store.pendingWaiters, 0);
});

Deno.test("SpanStore.waitFor() resolves at the deadline with the traces that came", async () => {
  const store = new SpanStore();
  const pending = store.waitFor([traceIdOf(1), traceIdOf(2)], nowMs() + 50);
  store.add([span(1, 1)]);
  const found = await pending;
  assert.deepEqual([...found.keys()], [traceIdOf(1)]);
  assert.equal(store.pendingWaiters, 0);
});

Deno.test("SpanStore.waitFor() with a past deadline returns what is there without waiting", async () => {
  const store = new SpanStore();
  store.add([span(1, 1)]);
  const found = await store.waitFor([traceIdOf(1), traceIdOf(2)], 0);
  assert.deepEqual([...found.keys()], [traceIdOf(1)]);
});

Deno.test("SpanStore.waitFor() keys results by the ids as given and skips invalid ids", async () => {
  const store = new SpanStore();
  store.add([span(1, 1)]);
  const upper = traceIdOf(1).toUpperCase();
  const found = await store.waitFor([upper, "zz", "0".repeat(32)], nowMs() + 20);
  assert.deepEqual([...found.keys()], [upper]);
});

Deno.test("SpanStore.waitFor() rejects with the signal's reason on abort and cleans up", async () => {
  const store = new SpanStore();
  const controller = new AbortController();
  const pending = store.waitFor([traceIdOf(1)], nowMs() + 60_000, controller.signal);
  assert.equal(store.pendingWaiters, 1);
  controller.abort(new Error("stopped by test"));
  await assert.rejects(pending, /stopped by test/);
  assert.equal(store.pendingWaiters, 0);
});

Deno.test("SpanStore.waitFor() rejects at once for an already aborted signal", async () => {
  const store = new SpanStore();
  await assert.rejects(
    store.waitFor([traceIdOf(1)], nowMs() + 60_000, AbortSignal.abort()),
    { name: "AbortError" },
  );
});

Deno.test("SpanStore.releaseWaiters() resolves every pending wait with what arrived", async () => {
  const store = new SpanStore();
  const a = store.waitFor([traceIdOf(1), traceIdOf(2)], Infinity);
  const b = store.waitFor([traceIdOf(2)], nowMs() + 60_000);
  store.add([span(1, 1)]);
  store.releaseWaiters();
  assert.deepEqual([...(await a).keys()], [traceIdOf(1)]);
  assert.equal((await b).size, 0);
  assert.equal(store.pendingWaiters, 0);
});

Deno.test("SpanStore.waitFor() handles 20,000 ids arriving in batches", async () => {
  const store = new SpanStore();
  const ids = Array.from({ length: 20_000 }, (_, i) => traceIdOf(i));
  const pending = store.waitFor(ids, nowMs() + 60_000);
  for (let i = 0; i < 20_000; i += 500) {
    store.add(Array.from({ length: 500 }, (_, j) => span(i + j, i + j)));
  }
  const found = await pending;
  assert.equal(found.size, 20_000);
  assert.equal(found.get(traceIdOf(12_345))![0].span_id, spanIdOf(12_345));
});

Deno.test("SpanStore.waitFor() rejects a non-numeric deadline with a TypeError", async () => {
  const store = new SpanStore();
  await assert.rejects(
    store.waitFor([traceIdOf(1)], NaN),
    { name: "TypeError", message: /deadlineMs must be a number/ },
  );
});

Deno.test("SpanStore cuts a 4 MB attribute and stays within its byte bound, evicting the oldest traces", () => {
  const store = new SpanStore({ maxBytes: 200_000, maxAttributeChars: 10_000 });
  const big = "x".repeat(4_000_000);
  for (let i = 1; i <= 40; i++) {
    store.add([{ ...span(i, i), attributes: { "gen_ai.request.id": "r", huge: big } }]);
    assert.ok(store.bytes <= 200_000, `after ${i} exports: ${store.bytes} bytes`);
  }
  const kept = store.get(traceIdOf(40))![0].attributes.huge as string;
  assert.equal(kept.length, 10_000 + "…[cut 3990000 chars]".length);
  assert.ok(kept.endsWith("…[cut 3990000 chars]"));
  assert.ok(store.evictedSpans > 0, "old traces were evicted");
  assert.ok(!store.has(traceIdOf(1)));
  assert.ok(store.has(traceIdOf(40)));
});

Deno.test("SpanStore's default byte bound holds: 40 spans with 4 MB attributes keep well under 256 MiB", () => {
  const store = new SpanStore();
  const big = "y".repeat(4_000_000);
  for (let i = 1; i <= 40; i++) store.add([{ ...span(i, i), resource: { big } }]);
  assert.equal(store.size, 40, "cut attributes are small: nothing needed evicting");
  assert.ok(store.bytes < 40 * 40_000, `${store.bytes} bytes`);
});

Deno.test("SpanStore rejects a byte bound that is not a positive integer", () => {
  assert.throws(() => new SpanStore({ maxBytes: 0 }), /maxBytes must be a positive integer, got 0/);
  assert.throws(
    () => new SpanStore({ maxAttributeChars: 1.5 }),
    /maxAttributeChars must be a positive integer/,
  );
});
