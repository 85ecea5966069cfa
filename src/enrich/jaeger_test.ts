import assert from "node:assert/strict";
import type { ServerSpan } from "../types.ts";
import type { OtlpAnyValue } from "../otlp/protobuf.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import { enrich, enrichRecord } from "./enrich.ts";
import { jaegerSource } from "./jaeger.ts";
import {
  FIXTURE_START_MS,
  json,
  makeRecord,
  readFixture,
  recordedJaeger,
  replay,
  vllmOtlp,
  withServer,
} from "./_test_support.ts";

const NOT_FOUND_BODY = {
  data: null,
  total: 0,
  limit: 0,
  offset: 0,
  errors: [{ code: 404, msg: "trace not found" }],
};
/** Jaeger writes errors with Go's http.Error: JSON body, text/plain content type. */
const jaeger404 = () => json(NOT_FOUND_BODY, 404, "text/plain; charset=utf-8");

/** A Jaeger v1 trace holding vLLM's real llm_request span (tags typed as Jaeger sends them). */
function jaegerTrace(shownTraceId: string, spanId: string, parentSpanId: string, requestId = "r") {
  const otlp = vllmOtlp({ traceId: "1".repeat(32), spanId: "2".repeat(16), requestId });
  const span = otlp.resourceSpans![0].scopeSpans![0].spans![0];
  const typed = (v: OtlpAnyValue | undefined) =>
    v?.doubleValue !== undefined
      ? { type: "float64", value: v.doubleValue }
      : v?.intValue !== undefined
      ? { type: "int64", value: Number(v.intValue) }
      : { type: "string", value: v?.stringValue };
  const startMicros = Number(BigInt(span.startTimeUnixNano as string) / 1000n);
  const endMicros = Number(BigInt(span.endTimeUnixNano as string) / 1000n);
  return {
    traceID: shownTraceId,
    spans: [{
      traceID: shownTraceId,
      spanID: spanId,
      operationName: "llm_request",
      references: [{ refType: "CHILD_OF", traceID: shownTraceId, spanID: parentSpanId }],
      startTime: startMicros,
      duration: endMicros - startMicros,
      tags: [
        { key: "otel.scope.name", type: "string", value: "vllm.llm_engine" },
        { key: "span.kind", type: "string", value: "server" },
        ...span.attributes!.map((a) => ({ key: a.key, ...typed(a.value) })),
      ],
      logs: [],
      processID: "p1",
      // As a real Jaeger writes it for a span whose parent (the client's) it never received.
      warnings: [`invalid parent span IDs=${parentSpanId}; skipping clock skew adjustment`],
    }],
    processes: {
      p1: {
        serviceName: "vllm-server",
        // vLLM writes its pid as a string resource attribute.
        tags: [{ key: "vllm.process_id", type: "string", value: "4242" }],
      },
    },
    warnings: null,
  };
}

const envelope = (data: unknown[]) => ({ data, total: 0, limit: 0, offset: 0, errors: null });

/** How Jaeger prints a trace id: 16 hex chars when the high 64 bits are zero, else 32. */
const jaegerIdForm = (id: string) => id.startsWith("0".repeat(16)) ? id.slice(16) : id;

/**
 * Jaeger's answer to `GET /api/traces?traceID=a&traceID=b…`: HTTP 200, the traces found in
 * `data` (in the order asked), each missing id in `errors` as `{msg: "trace not found", traceID}`
 * (`errors` is null when none is missing). A malformed id is an HTTP 400 in the same envelope.
 */
function multiIdAnswer(
  byId: Map<string, ReturnType<typeof jaegerTrace>>,
  asked: string[],
): Response {
  const data: unknown[] = [];
  const errors: { msg: string; traceID: string }[] = [];
  for (const raw of asked) {
    const id = normalizeTraceId(raw);
    if (id === null) {
      const msg = `strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`;
      return json({ ...envelope([]), data: null, errors: [{ code: 400, msg }] }, 400, "text/plain");
    }
    const trace = byId.get(id);
    if (trace) data.push(trace);
    else errors.push({ msg: "trace not found", traceID: jaegerIdForm(id) });
  }
  return json({ ...envelope(data), errors: errors.length > 0 ? errors : null });
}

