import assert from "node:assert/strict";
import { handleOtlpHttp, type HttpHandlerContext } from "./http.ts";
import { emptyCounters } from "./ingest.ts";
import {
  decodeExportRequest,
  decodeExportResponse,
  decodeRpcStatus,
  encodeExportRequest,
  type OtlpExportRequest,
} from "./protobuf.ts";
import { SpanStore } from "./store.ts";
import {
  gzip,
  gzipBomb,
  llmRequestPayload,
  readFixture,
  readRecordedExport,
  spanIdOf,
  traceIdOf,
  V0_ATTRIBUTES,
  V1_ATTRIBUTES,
} from "./_test_helpers.ts";

const JSON_TYPE = "application/json";
const PROTO_TYPE = "application/x-protobuf";

function context(overrides: Partial<HttpHandlerContext> = {}): HttpHandlerContext {
  return {
    store: new SpanStore(),
    counters: emptyCounters(),
    maxBodyBytes: 1 << 20,
    spanName: "llm_request",
    ...overrides,
  };
}

function post(
  body: BodyInit | null,
  contentType: string | null,
  headers: Record<string, string> = {},
  path = "/v1/traces",
): Request {
  const all: Record<string, string> = { ...headers };
  if (contentType !== null) all["content-type"] = contentType;
  return new Request(`http://127.0.0.1${path}`, { method: "POST", headers: all, body });
}

function jsonBody(payload: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(payload));
}

function protoBody(payload: OtlpExportRequest): Uint8Array<ArrayBuffer> {
  return encodeExportRequest(payload) as Uint8Array<ArrayBuffer>;
}

async function protoResponse(response: Response) {
  assert.equal(response.headers.get("content-type"), PROTO_TYPE);
  return decodeExportResponse(new Uint8Array(await response.arrayBuffer()));
}

async function protoStatus(response: Response) {
  assert.equal(response.headers.get("content-type"), PROTO_TYPE);
  return decodeRpcStatus(new Uint8Array(await response.arrayBuffer()));
}

const TRACE = traceIdOf(1);
const CLIENT_SPAN = spanIdOf(100);

Deno.test("handleOtlpHttp() stores a vLLM V1 span sent as OTLP/JSON and replies {}", async () => {
  const ctx = context();
  const payload = llmRequestPayload([{
    traceId: TRACE,
    spanId: spanIdOf(1),
    parentSpanId: CLIENT_SPAN,
  }]);
  const response = await handleOtlpHttp(post(jsonBody(payload), JSON_TYPE), ctx);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), JSON_TYPE);
  assert.deepEqual(await response.json(), {});
  const [span] = ctx.store.get(TRACE)!;
  assert.equal(span.parent_span_id, CLIENT_SPAN);
  assert.equal(span.kind, 2);
  assert.equal(span.scope, "vllm.llm_engine");
  assert.equal(span.resource["service.name"], "vllm-server");
  assert.deepEqual(span.attributes, V1_ATTRIBUTES);
  assert.deepEqual(ctx.counters, {
    received_requests: 1,
    accepted_spans: 1,
    rejected_spans: 0,
    bad_requests: 0,
    ignored_spans: 0,
  });
});

Deno.test("handleOtlpHttp() stores a vLLM V0 span sent as protobuf and replies in protobuf", async () => {
  const ctx = context();
  const payload = llmRequestPayload([{
    traceId: TRACE,
    spanId: spanIdOf(1),
    parentSpanId: CLIENT_SPAN,
    attributes: V0_ATTRIBUTES,
  }]);
  const response = await handleOtlpHttp(post(protoBody(payload), PROTO_TYPE), ctx);
  assert.equal(response.status, 200);
  assert.deepEqual(await protoResponse(response), {});
  assert.deepEqual(ctx.store.get(TRACE)![0].attributes, V0_ATTRIBUTES);
});

Deno.test("handleOtlpHttp() accepts gzip-compressed JSON and protobuf bodies", async () => {
  const ctx = context();
  const json = llmRequestPayload([{ traceId: traceIdOf(1), spanId: spanIdOf(1) }]);
  const proto = llmRequestPayload([{ traceId: traceIdOf(2), spanId: spanIdOf(2) }]);
  const gz = { "content-encoding": "gzip" };
  const r1 = await handleOtlpHttp(post(await gzip(jsonBody(json)) as BodyInit, JSON_TYPE, gz), ctx);
  const r2 = await handleOtlpHttp(
    post(await gzip(protoBody(proto)) as BodyInit, PROTO_TYPE, gz),
    ctx,
  );
  assert.equal(r1.status, 200);
  assert.deepEqual(await r1.json(), {});
  assert.equal(r2.status, 200);
  assert.deepEqual(await protoResponse(r2), {});
  assert.equal(ctx.store.get(traceIdOf(1))![0].attributes["gen_ai.usage.prompt_tokens"], 14);
  assert.equal(ctx.store.get(traceIdOf(2))![0].attributes["gen_ai.usage.completion_tokens"], 8);
});

