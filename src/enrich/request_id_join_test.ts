import assert from "node:assert/strict";
import type { ServerSpan } from "../types.ts";
import { enrich } from "./enrich.ts";
import { spansSource } from "./spans_source.ts";
import { matchByRequestId } from "./request_id_join.ts";
import { FIXTURE_START_MS, makeRecord, vllmSpan } from "./_test_support.ts";

const TEN_MINUTES_MS = 600_000;

function withQueue(span: ServerSpan, queueMs: number): ServerSpan {
  return {
    ...span,
    attributes: { ...span.attributes, "gen_ai.latency.time_in_queue": queueMs / 1000 },
  };
}

Deno.test("enrich() with spansSource does not join a same-id span from 10 minutes earlier in another trace", async () => {
  // Issue 11's second reproduction: the only span with the record's request id is another
  // request's, sent 10 minutes earlier in another trace, with a queue time of 9999 ms.
  const old = withQueue(
    vllmSpan({
      traceId: "ee".repeat(16),
      spanId: "1234567890abcdef",
      parentSpanId: "9999999999999999",
      requestId: "chatcmpl-vm-llama70b-0",
      startOffsetMs: -TEN_MINUTES_MS,
    }),
    9999,
  );
  const record = makeRecord({ request_id: "vm-llama70b-0", trace_id: "ab".repeat(16) });
  const out = await enrich(
    { meta: {} as never, requests: [record] },
    spansSource([old]),
    { timeoutMs: 0 },
  );
  const r = out.requests[0];
  assert.equal(r.span_status, "not_found");
  assert.equal(r.server_queue_ms, null);
  assert.deepEqual(r.server_spans, []);
  assert.match(
    r.span_note!,
    /span 1234567890abcdef of trace e{32} not joined: it started 599980 ms before the request was sent \(clock-skew allowance 1000 ms\)/,
  );
});

Deno.test("enrich() joins a same-id span inside the request's window with status found_by_request_id", async () => {
  const span = withQueue(
    vllmSpan({ traceId: "ee".repeat(16), spanId: "1234567890abcdef", requestId: "chatcmpl-r" }),
    12,
  );
  const record = makeRecord({ request_id: "r", trace_id: "ab".repeat(16) });
  const out = await enrich({ meta: {} as never, requests: [record] }, spansSource([span]), {
    timeoutMs: 0,
  });
  assert.equal(out.requests[0].span_status, "found_by_request_id");
  assert.equal(out.requests[0].server_queue_ms, 12);
});

const FIT = { spanName: "llm_request", clockSkewMs: 1000, used: new Set<string>() };

Deno.test("matchByRequestId() turns down a span of another endpoint and says so", () => {
  const span = vllmSpan({
    traceId: "ee".repeat(16),
    spanId: "1".repeat(16),
    requestId: "cmpl-r-0",
  });
  const record = { ...makeRecord({ endpoint: "chat" }), index: 0 };
  const [outcome] = matchByRequestId(
    [{ record, candidates: ["cmpl-r-0"] }],
    new Map([["cmpl-r-0", [span]]]),
    { ...FIT, traceOwners: new Map() },
  );
  assert.deepEqual(outcome, {
    joined: null,
    reasons: [
      `span ${"1".repeat(16)} of trace ${
        "e".repeat(32)
      } not joined: it served the completions endpoint, the request went to chat`,
    ],
  });
});

Deno.test("matchByRequestId() joins nothing when spans of two traces fit, or a span sits in another record's trace", () => {
  const a = vllmSpan({ traceId: "ee".repeat(16), spanId: "1".repeat(16), requestId: "chatcmpl-r" });
  const b = vllmSpan({ traceId: "ff".repeat(16), spanId: "2".repeat(16), requestId: "chatcmpl-r" });
  const record = { ...makeRecord({ start_ms: FIXTURE_START_MS - 20 }), index: 0 };
  const spans = new Map([["chatcmpl-r", [a, b, a]]]);
  const [twoTraces] = matchByRequestId([{ record, candidates: ["chatcmpl-r"] }], spans, {
    ...FIT,
    traceOwners: new Map(),
  });
  assert.match((twoTraces as { reasons: string[] }).reasons[0], /spans of 2 traces fit/);
  const [owned] = matchByRequestId([{ record, candidates: ["chatcmpl-r"] }], spans, {
    ...FIT,
    traceOwners: new Map([["ff".repeat(16), 3]]),
  });
  assert.equal(owned.joined?.length, 1, "the span in request #3's trace is not a candidate");
  assert.equal(owned.joined?.[0].trace_id, "ee".repeat(16));
});