/** A mock Jaeger query service (v1, with the multi-id form) over a set of v1 traces. */
function mockJaeger(traces: ReturnType<typeof jaegerTrace>[], searchable = traces) {
  const byId = new Map(traces.map((t) => [normalizeTraceId(t.traceID)!, t]));
  return (_request: Request, url: URL): Response => {
    const path = url.pathname;
    const asked = url.searchParams.getAll("traceID");
    if (path === "/api/traces" && asked.length > 0) return multiIdAnswer(byId, asked);
    if (path === "/api/services") return json({ ...envelope([]), data: ["vllm-server", "jaeger"] });
    if (path === "/api/services/vllm-server/operations") {
      return json({ ...envelope([]), data: ["llm_request"] });
    }
    if (path === "/api/services/jaeger/operations") {
      return json({ ...envelope([]), data: ["/api/traces"] });
    }
    if (path === "/api/traces") {
      const start = Number(url.searchParams.get("start"));
      const end = Number(url.searchParams.get("end"));
      const tags = JSON.parse(url.searchParams.get("tags") ?? "{}");
      const hits = searchable.filter((t) =>
        url.searchParams.get("service") === "vllm-server" &&
        url.searchParams.get("operation") === "llm_request" &&
        t.spans[0].startTime >= start && t.spans[0].startTime <= end &&
        Object.entries(tags).every(([k, v]) =>
          t.spans[0].tags.some((g) => g.key === k && g.value === v)
        )
      );
      return json(envelope(hits));
    }
    const match = /^\/api\/traces\/([0-9a-fA-F]+)$/.exec(path);
    const trace = match ? byId.get(normalizeTraceId(match[1])!) : undefined;
    return trace ? json(envelope([trace])) : jaeger404();
  };
}

Deno.test("jaegerSource() reads Jaeger's v1 answer for the fixture trace", async () => {
  const fixture = readFixture("jaeger-otlp2jaeger-out.json");
  await withServer(
    (_req, url) =>
      url.pathname === "/api/traces/83a9efd15c1c98a977e0711cc93ee28b" ? json(fixture) : jaeger404(),
    async (base) => {
      const found = await jaegerSource(base).getSpans(["83a9efd15c1c98a977e0711cc93ee28b"], {
        deadline_ms: 0,
      });
      const spans = found.get("83a9efd15c1c98a977e0711cc93ee28b")!;
      assert.equal(spans.length, 2);
      const span: ServerSpan = spans[0];
      assert.equal(span.span_id, "e127af99e3b3e074");
      assert.equal(span.parent_span_id, "909541b92cf05311");
      assert.equal(span.name, "okey-dokey-0");
      assert.equal(span.kind, 2);
      assert.equal(span.scope, "telemetrygen");
      assert.equal(span.start_time_unix_nano, "1706678909209712000");
      assert.equal(span.end_time_unix_nano, "1706678909209835000");
      assert.deepEqual(span.attributes, {
        "net.peer.ip": "1.2.3.4",
        "peer.service": "telemetrygen-client",
      });
      assert.deepEqual(span.resource, { "service.name": "telemetrygen" });
    },
  );
});

Deno.test("jaegerSource() joins a vLLM span whose trace Jaeger shows with a 16-char id", async () => {
  const trace = jaegerTrace("006c3cf93508f205", "a3ce929d0e0e4736", "00f067aa0ba902b7");
  await withServer(mockJaeger([trace]), async (base) => {
    const record = makeRecord({ trace_id: "0000000000000000006c3cf93508f205" });
    const r = await enrichRecord(record, jaegerSource(base, { uiUrl: "http://ui:16686/" }), {
      timeoutMs: 2000,
    });
    assert.equal(r.span_status, "found");
    assert.equal(Number(r.server_ttft_ms!.toFixed(3)), 115.546);
    assert.equal(r.server_prompt_tokens, 14);
    assert.equal(r.server_spans[0].trace_id, "0000000000000000006c3cf93508f205");
    assert.equal(r.server_spans[0].resource["service.name"], "vllm-server");
    assert.equal(r.server_spans[0].resource["vllm.process_id"], "4242");
    assert.equal(r.server_spans[0].scope, "vllm.llm_engine");
    assert.equal(r.server_spans[0].attributes["span.kind"], undefined);
    assert.equal(r.trace_url, "http://ui:16686/trace/0000000000000000006c3cf93508f205");
  });
});

