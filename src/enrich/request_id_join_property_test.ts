/**
 * Property: whatever mix of colliding request ids, missing, late, duplicated and re-parented
 * spans a back end holds, `enrich` never joins a record to a span of another request.
 *
 * A run of 1–8 records (request ids drawn from a small pool, so they collide inside the run,
 * and with other runs) is enriched against a source holding: each record's own span (delivered
 * in its trace, missing, late — visible only to the request-id lookup —, re-parented into
 * another trace by a proxy, or delivered twice), and spans of other requests carrying the same
 * ids: other runs at other times, or concurrent requests to another endpoint or with another
 * prompt length. Every joined span must be the record's own.
 *
 * Not generated: a request of another client sent at the same time with the same X-Request-Id,
 * endpoint and prompt length. No check can tell that one apart; collect's ids carry 64 random
 * bits so that it does not happen (src/collect/request_id.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import type { Endpoint, RequestRecord, ServerSpan, SpanQuery, TraceSource } from "../types.ts";
import { enrich } from "./enrich.ts";
import { spanKey } from "./join.ts";
import { makeRecord, vllmSpan } from "./_test_support.ts";

const SKEW_MS = 1000;
const T0 = 1_790_000_000_000;
const TEMPLATE = vllmSpan({ traceId: "1".repeat(32), spanId: "2".repeat(16) });

type Fate = "delivered" | "missing" | "late" | "reparented" | "duplicated";

interface RecordPlan {
  requestId: string;
  endpoint: Endpoint;
  offsetMs: number;
  e2eMs: number;
  promptTokens: number;
  fate: Fate;
  /** Where inside the client window the server span lies, as fractions of e2e. */
  spanFrom: number;
  spanTo: number;
}