Deno.test("handleOtlpHttp() reports the recorded vLLM span with its ids removed as a partial success", async () => {
  const payload = JSON.parse(readFixture("llm_request.otlp.json"));
  const span = payload.resourceSpans[0].scopeSpans[0].spans[0];
  delete span.traceId;
  delete span.spanId;
  for (
    const [type, body] of [
      [JSON_TYPE, jsonBody(payload)],
      // The protobuf form cannot carry the missing ids either: empty bytes.
      [PROTO_TYPE, protoBody(payload)],
    ] as const
  ) {
    const ctx = context();
    const response = await handleOtlpHttp(post(body, type), ctx);
    assert.equal(response.status, 200, type);
    const reply = type === JSON_TYPE ? await response.json() : await protoResponse(response);
    assert.equal(reply.partialSuccess.rejectedSpans, "1");
    assert.match(reply.partialSuccess.errorMessage, /1 span\(s\) rejected: .*invalid traceId/);
    assert.equal(ctx.store.size, 0);
    assert.equal(ctx.counters.rejected_spans, 1);
    assert.equal(ctx.counters.bad_requests, 0, "a partial success is not a bad request");
  }
});

/** What testdata/llm_request.otlp.* hold (recorded from the Python SDK; see README.md there). */
const RECORDED = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "6917812a96cb42c0",
  parentSpanId: "00f067aa0ba902b7",
  start: "1796313046766670080",
  end: "1796313047022209430",
  attributes: {
    "gen_ai.latency.time_to_first_token": 0.11554598808288574,
    "gen_ai.latency.e2e": 0.25359678268432617,
    "gen_ai.latency.time_in_queue": 5.4589007049798965e-05,
    "gen_ai.usage.prompt_tokens": 14,
    "gen_ai.usage.completion_tokens": 8,
    "gen_ai.latency.time_in_model_prefill": 0.057814636995317414,
    "gen_ai.latency.time_in_model_decode": 0.13830458300071768,
    "gen_ai.latency.time_in_model_inference": 0.1961192199960351,
    "gen_ai.request.id": "cmpl-3f1c2a9e4b5d4e0f8a7b6c5d4e3f2a1b-0",
    "gen_ai.request.max_tokens": 8,
    "gen_ai.request.n": 1,
  },
};

Deno.test("handleOtlpHttp() stores the recorded vLLM export exactly, as sent and as OTLP/JSON", async () => {
  const text = readFixture("llm_request.otlp.json");
  // OTLP/JSON writes int64 as strings: the form the JSON path must read.
  assert.match(text, /"intValue": "14"/);
  const upperCase = JSON.parse(text);
  const span = upperCase.resourceSpans[0].scopeSpans[0].spans[0];
  span.traceId = span.traceId.toUpperCase(); // upper case is valid OTLP/JSON
  span.parentSpanId = span.parentSpanId.toUpperCase();
  for (
    const [type, body] of [
      [PROTO_TYPE, readRecordedExport()], // the bytes the Python exporter sent
      [JSON_TYPE, new TextEncoder().encode(text)],
      [JSON_TYPE, jsonBody(upperCase)],
      [PROTO_TYPE, protoBody(upperCase)],
    ] as const
  ) {
    const ctx = context();
    const response = await handleOtlpHttp(post(body as BodyInit, type), ctx);
    assert.equal(response.status, 200, type);
    const [stored] = ctx.store.get(RECORDED.traceId)!;
    assert.equal(stored.span_id, RECORDED.spanId);
    assert.equal(stored.parent_span_id, RECORDED.parentSpanId);
    assert.equal(stored.kind, 2);
    assert.equal(stored.scope, "vllm.tracing.otel");
    assert.equal(stored.start_time_unix_nano, RECORDED.start);
    assert.equal(stored.end_time_unix_nano, RECORDED.end);
    assert.deepEqual(stored.attributes, RECORDED.attributes);
    assert.equal(stored.resource["service.name"], "vllm-server");
  }
});