Deno.test("jaegerSource() treats the text/plain 404 as 'not yet' and retries until the deadline", async () => {
  await withServer(mockJaeger([]), async (base, seen) => {
    const r = await enrichRecord(makeRecord(), jaegerSource(base), { timeoutMs: 600 });
    assert.equal(r.span_status, "not_found");
    assert.match(r.span_note!, /by the deadline/);
    assert.doesNotMatch(r.span_note!, /last error/);
    const fetches = seen.filter((s) => s.path.startsWith("/api/traces/"));
    assert.ok(fetches.length >= 2, `retried: ${fetches.length} fetches`);
  });
});

Deno.test("jaegerSource() finds a span that appears after a few 404s", async () => {
  const trace = jaegerTrace(
    "4bf92f3577b34da6a3ce929d0e0e4736",
    "a3ce929d0e0e4736",
    "00f067aa0ba902b7",
  );
  let calls = 0;
  const serve = mockJaeger([trace]);
  await withServer((req, url) => (++calls < 3 ? jaeger404() : serve(req, url)), async (base) => {
    const r = await enrichRecord(makeRecord(), jaegerSource(base), { timeoutMs: 10_000 });
    assert.equal(r.span_status, "found");
    assert.equal(calls, 3);
  });
});

Deno.test("jaegerSource() finds many traces with one search, then fetches the rest by id", async () => {
  const ids = ["aa", "bb", "cc"].map((x) => x.repeat(16));
  const traces = ids.map((id, i) => jaegerTrace(id, `${i + 1}`.repeat(16), "00f067aa0ba902b7"));
  // The search index lags: the third trace is only reachable by id.
  await withServer(mockJaeger(traces, traces.slice(0, 2)), async (base, seen) => {
    const run = {
      meta: { trace_source: null } as never,
      requests: ids.map((trace_id, index) => makeRecord({ index, trace_id })),
    };
    const out = await enrich(run, jaegerSource(base), { timeoutMs: 5000 });
    assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found", "found"]);
    const searches = seen.filter((s) => s.path === "/api/traces");
    assert.equal(searches.length, 1);
    assert.equal(searches[0].query.get("operation"), "llm_request");
    assert.equal(searches[0].query.get("service"), "vllm-server");
    assert.match(searches[0].query.get("start")!, /^\d{16}$/); // µs since the epoch
    const byId = seen.filter((s) => s.path.startsWith("/api/traces/")).map((s) => s.path);
    assert.deepEqual(byId, [`/api/traces/${ids[2]}`]);
  });
});

Deno.test("jaegerSource() uses the configured service instead of discovering one", async () => {
  const trace = jaegerTrace("aa".repeat(16), "1".repeat(16), "00f067aa0ba902b7");
  await withServer(mockJaeger([trace]), async (base, seen) => {
    const source = jaegerSource(base, { service: "vllm-server" });
    const found = await source.getSpans(["aa".repeat(16), "bb".repeat(16)], {
      deadline_ms: 0,
      span_name: "llm_request",
      time_window: { start_ms: FIXTURE_START_MS - 1000, end_ms: FIXTURE_START_MS + 1000 },
    });
    assert.ok(found.has("aa".repeat(16)));
    assert.equal(seen.filter((s) => s.path.startsWith("/api/services")).length, 0);
  });
});

