/**
 * Property tests: untrusted payloads never make the decoders or the HTTP handler throw or hang;
 * well-formed spans survive both encodings unchanged.
 */
import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { handleOtlpHttp } from "./http.ts";
import { emptyCounters } from "./ingest.ts";
import { decodeExportRequest, encodeExportRequest, type OtlpExportRequest } from "./protobuf.ts";
import { decodeExportMessage, flattenExportMessage } from "./proto_spans.ts";
import { flattenSpans } from "./spans.ts";
import { SpanStore } from "./store.ts";

// `timeout` only detects a hung run (a generous 10 s per run); it measures no performance.
const RUNS = { numRuns: 300, timeout: 10_000 };

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) =>
    Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")
  );

const anyValue: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.string().map((stringValue) => ({ stringValue })),
  fc.boolean().map((boolValue) => ({ boolValue })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((n) => ({ intValue: String(n) })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d))
    .map((doubleValue) => ({ doubleValue })),
);

const validSpan = fc.record({
  traceId: hex(16).filter((h) => !/^0+$/.test(h)),
  spanId: hex(8).filter((h) => !/^0+$/.test(h)),
  parentSpanId: fc.oneof(fc.constant(""), hex(8).filter((h) => !/^0+$/.test(h))),
  name: fc.constantFrom("llm_request", "Load model"),
  kind: fc.integer({ min: 0, max: 5 }),
  startTimeUnixNano: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map(String),
  endTimeUnixNano: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map(String),
  attributes: fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1 }), value: anyValue }), {
    selector: (kv) => kv.key,
    maxLength: 6,
  }),
});

/** Spans whose fields may be anything at all (as a hostile OTLP/JSON sender could send). */
const hostileSpan = fc.dictionary(
  fc.constantFrom(
    "traceId",
    "spanId",
    "parentSpanId",
    "name",
    "kind",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "attributes",
    "__proto__",
    "toString",
  ),
  fc.oneof(fc.jsonValue(), fc.constant([{ key: "__proto__", value: { kvlistValue: 5 } }])),
);

const payloadOf = <T>(spans: fc.Arbitrary<T>) =>
  fc.array(spans, { maxLength: 5 }).map((list) => ({
    resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: "s" }, spans: list }] }],
  }));

/** Valid protobuf payloads, truncated and with a few bytes overwritten. */
const mangledProtobuf = fc.tuple(
  payloadOf(validSpan).map((p) => encodeExportRequest(p)),
  fc.nat(),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
).map(([bytes, cut, edits]) => {
  const out = bytes.slice(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1));
  for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
  return out;
});

function context() {
  return {
    store: new SpanStore({ maxSpans: 1000 }),
    counters: emptyCounters(),
    maxBodyBytes: 1 << 20,
    spanName: null,
  };
}

function post(body: Uint8Array | string, contentType: string, gzip = false): Request {
  const headers: Record<string, string> = { "content-type": contentType };
  if (gzip) headers["content-encoding"] = "gzip";
  return new Request("http://127.0.0.1/v1/traces", {
    method: "POST",
    headers,
    body: body as BodyInit,
  });
}

Deno.test("decodeExportRequest() on arbitrary bytes returns a request or throws an Error", () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), mangledProtobuf), (bytes) => {
      try {
        const decoded = decodeExportRequest(bytes);
        // Whatever decodes must flatten without throwing.
        flattenSpans(decoded);
      } catch (error) {
        assert.ok(error instanceof Error);
      }
    }),
    RUNS,
  );
});

Deno.test("flattenSpans() never throws on arbitrary JSON and returns only valid spans", () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), payloadOf(hostileSpan)), (value) => {
      const { spans, rejected } = flattenSpans(value as OtlpExportRequest);
      for (const span of spans) {
        assert.match(span.trace_id, /^[0-9a-f]{32}$/);
        assert.match(span.span_id, /^[0-9a-f]{16}$/);
        assert.ok(span.parent_span_id === null || /^[0-9a-f]{16}$/.test(span.parent_span_id));
        assert.ok(Number.isFinite(span.start_ms) && Number.isFinite(span.end_ms));
        assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
      }
      for (const r of rejected) assert.match(r.where, /^resourceSpans\[\d+\]/);
    }),
    RUNS,
  );
});

Deno.test("flattenSpans() accepts or rejects every span of an OTLP-shaped payload exactly once", () => {
  fc.assert(
    fc.property(payloadOf(hostileSpan), (payload) => {
      const { spans, rejected } = flattenSpans(payload as OtlpExportRequest);
      assert.equal(
        spans.length + rejected.length,
        payload.resourceSpans[0].scopeSpans[0].spans.length,
      );
    }),
    RUNS,
  );
});

Deno.test("well-formed spans flatten the same from OTLP/JSON and from protobuf", () => {
  fc.assert(
    fc.property(payloadOf(validSpan), (payload) => {
      const fromJson = flattenSpans(payload);
      const bytes = encodeExportRequest(payload);
      const fromProto = flattenSpans(decodeExportRequest(bytes));
      assert.equal(fromJson.rejected.length, 0);
      assert.deepEqual(fromProto, fromJson);
      assert.deepEqual(flattenExportMessage(decodeExportMessage(bytes)), fromJson);
    }),
    RUNS,
  );
});