Deno.test("the recorded vLLM export carries the exporter's types: ints, doubles, a SERVER span", () => {
  const request = decodeExportRequest(readRecordedExport());
  const [span] = request.resourceSpans![0].scopeSpans![0].spans!;
  assert.equal(span.kind, 2);
  assert.equal(span.name, "llm_request");
  const types = Object.fromEntries(
    span.attributes!.map((a) => [a.key, Object.keys(a.value ?? {})[0]]),
  );
  assert.deepEqual(types, {
    "gen_ai.latency.time_to_first_token": "doubleValue",
    "gen_ai.latency.e2e": "doubleValue",
    "gen_ai.latency.time_in_queue": "doubleValue",
    "gen_ai.usage.prompt_tokens": "intValue",
    "gen_ai.usage.completion_tokens": "intValue",
    "gen_ai.latency.time_in_model_prefill": "doubleValue",
    "gen_ai.latency.time_in_model_decode": "doubleValue",
    "gen_ai.latency.time_in_model_inference": "doubleValue",
    "gen_ai.request.id": "stringValue",
    "gen_ai.request.max_tokens": "intValue",
    "gen_ai.request.n": "intValue",
  });
  // The protobuf decoder and the Python protobuf runtime's JSON agree on every field.
  assert.deepEqual(
    JSON.parse(JSON.stringify(request)).resourceSpans[0].scopeSpans[0].spans[0].attributes,
    JSON.parse(readFixture("llm_request.otlp.json")).resourceSpans[0].scopeSpans[0].spans[0]
      .attributes,
  );
});

Deno.test("handleOtlpHttp() accepts the Jaeger OTLP/JSON fixture as JSON and as protobuf", async () => {
  const fixture = readFixture("jaeger-otlp2jaeger-in.json");
  const payload = JSON.parse(fixture);
  const sent = payload.resourceSpans.flatMap((rs: { scopeSpans: { spans: unknown[] }[] }) =>
    rs.scopeSpans.flatMap((ss) => ss.spans)
  ) as { traceId: string; spanId: string }[];
  const distinct = new Set(sent.map((s) => `${s.traceId}/${s.spanId}`));
  for (
    const [type, body] of [
      [JSON_TYPE, new TextEncoder().encode(fixture)],
      [PROTO_TYPE, protoBody(payload)],
    ] as const
  ) {
    const ctx = context({ spanName: null });
    const response = await handleOtlpHttp(post(body, type), ctx);
    assert.equal(response.status, 200, type);
    assert.equal(ctx.counters.accepted_spans, sent.length);
    assert.equal(ctx.store.size, distinct.size, "repeated span ids are stored once");
    const [first] = ctx.store.get("83a9efd15c1c98a977e0711cc93ee28b")!;
    assert.equal(first.name, "okey-dokey-0");
    assert.equal(first.parent_span_id, "909541b92cf05311");
    assert.equal(first.resource["service.name"], "telemetrygen");
    assert.equal(first.attributes["peer.service"], "telemetrygen-client");
  }
});

Deno.test("handleOtlpHttp() keeps only llm_request spans by default and counts the rest", async () => {
  const ctx = context();
  const payload = llmRequestPayload([
    { traceId: traceIdOf(1), spanId: spanIdOf(1) },
    { traceId: traceIdOf(2), spanId: spanIdOf(2), name: "Load weights", attributes: {} },
  ]);
  const response = await handleOtlpHttp(post(jsonBody(payload), JSON_TYPE), ctx);
  assert.equal(response.status, 200);
  assert.deepEqual(ctx.store.traceIds(), [traceIdOf(1)]);
  assert.equal(ctx.counters.ignored_spans, 1);
});

Deno.test("handleOtlpHttp() answers a garbage protobuf body with 400 and a protobuf Status", async () => {
  const ctx = context();
  const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x08, 0x01]);
  const response = await handleOtlpHttp(post(garbage, PROTO_TYPE), ctx);
  assert.equal(response.status, 400);
  const status = await protoStatus(response);
  assert.equal(status.code, 3);
  assert.match(status.message, /not a protobuf ExportTraceServiceRequest/);
  assert.equal(ctx.counters.bad_requests, 1);
});

Deno.test("handleOtlpHttp() answers a truncated protobuf body with 400", async () => {
  const ctx = context();
  const whole = protoBody(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]));
  const response = await handleOtlpHttp(
    post(whole.slice(0, Math.floor(whole.length / 2)), PROTO_TYPE),
    ctx,
  );
  assert.equal(response.status, 400);
  assert.equal((await protoStatus(response)).code, 3);
  assert.equal(ctx.store.size, 0);
});

Deno.test("handleOtlpHttp() answers invalid JSON with 400 and a JSON Status", async () => {
  for (const body of ["{not json", "[1,2]", "42", '{"resourceSpans": 5}', "\xff"]) {
    const response = await handleOtlpHttp(post(body, JSON_TYPE), context());
    assert.equal(response.status, 400, body);
    const status = await response.json();
    assert.equal(status.code, 3);
    assert.equal(typeof status.message, "string");
  }
});