Deno.test("jaegerSource() finds spans by gen_ai.request.id with a tag search", async () => {
  const trace = jaegerTrace("cc".repeat(16), "1".repeat(16), "9".repeat(16), "chatcmpl-lost-1");
  await withServer(mockJaeger([trace]), async (base, seen) => {
    const record = makeRecord({ request_id: "lost-1", trace_id: "dd".repeat(16) });
    const r = await enrichRecord(record, jaegerSource(base), { timeoutMs: 300 });
    assert.equal(r.span_status, "found_by_request_id");
    assert.match(r.span_note!, /joined by gen_ai\.request\.id "chatcmpl-lost-1"/);
    const tagSearch = seen.find((s) => s.query.get("tags")?.includes("chatcmpl-lost-1"));
    assert.deepEqual(JSON.parse(tagSearch!.query.get("tags")!), {
      "gen_ai.request.id": "chatcmpl-lost-1",
    });
  });
});

Deno.test("jaegerSource() keeps at most `concurrency` lookups in flight", async () => {
  let inFlight = 0;
  let most = 0;
  await withServer(async () => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 15));
    inFlight--;
    return jaeger404();
  }, async (base, seen) => {
    const ids = Array.from({ length: 7 }, (_, i) => `${i + 1}`.repeat(32));
    await jaegerSource(base, { concurrency: 2 }).getSpans(ids, { deadline_ms: 0 });
    // This server 404s the multi-id form: one such call, then every id on its own.
    assert.equal(seen.length, 8);
    assert.equal(seen.filter((s) => s.query.getAll("traceID").length > 0).length, 1);
    assert.ok(most <= 2 && most >= 1, `at most 2 in flight, saw ${most}`);
  });
});

Deno.test("jaegerSource() rejects a base URL or option that cannot work", () => {
  assert.throws(() => jaegerSource("localhost:16686"), /baseUrl must be an http\(s\) URL/);
  assert.throws(() => jaegerSource("http://h:16686", { concurrency: 0 }), RangeError);
  assert.throws(() => jaegerSource("http://h:16686", { fetchTimeoutMs: 1.5 }), /fetchTimeoutMs/);
});

Deno.test("jaegerSource() between its first and last rounds fetches by id only what search found", async () => {
  const present = "aa".repeat(16);
  const missing = "bb".repeat(16);
  const trace = jaegerTrace(present, "1".repeat(16), "00f067aa0ba902b7");
  await withServer(mockJaeger([trace]), async (base, seen) => {
    const source = jaegerSource(base, {
      service: "vllm-server",
      searchMinTraces: 1,
      backoff: { initialMs: 20, maxMs: 40 },
    });
    const window = { start_ms: FIXTURE_START_MS - 1000, end_ms: FIXTURE_START_MS + 1000 };
    const found = await source.getSpans([present, missing], {
      deadline_ms: performance.timeOrigin + performance.now() + 500,
      span_name: "llm_request",
      time_window: window,
    });
    assert.ok(found.has(present) && !found.has(missing));
    const searches = seen.filter((s) => s.path === "/api/traces").length;
    const fetches = seen.filter((s) => s.path === `/api/traces/${missing}`).length;
    assert.ok(searches >= 3, `searched every round (${searches})`);
    assert.ok(
      fetches >= 1 && fetches <= 2,
      `fetched by id in the first and last rounds only (${fetches})`,
    );
  });
});

// --- Several ids per call: GET /api/traces?traceID=a&traceID=b… ---

const multiIdCalls = (seen: { path: string; query: URLSearchParams }[]) =>
  seen.filter((s) => s.path === "/api/traces" && s.query.getAll("traceID").length > 0);
const singleIdCalls = (seen: { path: string }[]) =>
  seen.filter((s) => s.path.startsWith("/api/traces/"));
const soon = (ms: number) => performance.timeOrigin + performance.now() + ms;

