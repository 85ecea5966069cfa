import assert from "node:assert/strict";
import { ReceiverLink } from "./receiver_link.ts";
import { DEFAULT_MAX_STORE_BYTES, SpanStore } from "./store.ts";
import { llmRequestPayload, spanIdOf, traceIdOf } from "./_test_helpers.ts";

async function exportSpans(port: number, first: number, count: number): Promise<void> {
  const payload = llmRequestPayload(
    Array.from({ length: count }, (_, i) => ({
      traceId: traceIdOf(first + i),
      spanId: spanIdOf(first + i),
    })),
  );
  const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

Deno.test("the receiver link decodes batches on the main thread only when read or past the store's bounds", async () => {
  const store = new SpanStore({ maxSpans: 10 });
  const link = await ReceiverLink.start(
    { hostname: "127.0.0.1", grpcPort: null, httpPort: 0, maxBodyBytes: 1 << 20, spanName: null },
    store,
    DEFAULT_MAX_STORE_BYTES,
  );
  try {
    await exportSpans(link.httpPort!, 0, 4);
    await exportSpans(link.httpPort!, 4, 4);
    // 8 spans queued, bound 10: nothing decoded yet (the raw store, not link.store, is read).
    assert.equal(store.size, 0);
    await exportSpans(link.httpPort!, 8, 4);
    // 12 queued > 10: every batch but the newest is decoded into the store (which holds them).
    assert.equal(store.size, 8);
    assert.equal(store.get(traceIdOf(0))?.[0].span_id, spanIdOf(0));
    assert.equal(store.has(traceIdOf(8)), false);
    // Reading through the link decodes the rest; the store then evicts down to its bound.
    assert.equal(link.store.size, 10);
    assert.equal(link.store.evictedSpans, 2);
    assert.equal(link.counters.accepted_spans, 12);
  } finally {
    await link.close(1_000, 2_000);
  }
});