Deno.test("handleOtlpHttp() answers invalid UTF-8 in JSON with 400", async () => {
  const response = await handleOtlpHttp(
    post(new Uint8Array([0x7b, 0xff, 0x7d]), JSON_TYPE),
    context(),
  );
  assert.equal(response.status, 400);
  assert.match((await response.json()).message, /not valid UTF-8/);
});

Deno.test("handleOtlpHttp() answers a body that is not gzip despite the header with 400", async () => {
  const response = await handleOtlpHttp(
    post(jsonBody({ resourceSpans: [] }), JSON_TYPE, { "content-encoding": "gzip" }),
    context(),
  );
  assert.equal(response.status, 400);
  assert.match((await response.json()).message, /not valid gzip/);
});

Deno.test("handleOtlpHttp() answers a declared Content-Length over the limit with 413", async () => {
  const ctx = context({ maxBodyBytes: 1000 });
  const response = await handleOtlpHttp(
    post(new Uint8Array(2000), PROTO_TYPE, { "content-length": "2000" }),
    ctx,
  );
  assert.equal(response.status, 413);
  const status = await protoStatus(response);
  assert.equal(status.code, 8);
  assert.match(status.message, /2000 bytes exceeds the limit of 1000 bytes/);
});

Deno.test("handleOtlpHttp() answers a streamed body over the limit with 413 and stops reading", async () => {
  const ctx = context({ maxBodyBytes: 64 * 1024 });
  let pulled = 0;
  const chunks = 1024; // 16 MiB offered in 16 KiB chunks
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(16 * 1024));
    },
  });
  const response = await handleOtlpHttp(post(body, JSON_TYPE), ctx);
  assert.equal(response.status, 413);
  assert.match((await response.json()).message, /exceeds the limit of 65536 bytes/);
  assert.ok(pulled < chunks, `read ${pulled} of ${chunks} chunks: reading must stop at the limit`);
});

Deno.test("handleOtlpHttp() answers a gzip bomb with 413 without inflating it", async () => {
  const limit = 1 << 20;
  const bomb = await gzipBomb(512 * 1024 * 1024); // 512 MiB of zeros in ~0.5 MiB
  const ctx = context({ maxBodyBytes: limit });
  // The whole bomb arrives as one chunk: a decompressor fed that chunk at once would allocate
  // all 512 MiB in one step (measured: +514 MiB rss); the reader must slice its input.
  const rssBefore = Deno.memoryUsage().rss;
  const response = await handleOtlpHttp(
    post(bomb as Uint8Array<ArrayBuffer>, PROTO_TYPE, { "content-encoding": "gzip" }),
    ctx,
  );
  const rssGrowth = Deno.memoryUsage().rss - rssBefore;
  assert.equal(response.status, 413);
  assert.match((await protoStatus(response)).message, /decompressed request body exceeds/);
  // Bounded reading measured about 6 MiB; the bound leaves room for tests running alongside.
  assert.ok(rssGrowth < 256 * 1024 * 1024, `rss grew by ${rssGrowth} bytes`);
});

Deno.test("handleOtlpHttp() stops pulling a gzip bomb's body once the limit is passed", async () => {
  const bomb = await gzipBomb(512 * 1024 * 1024);
  let offered = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offered >= bomb.length) return controller.close();
      controller.enqueue(bomb.subarray(offered, offered + 4096));
      offered += 4096;
    },
  });
  const response = await handleOtlpHttp(
    post(body, JSON_TYPE, { "content-encoding": "gzip" }),
    context({ maxBodyBytes: 1 << 20 }),
  );
  assert.equal(response.status, 413);
  await response.body?.cancel();
  assert.ok(offered < bomb.length, `pulled ${offered} of ${bomb.length} compressed bytes`);
});

Deno.test("handleOtlpHttp() answers an unknown content type with 415", async () => {
  for (const type of ["text/plain", null, "application/grpc"]) {
    const ctx = context();
    const response = await handleOtlpHttp(post("{}", type), ctx);
    assert.equal(response.status, 415, String(type));
    assert.match((await response.json()).message, /unsupported content type/);
    assert.equal(ctx.counters.bad_requests, 1);
  }
});

Deno.test("handleOtlpHttp() accepts a content type with parameters", async () => {
  const response = await handleOtlpHttp(
    post(jsonBody({ resourceSpans: [] }), "Application/JSON; charset=utf-8"),
    context(),
  );
  assert.equal(response.status, 200);
});

