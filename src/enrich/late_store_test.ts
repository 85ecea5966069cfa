/**
 * Issue 11, part 2: a store that does not know vLLM's service yet (its first span is not
 * visible) answers every search with nothing. The HTTP sources must take that as "nothing known
 * yet", keep fetching by id and re-run discovery, and return as soon as every span is there —
 * long before the deadline.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TraceSource } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { enrich } from "./enrich.ts";
import { jaegerSource } from "./jaeger.ts";
import { jaegerV3Source } from "./jaeger_v3.ts";
import { tempoSource } from "./tempo.ts";
import { DelayedTraceStore, type StoreFlavor } from "./_store_mock.ts";
import { makeRecord, vllmOtlp } from "./_test_support.ts";

const VISIBLE_AFTER_MS = 300;
const WAIT_MS = 30_000;

const traceId = (i: number) => (i + 1).toString(16).padStart(32, "4");
const clientSpan = (i: number) => (i + 1).toString(16).padStart(16, "c");

async function enrichAgainst(
  flavor: StoreFlavor,
  source: (base: string) => TraceSource,
  absent: (path: string) => boolean = () => false,
) {
  const store = new DelayedTraceStore(VISIBLE_AFTER_MS);
  const seen: string[] = [];
  const handle = store.handler(flavor);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    seen.push(path);
    if (absent(path)) return new Response("404 page not found\n", { status: 404 });
    return handle(request);
  });
  try {
    const records = [0, 1, 2].map((i) =>
      makeRecord({
        index: i,
        request_id: `r${i}`,
        trace_id: traceId(i),
        span_id: clientSpan(i),
      })
    );
    for (const [i] of records.entries()) {
      store.add(
        vllmOtlp({ traceId: traceId(i), spanId: clientSpan(i + 7), parentSpanId: clientSpan(i) }),
      );
    }
    const started = nowMs();
    const out = await enrich(
      { meta: {} as never, requests: records },
      source(`http://127.0.0.1:${server.addr.port}`),
      { timeoutMs: WAIT_MS },
    );
    return { out, seen, returnedBeforeDeadline: nowMs() < started + WAIT_MS };
  } finally {
    await server.shutdown();
  }
}

for (
  const [flavor, make, discovery] of [
    ["jaeger", (b: string) => jaegerSource(b), "/api/services"],
    ["jaeger-v3", (b: string) => jaegerV3Source(b), "/api/v3/services"],
    ["tempo", (b: string) => tempoSource(b), "/api/search"],
  ] as const
) {
  Deno.test(`${flavor}: a store that knows no service yet is searched again and fetched by id until every span is there`, async () => {
    const { out, seen, returnedBeforeDeadline } = await enrichAgainst(flavor, make);
    assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found", "found"]);
    assert.ok(returnedBeforeDeadline, "enrich returned once every span was there");
    assert.ok(
      seen.filter((p) => p === discovery).length > 1,
      `${discovery} asked again after an empty answer: ${seen.join(" ")}`,
    );
  });
}

Deno.test("jaeger without search endpoints: fetches by id round after round until every span is there", async () => {
  // Jaeger after PR #9260 has no /api/services nor /api/traces search: only fetches by id can
  // find the spans, so rounds between the first and the deadline must fetch by id.
  const { out, seen, returnedBeforeDeadline } = await enrichAgainst(
    "jaeger",
    (b) => jaegerSource(b),
    (path) => path === "/api/services" || path === "/api/traces",
  );
  assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found", "found"]);
  assert.ok(returnedBeforeDeadline, "enrich returned once every span was there");
  const byId = seen.filter((p) => /^\/api\/traces\/[0-9a-f]{32}$/.test(p));
  assert.ok(byId.length > 3, `fetched by id in more than one round: ${seen.join(" ")}`);
});
