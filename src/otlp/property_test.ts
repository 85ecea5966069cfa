/**
 * Property tests: untrusted payloads never make the decoders or the HTTP handler throw or hang;
 * well-formed spans survive both encodings unchanged.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { handleOtlpHttp } from "./http.ts";
import { emptyCounters } from "./ingest.ts";
import { decodeExportRequest, encodeExportRequest, type OtlpExportRequest } from "./protobuf.ts";
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
      const fromProto = flattenSpans(decodeExportRequest(encodeExportRequest(payload)));
      assert.equal(fromJson.rejected.length, 0);
      assert.deepEqual(fromProto, fromJson);
    }),
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