Deno.test("jaegerSource() fetches found and missing traces in one multi-id call", async () => {
  const short = "006c3cf93508f205"; // Jaeger shows this trace with a 16-char id
  const long = "4bf92f3577b34da6a3ce929d0e0e4736";
  const missing = "0000000000000000" + "0123456789abcdef"; // reported as "0123456789abcdef"
  const traces = [
    jaegerTrace(short, "1".repeat(16), "00f067aa0ba902b7"),
    jaegerTrace(long, "2".repeat(16), "00f067aa0ba902b7"),
  ];
  await withServer(mockJaeger(traces), async (base, seen) => {
    const errors: string[] = [];
    const asked = [short, long.toUpperCase(), missing];
    const found = await jaegerSource(base).getSpans(asked, {
      deadline_ms: 0,
      span_name: "llm_request",
      onError: (message) => errors.push(message),
    });
    assert.deepEqual([...found.keys()].sort(), [long.toUpperCase(), short].sort());
    assert.equal(found.get(short)![0].trace_id, "0000000000000000006c3cf93508f205");
    assert.equal(found.get(long.toUpperCase())![0].span_id, "2".repeat(16));
    assert.equal(seen.length, 1, "one call for all three ids");
    assert.deepEqual(multiIdCalls(seen)[0].query.getAll("traceID"), [
      "0000000000000000006c3cf93508f205",
      long,
      missing,
    ]);
    assert.deepEqual(errors, [], "a missing trace is 'not yet', not an error");
  });
});

Deno.test("jaegerSource() batches ids, at most `concurrency` calls in flight", async () => {
  const ids = Array.from({ length: 10 }, (_, i) => (i + 1).toString(16).padStart(32, "a"));
  const traces = ids.map((id, i) =>
    jaegerTrace(id, (i + 1).toString(16).padStart(16, "0"), "f".repeat(16))
  );
  const serve = mockJaeger(traces);
  let inFlight = 0;
  let most = 0;
  await withServer(async (req, url) => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 10));
    inFlight--;
    return serve(req, url);
  }, async (base, seen) => {
    const source = jaegerSource(base, { concurrency: 2, batchSize: 3 });
    const found = await source.getSpans(ids, { deadline_ms: 0, span_name: "llm_request" });
    assert.equal(found.size, 10);
    assert.deepEqual(
      multiIdCalls(seen).map((s) => s.query.getAll("traceID").length),
      [3, 3, 3], // the first call alone, then two at a time; the last id on its own
    );
    assert.deepEqual(singleIdCalls(seen).map((s) => s.path), [`/api/traces/${ids[9]}`]);
    assert.ok(most <= 2, `at most 2 in flight, saw ${most}`);
  });
});