Deno.test("handleOtlpHttp() answers an unknown content encoding with 415", async () => {
  const response = await handleOtlpHttp(
    post("{}", JSON_TYPE, { "content-encoding": "br" }),
    context(),
  );
  assert.equal(response.status, 415);
  assert.match((await response.json()).message, /unsupported content encoding "br"/);
});

Deno.test("handleOtlpHttp() answers other methods with 405 and an Allow header", async () => {
  const response = await handleOtlpHttp(new Request("http://127.0.0.1/v1/traces"), context());
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  assert.equal((await response.json()).code, 12);
});

Deno.test("handleOtlpHttp() answers other paths with 404", async () => {
  for (const path of ["/", "/v1/metrics", "/v1/traces/x"]) {
    const response = await handleOtlpHttp(post("{}", JSON_TYPE, {}, path), context());
    assert.equal(response.status, 404, path);
    assert.equal((await response.json()).code, 5);
  }
});

Deno.test("handleOtlpHttp() requires the bearer token when one is configured", async () => {
  const ctx = context({ bearerToken: "s3cret" });
  const body = () => jsonBody(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]));
  const attempts: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong" },
    { authorization: "s3cret" },
  ];
  for (const headers of attempts) {
    const response = await handleOtlpHttp(post(body(), JSON_TYPE, headers), ctx);
    assert.equal(response.status, 401, JSON.stringify(headers));
    assert.equal(response.headers.get("www-authenticate"), "Bearer");
    assert.equal((await response.json()).code, 16);
  }
  assert.equal(ctx.store.size, 0);
  const ok = await handleOtlpHttp(post(body(), JSON_TYPE, { authorization: "bearer s3cret" }), ctx);
  assert.equal(ok.status, 200);
  assert.equal(ctx.store.size, 1);
});

Deno.test("handleOtlpHttp() reports each malformed span and keeps the good ones", async () => {
  const ctx = context();
  const payload = llmRequestPayload([
    { traceId: traceIdOf(1), spanId: spanIdOf(1) },
    { traceId: "xyz", spanId: spanIdOf(2) },
    { traceId: traceIdOf(3), spanId: "" },
    { traceId: traceIdOf(4), spanId: spanIdOf(4), startTimeUnixNano: "-5" },
    { traceId: "0".repeat(32), spanId: spanIdOf(5) },
  ]);
  const response = await handleOtlpHttp(post(jsonBody(payload), JSON_TYPE), ctx);
  assert.equal(response.status, 200);
  const reply = await response.json();
  assert.equal(reply.partialSuccess.rejectedSpans, "4");
  assert.match(reply.partialSuccess.errorMessage, /^4 span\(s\) rejected: resourceSpans\[0\]/);
  assert.match(reply.partialSuccess.errorMessage, /and 1 more$/);
  assert.deepEqual(ctx.store.traceIds(), [traceIdOf(1)]);
});

Deno.test("handleOtlpHttp() accepts int64 fields given as JSON numbers", async () => {
  const ctx = context();
  const payload = llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]);
  const span = payload.resourceSpans![0].scopeSpans![0].spans![0];
  span.startTimeUnixNano = 1790341371953418;
  span.endTimeUnixNano = 1790341372208341;
  span.attributes = [{ key: "gen_ai.usage.prompt_tokens", value: { intValue: 14 } }];
  const response = await handleOtlpHttp(post(jsonBody(payload), JSON_TYPE), ctx);
  assert.equal(response.status, 200);
  const [stored] = ctx.store.get(TRACE)!;
  assert.equal(stored.start_time_unix_nano, "1790341371953418");
  assert.equal(stored.attributes["gen_ai.usage.prompt_tokens"], 14);
});

Deno.test("handleOtlpHttp() answers a pathologically nested JSON attribute with 400", async () => {
  const depth = 200_000;
  const nested = '{"arrayValue":{"values":['.repeat(depth) + "{}" + "]}}".repeat(depth);
  const span = JSON.stringify(llmRequestPayload([{ traceId: TRACE, spanId: spanIdOf(1) }]))
    .replace('"attributes":[', `"attributes":[{"key":"deep","value":${nested}},`);
  const ctx = context({ maxBodyBytes: 16 << 20 });
  const response = await handleOtlpHttp(post(span, JSON_TYPE), ctx);
  assert.equal(response.status, 400);
  assert.match((await response.json()).message, /could not be processed|not valid JSON/);
  // The handler still works afterwards.
  const ok = await handleOtlpHttp(post(jsonBody({ resourceSpans: [] }), JSON_TYPE), ctx);
  assert.equal(ok.status, 200);
});