/** Any AnyValue protobuf can carry, nested a few levels (int64 over its whole range, bytes). */
const edgeAnyValue: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant({}),
    fc.string().map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ intValue: String(n) })),
    fc.double().map((doubleValue) => ({ doubleValue })),
    fc.uint8Array({ maxLength: 12 }).map((b) => ({ bytesValue: btoa(String.fromCharCode(...b)) })),
    fc.array(tie("value"), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(tie("keyValue"), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
  keyValue: fc.record(
    { key: fc.constantFrom("", "a", "__proto__", "toString", "gen_ai.x"), value: tie("value") },
    { requiredKeys: [] },
  ),
})).value as fc.Arbitrary<Record<string, unknown>>;

const edgeKeyValue = fc.record(
  { key: fc.constantFrom("", "a", "__proto__", "toString", "gen_ai.x"), value: edgeAnyValue },
  { requiredKeys: [] },
);

/** Ids of any length (0, short, right, long), all-zero ones included. */
const edgeId = (bytes: number) =>
  fc.oneof(
    { arbitrary: hex(bytes), weight: 8 },
    fc.constant("00".repeat(bytes)),
    fc.constant(""),
    fc.integer({ min: 1, max: bytes + 4 }).chain(hex),
  );

const edgeNanos = fc.oneof(
  fc.constant("0"),
  {
    arbitrary: fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_800_000_000_000_000_000n }).map(
      String,
    ),
    weight: 6,
  },
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.bigInt({ min: 1n, max: 10n ** 7n }).map(String),
  fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_900_000_000_000_000_000n }).map(String),
);

/** Spans a protobuf exporter could send, well-formed or not, any field possibly missing. */
const edgeSpan = fc.record({
  traceId: edgeId(16),
  spanId: edgeId(8),
  parentSpanId: edgeId(8),
  name: fc.constantFrom("", "llm_request"),
  kind: fc.integer({ min: -3, max: 7 }),
  startTimeUnixNano: edgeNanos,
  endTimeUnixNano: edgeNanos,
  attributes: fc.array(edgeKeyValue, { maxLength: 5 }),
}, { requiredKeys: [] });

const edgeScopeSpans = fc.record({
  scope: fc.record({ name: fc.constantFrom("", "vllm.llm_engine") }, { requiredKeys: [] }),
  spans: fc.array(edgeSpan, { maxLength: 4 }),
}, { requiredKeys: [] });

const edgePayload = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resource: fc.record({ attributes: fc.array(edgeKeyValue, { maxLength: 3 }) }, {
        requiredKeys: [],
      }),
      scopeSpans: fc.array(edgeScopeSpans, { maxLength: 2 }),
      instrumentationLibrarySpans: fc.array(edgeScopeSpans, { maxLength: 2 }),
    }, { requiredKeys: [] }),
    { maxLength: 3 },
  ),
});

/** The receiver's protobuf path must equal flattenSpans over decodeExportRequest's output. */
function assertSameFromMessage(bytes: Uint8Array): void {
  let expected;
  try {
    expected = flattenSpans(decodeExportRequest(bytes));
  } catch {
    assert.throws(() => flattenExportMessage(decodeExportMessage(bytes)));
    return;
  }
  assert.deepEqual(flattenExportMessage(decodeExportMessage(bytes)), expected);
}

Deno.test("flattenExportMessage() equals flattenSpans(decodeExportRequest()) on any OTLP protobuf", () => {
  fc.assert(
    fc.property(edgePayload, (payload) => {
      assertSameFromMessage(encodeExportRequest(payload as OtlpExportRequest));
    }),
    RUNS,
  );
});

Deno.test("flattenExportMessage() equals flattenSpans(decodeExportRequest()) on mangled bytes", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        mangledProtobuf,
        edgePayload.chain((payload) =>
          fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([cut, at, value]) => {
            const bytes = encodeExportRequest(payload as OtlpExportRequest);
            const out = bytes.slice(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1));
            if (out.length > 0) out[at % out.length] = value;
            return out;
          })
        ),
      ),
      assertSameFromMessage,
    ),
    RUNS,
  );
});

Deno.test("handleOtlpHttp() answers arbitrary protobuf bytes with 200 or 400, never throws", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.uint8Array({ maxLength: 512 }), mangledProtobuf),
      fc.boolean(),
      async (bytes, gzip) => {
        const response = await handleOtlpHttp(
          post(bytes, "application/x-protobuf", gzip),
          context(),
        );
        assert.ok([200, 400].includes(response.status), `status ${response.status}`);
        await response.arrayBuffer();
      },
    ),
    RUNS,
  );
});

Deno.test("handleOtlpHttp() answers arbitrary text as JSON with 200 or 400, never throws", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string(),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        payloadOf(hostileSpan).map((v) => JSON.stringify(v)),
      ),
      async (text) => {
        const response = await handleOtlpHttp(post(text, "application/json"), context());
        assert.ok([200, 400].includes(response.status), `status ${response.status}`);
        const body = await response.json();
        if (response.status === 400) assert.equal(body.code, 3);
      },
    ),
    RUNS,
  );
});

Deno.test("handleOtlpHttp() counts every span of an OTLP-shaped JSON body as accepted or rejected", async () => {
  await fc.assert(
    fc.asyncProperty(payloadOf(fc.oneof(validSpan, hostileSpan)), async (payload) => {
      const ctx = context();
      const response = await handleOtlpHttp(post(JSON.stringify(payload), "application/json"), ctx);
      assert.equal(response.status, 200);
      const body = await response.json();
      const sent = payload.resourceSpans[0].scopeSpans[0].spans.length;
      assert.equal(ctx.counters.accepted_spans + ctx.counters.rejected_spans, sent);
      assert.equal(Number(body.partialSuccess?.rejectedSpans ?? 0), ctx.counters.rejected_spans);
    }),
    RUNS,
  );
});