Deno.test("jaegerSource() retries a failed multi-id call and notes the error on its ids", async () => {
  const ids = ["a1", "b2", "c3", "d4"].map((x) => x.repeat(16));
  const traces = ids.map((id, i) => jaegerTrace(id, `${i + 1}`.repeat(16), "f".repeat(16)));
  const serve = mockJaeger(traces);
  let failedOnce = false;
  await withServer((req, url) => {
    if (!failedOnce && url.searchParams.getAll("traceID").includes(ids[2])) {
      failedOnce = true;
      return new Response("storage unavailable", { status: 500 });
    }
    return serve(req, url);
  }, async (base, seen) => {
    const errors: [string, string | undefined][] = [];
    const source = jaegerSource(base, {
      concurrency: 1,
      batchSize: 2,
      backoff: { initialMs: 10, maxMs: 20 },
    });
    const found = await source.getSpans(ids, {
      deadline_ms: soon(5000),
      span_name: "llm_request",
      onError: (message, traceId) => errors.push([message, traceId]),
    });
    assert.equal(found.size, 4, "all found after the retry");
    // The failed batch is retried one id per call (one bad trace cannot sink a batch).
    assert.deepEqual(multiIdCalls(seen).map((s) => s.query.getAll("traceID")), [
      [ids[0], ids[1]],
      [ids[2], ids[3]],
    ]);
    assert.deepEqual(singleIdCalls(seen).map((s) => s.path), [
      `/api/traces/${ids[2]}`,
      `/api/traces/${ids[3]}`,
    ]);
    assert.deepEqual(errors.map(([, id]) => id), [ids[2], ids[3], undefined]);
    assert.match(errors[0][0], /jaeger returned HTTP 500.*storage unavailable \(GET .*traceID=/);
  });
});

Deno.test("jaegerSource() retries one by one the ids of a multi-id call that failed", async () => {
  // Jaeger answers 500 for the whole multi-id call when one trace fails to load.
  const ids = ["a1", "b2", "c3", "d4"].map((x) => x.repeat(16));
  const poison = ids[1];
  const traces = ids.map((id, i) => jaegerTrace(id, `${i + 1}`.repeat(16), "f".repeat(16)));
  const serve = mockJaeger(traces);
  await withServer((req, url) => {
    const asked = url.searchParams.getAll("traceID");
    if (asked.includes(poison) || url.pathname === `/api/traces/${poison}`) {
      return new Response("cannot read span 2 of trace", { status: 500 });
    }
    return serve(req, url);
  }, async (base, seen) => {
    const errors = new Map<string | undefined, string>();
    const source = jaegerSource(base, { concurrency: 1, backoff: { initialMs: 10, maxMs: 10 } });
    const found = await source.getSpans(ids, {
      deadline_ms: soon(200),
      span_name: "llm_request",
      onError: (message, traceId) => errors.set(traceId, message),
    });
    assert.deepEqual([...found.keys()].sort(), [ids[0], ids[2], ids[3]]);
    assert.deepEqual(multiIdCalls(seen)[0].query.getAll("traceID"), ids);
    for (const id of [ids[0], ids[2], ids[3]]) {
      assert.ok(seen.some((s) => s.path === `/api/traces/${id}`), `${id} fetched on its own`);
    }
    assert.match(errors.get(poison)!, /HTTP 500.*\/api\/traces\/b2b2/);
  });
});

Deno.test("jaegerSource() fetches by id the ids a multi-id answer left out", async () => {
  const ids = ["a1", "b2", "c3"].map((x) => x.repeat(16));
  const traces = ids.map((id, i) => jaegerTrace(id, `${i + 1}`.repeat(16), "f".repeat(16)));
  const serve = mockJaeger(traces);
  await withServer(async (req, url) => {
    if (url.pathname !== "/api/traces") return serve(req, url);
    // Answers for the first two ids only: the third is neither in data nor in errors, and an
    // error without a traceID (e.g. a conversion warning) is not about any one id.
    const body = await serve(req, url).json();
    body.data = body.data.filter((t: { traceID: string }) => t.traceID !== ids[2]);
    body.errors = [{ msg: "cannot adjust trace" }];
    return json(body);
  }, async (base, seen) => {
    const found = await jaegerSource(base).getSpans(ids, {
      deadline_ms: 0,
      span_name: "llm_request",
    });
    assert.equal(found.size, 3);
    assert.equal(multiIdCalls(seen).length, 1);
    assert.deepEqual(singleIdCalls(seen).map((s) => s.path), [`/api/traces/${ids[2]}`]);
  });
});

for (
  const [what, reject] of [
    [
      "404s /api/traces (Jaeger after PR #9260)",
      () =>
        new Response("404 page not found\n", {
          status: 404,
          headers: { "content-type": "text/plain" },
        }),
    ],
    [
      "asks for a service (HTTP 400)",
      () =>
        json(
          {
            ...envelope([]),
            data: null,
            errors: [{ code: 400, msg: "parameter 'service' is required" }],
          },
          400,
          "text/plain",
        ),
    ],
    ["ignores traceID and answers an empty search", () => json(envelope([]))],
  ] as const
) {
  Deno.test(`jaegerSource() falls back to one id per call when the server ${what}`, async () => {
    const ids = ["a1", "b2", "c3"].map((x) => x.repeat(16));
    const traces = ids.map((id, i) => jaegerTrace(id, `${i + 1}`.repeat(16), "f".repeat(16)));
    const serve = mockJaeger(traces);
    await withServer(
      (req, url) => url.searchParams.getAll("traceID").length > 0 ? reject() : serve(req, url),
      async (base, seen) => {
        const errors: string[] = [];
        const source = jaegerSource(base, { concurrency: 2 });
        const lookup = {
          deadline_ms: 0,
          span_name: "llm_request",
          onError: (message: string) => errors.push(message),
        };
        assert.equal((await source.getSpans(ids, lookup)).size, 3);
        assert.equal(multiIdCalls(seen).length, 1, "one multi-id call, even with 2 batches");
        assert.equal(singleIdCalls(seen).length, 3);
        // The source remembers: the next lookup goes straight to one id per call.
        const more = ["d4", "e5"].map((x) => x.repeat(16));
        assert.equal((await source.getSpans([...ids, ...more], lookup)).size, 3);
        assert.equal(multiIdCalls(seen).length, 1);
        assert.equal(singleIdCalls(seen).length, 8);
        assert.deepEqual(errors, [], "falling back is not an error");
      },
    );
  });
}

/** The two vLLM spans in the answers recorded from a real Jaeger (testdata/jaeger-real). */
const RECORDED_TRACES = [
  { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", clientSpanId: "00f067aa0ba902b7" },
  { traceId: "0000000000000000006c3cf93508f205", clientSpanId: "a3ce929d0e0e4736" },
];

/** A v1 query API answering with the recorded bodies of a real Jaeger. */
function recordedV1Jaeger(_request: Request, url: URL): Response {
  const path = url.pathname;
  if (path === "/api/services") return replay("api-services");
  if (path === "/api/services/vllm-server/operations") return replay("api-services-operations");
  if (path === "/api/traces") {
    if (url.searchParams.has("traceID")) return replay("api-traces-multi-id");
    return replay(url.searchParams.has("tags") ? "api-traces-search-tags" : "api-traces-search");
  }
  const id = normalizeTraceId(path.slice("/api/traces/".length));
  if (id === RECORDED_TRACES[0].traceId) return replay("api-traces-id");
  if (id === RECORDED_TRACES[1].traceId) return replay("api-traces-id-short");
  return replay("api-traces-id-404");
}

Deno.test("jaegerSource() joins both vLLM spans in answers recorded from a real Jaeger", async () => {
  const [trace] = JSON.parse(recordedJaeger("api-traces-id").body_text).data;
  const startMs = trace.spans[0].startTime / 1000;
  await withServer(recordedV1Jaeger, async (base) => {
    const run = {
      meta: {} as never,
      requests: RECORDED_TRACES.map((t, index) =>
        makeRecord({
          index,
          trace_id: t.traceId,
          span_id: t.clientSpanId,
          scheduled_ms: startMs - 20,
          start_ms: startMs - 20,
        })
      ),
    };
    const out = await enrich(run, jaegerSource(base), { timeoutMs: 5000 });
    assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found"]);
    for (const [i, r] of out.requests.entries()) {
      const [span] = r.server_spans;
      assert.equal(span.parent_span_id, RECORDED_TRACES[i].clientSpanId);
      assert.equal(span.scope, "vllm.tracing.otel");
      assert.equal(span.kind, 2);
      assert.equal(span.attributes["span.kind"], undefined);
      assert.equal(span.resource["service.name"], "vllm-server");
      assert.equal(typeof span.resource["vllm.process_id"], "string");
      assert.equal(r.server_prompt_tokens, 14 + i);
    }
    assert.equal(out.requests[0].server_ttft_ms, 0.115545988 * 1000);
  });
});

Deno.test("jaegerSource() reads the recorded multi-id answer: found traces and 'trace not found' errors", async () => {
  const body = JSON.parse(recordedJaeger("api-traces-multi-id").body_text);
  assert.equal(body.data.length, 1);
  assert.deepEqual(body.errors, [{
    msg: "trace not found",
    traceID: "0af7651916cd43dd8448eb211c80319c",
  }]);
  await withServer(recordedV1Jaeger, async (base) => {
    const found = await jaegerSource(base).getSpans(
      [RECORDED_TRACES[0].traceId, "0af7651916cd43dd8448eb211c80319c"],
      { deadline_ms: 0 },
    );
    assert.deepEqual([...found.keys()], [RECORDED_TRACES[0].traceId]);
  });
});