interface ForeignPlan {
  requestId: string;
  endpoint: Endpoint;
  /** "other time": another run, outside this run's window; "concurrent": another request. */
  when: "before" | "after" | "concurrent";
  gapMs: number;
  promptTokens: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

function vllmId(requestId: string, endpoint: Endpoint): string {
  return endpoint === "chat" ? `chatcmpl-${requestId}` : `cmpl-${requestId}-0`;
}

function makeSpan(fields: {
  traceId: string;
  spanId: string;
  parent: string | null;
  startMs: number;
  endMs: number;
  requestId: string;
  promptTokens: number;
}): ServerSpan {
  return {
    ...TEMPLATE,
    trace_id: fields.traceId,
    span_id: fields.spanId,
    parent_span_id: fields.parent,
    start_ms: fields.startMs,
    end_ms: fields.endMs,
    start_time_unix_nano: `${Math.round(fields.startMs * 1e6)}`,
    end_time_unix_nano: `${Math.round(fields.endMs * 1e6)}`,
    attributes: {
      ...TEMPLATE.attributes,
      "gen_ai.request.id": fields.requestId,
      "gen_ai.usage.prompt_tokens": fields.promptTokens,
    },
  };
}

/** An in-memory back end: trace lookups see delivered spans, request-id lookups see all. */
class PlannedSource implements TraceSource {
  readonly name = "planned";
  constructor(private delivered: ServerSpan[], private all: ServerSpan[]) {}
  getSpans(traceIds: string[], _query: SpanQuery) {
    const found = new Map<string, ServerSpan[]>();
    for (const span of this.delivered) {
      if (traceIds.includes(span.trace_id)) {
        found.set(span.trace_id, [...(found.get(span.trace_id) ?? []), span]);
      }
    }
    return Promise.resolve(found);
  }
  getSpansByRequestId(requestIds: string[], _query: SpanQuery) {
    const found = new Map<string, ServerSpan[]>();
    for (const span of this.all) {
      const id = span.attributes["gen_ai.request.id"] as string;
      if (requestIds.includes(id)) found.set(id, [...(found.get(id) ?? []), span]);
    }
    return Promise.resolve(found);
  }
}

const requestIdArb = fc.constantFrom("vm-run-0", "vm-run-1", "vm-run-2", "llama70b-0");
const endpointArb = fc.constantFrom<Endpoint>("chat", "completions");

const recordArb: fc.Arbitrary<RecordPlan> = fc.record({
  requestId: requestIdArb,
  endpoint: endpointArb,
  offsetMs: fc.integer({ min: 0, max: 20_000 }),
  e2eMs: fc.integer({ min: 20, max: 8_000 }),
  promptTokens: fc.integer({ min: 1, max: 4 }),
  fate: fc.constantFrom<Fate>("delivered", "missing", "late", "reparented", "duplicated"),
  spanFrom: fc.double({ min: 0, max: 0.5, noNaN: true }),
  spanTo: fc.double({ min: 0.5, max: 1, noNaN: true }),
});

const foreignArb: fc.Arbitrary<ForeignPlan> = fc.record({
  requestId: requestIdArb,
  endpoint: endpointArb,
  when: fc.constantFrom<ForeignPlan["when"]>("before", "after", "concurrent"),
  gapMs: fc.integer({ min: 1, max: 3_600_000 }),
  promptTokens: fc.integer({ min: 1, max: 4 }),
});

/** The run, the source, and the owner (record index, −1 for other requests) of every span. */
function build(plans: RecordPlan[], foreign: ForeignPlan[]) {
  const records: RequestRecord[] = [];
  const delivered: ServerSpan[] = [];
  const all: ServerSpan[] = [];
  const owner = new Map<string, number>();
  const add = (span: ServerSpan, who: number, visibleByTrace: boolean) => {
    owner.set(spanKey(span), who);
    all.push(span);
    if (visibleByTrace) delivered.push(span);
  };
  plans.forEach((plan, index) => {
    const record = makeRecord({
      index,
      request_id: plan.requestId,
      endpoint: plan.endpoint,
      trace_id: hex(index + 1, 32),
      span_id: hex(index + 1, 16),
      response_id: vllmId(plan.requestId, plan.endpoint),
      start_ms: T0 + plan.offsetMs,
      scheduled_ms: T0 + plan.offsetMs,
      e2e_ms: plan.e2eMs,
      prompt_tokens: plan.promptTokens,
      token_source: "usage",
    });
    records.push(record);
    if (plan.fate === "missing") return;
    const reparented = plan.fate === "reparented";
    const span = makeSpan({
      traceId: reparented ? hex(0xaaaa00 + index, 32) : record.trace_id,
      spanId: hex(0xbbbb00 + index, 16),
      parent: reparented ? null : record.span_id,
      startMs: record.start_ms + plan.spanFrom * plan.e2eMs,
      endMs: record.start_ms + plan.spanTo * plan.e2eMs,
      requestId: vllmId(plan.requestId, plan.endpoint),
      promptTokens: plan.promptTokens,
    });
    add(span, index, plan.fate === "delivered" || plan.fate === "duplicated");
    if (plan.fate === "duplicated") add({ ...span }, index, true);
  });
  const runStart = Math.min(...records.map((r) => r.start_ms));
  const runEnd = Math.max(...records.map((r) => r.start_ms + r.e2e_ms!));
  foreign.forEach((plan, k) => {
    let startMs: number;
    let endpoint = plan.endpoint;
    let promptTokens = plan.promptTokens;
    if (plan.when === "before") startMs = runStart - SKEW_MS - plan.gapMs - 500;
    else if (plan.when === "after") startMs = runEnd + SKEW_MS + plan.gapMs;
    else {
      // A concurrent request with the same id: another endpoint, or another prompt.
      const target = records[k % records.length];
      startMs = target.start_ms + 1;
      if (k % 2 === 0) endpoint = target.endpoint === "chat" ? "completions" : "chat";
      else promptTokens = (target.prompt_tokens ?? 0) + 1 + (plan.gapMs % 5);
      plan = { ...plan, requestId: target.request_id };
      // It must differ from every record with its id, not only from its target: a concurrent
      // request with the same id, endpoint and prompt length cannot be told apart by any check.
      const twin = records.some((r) =>
        r.request_id === target.request_id && r.endpoint === endpoint &&
        r.prompt_tokens === promptTokens
      );
      if (twin) promptTokens = 100 + k;
    }
    const span = makeSpan({
      traceId: hex(0xcccc00 + k, 32),
      spanId: hex(0xdddd00 + k, 16),
      parent: hex(0xeeee00 + k, 16),
      startMs,
      endMs: startMs + 400,
      requestId: vllmId(plan.requestId, endpoint),
      promptTokens,
    });
    add(span, -1, false);
  });
  return { records, source: new PlannedSource(delivered, all), owner };
}

Deno.test("enrich() never joins a record to another request's span, whatever ids collide and spans go astray", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(recordArb, { minLength: 1, maxLength: 8 }),
      fc.array(foreignArb, { maxLength: 8 }),
      async (plans, foreign) => {
        const { records, source, owner } = build(plans, foreign);
        const run = {
          meta: { run_id: "run-b" } as never,
          requests: records,
        };
        const out = await enrich(run, source, { timeoutMs: 0, clockSkewMs: SKEW_MS });
        out.requests.forEach((r, index) => {
          for (const span of r.server_spans) {
            assert.equal(
              owner.get(spanKey(span)),
              index,
              `record #${index} (${r.span_status}) got span ${spanKey(span)}: ${r.span_note}`,
            );
          }
          // The trace-context join still works whatever else the source holds.
          if (plans[index].fate === "delivered" || plans[index].fate === "duplicated") {
            assert.equal(r.span_status, "found", r.span_note ?? "");
          }
        });
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("enrich() joins a re-parented span by request id when nothing else could claim it", async () => {
  const plan: RecordPlan = {
    requestId: "vm-0123456789abcdef-0",
    endpoint: "chat",
    offsetMs: 0,
    e2eMs: 300,
    promptTokens: 3,
    fate: "reparented",
    spanFrom: 0.1,
    spanTo: 0.9,
  };
  const { records, source } = build([plan], [
    {
      requestId: plan.requestId,
      endpoint: "chat",
      when: "before",
      gapMs: 600_000,
      promptTokens: 3,
    },
  ]);
  const out = await enrich({ meta: {} as never, requests: records }, source, { timeoutMs: 0 });
  assert.equal(out.requests[0].span_status, "found_by_request_id");
  assert.equal(out.requests[0].server_spans[0].trace_id, hex(0xaaaa00, 32));
});
