import assert from "node:assert/strict";
import { normalizeTraceId } from "../otlp/ids.ts";
import { enrich, enrichRecord } from "./enrich.ts";
import { jaegerV3Source } from "./jaeger_v3.ts";
import {
  json,
  makeRecord,
  readFixture,
  recordedJaeger,
  replay,
  vllmOtlp,
  withServer,
} from "./_test_support.ts";

/** Jaeger's api_v3 gateway writes every answer, 200 or not, as text/plain (recorded). */
const V3_TYPE = "text/plain; charset=utf-8";
const v3Json = (body: unknown) => json(body, 200, V3_TYPE);
const notFound = (message: string) => json({ error: { httpCode: 404, message } }, 404, V3_TYPE);

Deno.test("jaegerV3Source() reads the GetTrace fixture and names the span it cannot use", async () => {
  const fixture = readFixture("jaeger-apiv3-GetTrace.json");
  const id = "00000000000000000000000000000001";
  await withServer(
    (_req, url) =>
      url.pathname === `/api/v3/traces/${id}` ? v3Json(fixture) : notFound("No traces found"),
    async (base) => {
      const errors: string[] = [];
      const found = await jaegerV3Source(base).getSpans([id], {
        deadline_ms: 0,
        onError: (message) => errors.push(message),
      });
      assert.equal(found.size, 0);
      // The golden span has ids, kind and name but no timestamps: it cannot be timed.
      assert.match(
        errors[0],
        /jaeger api_v3 sent 1 span\(s\) that could not be read, first at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: invalid startTimeUnixNano/,
      );
    },
  );
});

Deno.test("jaegerV3Source() joins a vLLM span from an api_v3 answer", async () => {
  const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const otlp = vllmOtlp({
    traceId: trace.toUpperCase(),
    spanId: "A3CE929D0E0E4736",
    parentSpanId: "00f067aa0ba902b7",
  });
  await withServer(
    (_req, url) =>
      url.pathname === `/api/v3/traces/${trace}`
        ? v3Json({ result: otlp })
        : notFound("No traces found"),
    async (base) => {
      const r = await enrichRecord(makeRecord(), jaegerV3Source(base, { uiUrl: "http://ui" }), {
        timeoutMs: 2000,
      });
      assert.equal(r.span_status, "found");
      assert.equal(r.server_spans[0].span_id, "a3ce929d0e0e4736");
      assert.equal(r.server_completion_tokens, 8);
      assert.equal(r.trace_url, `http://ui/trace/${trace}`);
    },
  );
});

Deno.test("jaegerV3Source() treats its 404 error body as not found, without an error note", async () => {
  await withServer(() => notFound("No traces found"), async (base) => {
    const r = await enrichRecord(makeRecord(), jaegerV3Source(base), { timeoutMs: 100 });
    assert.equal(r.span_status, "not_found");
    assert.doesNotMatch(r.span_note!, /error/);
  });
});

Deno.test("jaegerV3Source() searches with snake_case parameters, then fetches the rest", async () => {
  const ids = ["aa", "bb"].map((x) => x.repeat(16));
  const traces = new Map(ids.map((id, i) => [
    id,
    vllmOtlp({ traceId: id, spanId: `${i + 1}`.repeat(16), parentSpanId: "00f067aa0ba902b7" }),
  ]));
  await withServer((_req, url) => {
    const p = url.pathname;
    if (p === "/api/v3/services") return v3Json({ services: ["vllm-server", "other"] });
    if (p === "/api/v3/operations") {
      const ops = url.searchParams.get("service") === "vllm-server" ? ["llm_request"] : ["GET"];
      return v3Json({ operations: ops.map((name) => ({ name, spanKind: "server" })) });
    }
    if (p === "/api/v3/traces") return v3Json({ result: traces.get(ids[0]) }); // index has only one
    const trace = traces.get(normalizeTraceId(p.split("/").pop()!)!);
    return trace ? v3Json({ result: trace }) : notFound("No traces found");
  }, async (base, seen) => {
    const run = {
      meta: {} as never,
      requests: ids.map((trace_id, index) => makeRecord({ index, trace_id })),
    };
    const out = await enrich(run, jaegerV3Source(base), { timeoutMs: 5000 });
    assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found"]);
    assert.equal(out.meta.trace_source, `jaeger-v3=${base}`);
    const search = seen.find((s) => s.path === "/api/v3/traces")!;
    assert.equal(search.query.get("query.service_name"), "vllm-server");
    assert.equal(search.query.get("query.operation_name"), "llm_request");
    assert.match(search.query.get("query.start_time_min")!, /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.ok(search.query.has("query.start_time_max"));
    assert.ok(search.query.has("query.num_traces"));
    const byId = seen.filter((s) => s.path.startsWith("/api/v3/traces/")).map((s) => s.path);
    assert.deepEqual(byId, [`/api/v3/traces/${ids[1]}`]);
  });
});

Deno.test("jaegerV3Source() reads a search's 404 'No traces found' as an empty result", async () => {
  await withServer((_req, url) => {
    if (url.pathname === "/api/v3/traces") return notFound("No traces found");
    return notFound("No traces found");
  }, async (base) => {
    const errors: string[] = [];
    const found = await jaegerV3Source(base, { service: "vllm" }).getSpans(
      ["aa".repeat(16), "bb".repeat(16)],
      {
        deadline_ms: 0,
        time_window: { start_ms: 0, end_ms: 1000 },
        onError: (m) => errors.push(m),
      },
    );
    assert.equal(found.size, 0);
    assert.deepEqual(errors, []);
  });
});

Deno.test("jaegerV3Source() joins both vLLM spans in answers recorded from a real Jaeger", async () => {
  const clients = [
    { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" },
    { traceId: "0000000000000000006c3cf93508f205", spanId: "a3ce929d0e0e4736" },
  ];
  const recorded = JSON.parse(recordedJaeger("api-v3-traces-id").body_text);
  const span = recorded.result.resourceSpans[0].scopeSpans[0].spans[0];
  // Jaeger adds its clock-skew warning as an attribute; the source must not pass it on.
  assert.ok(span.attributes.some((a: { key: string }) => a.key === "@jaeger@warnings"));
  const startMs = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
  await withServer((_req, url) => {
    const p = url.pathname;
    if (p === "/api/v3/services") return replay("api-v3-services");
    if (p === "/api/v3/operations") return replay("api-v3-operations");
    if (p === "/api/v3/traces") return replay("api-v3-traces-search");
    if (p === `/api/v3/traces/${clients[0].traceId}`) return replay("api-v3-traces-id");
    return replay("api-v3-traces-id-404");
  }, async (base) => {
    const run = {
      meta: {} as never,
      requests: clients.map((c, index) =>
        makeRecord({
          index,
          trace_id: c.traceId,
          span_id: c.spanId,
          scheduled_ms: startMs - 20,
          start_ms: startMs - 20,
        })
      ),
    };
    const out = await enrich(run, jaegerV3Source(base), { timeoutMs: 5000 });
    assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found"]);
    for (const [i, r] of out.requests.entries()) {
      const [s] = r.server_spans;
      assert.equal(s.parent_span_id, clients[i].spanId);
      assert.equal(s.scope, "vllm.tracing.otel");
      assert.equal(s.attributes["@jaeger@warnings"], undefined);
      assert.equal(s.resource["service.name"], "vllm-server");
      assert.equal(r.server_prompt_tokens, 14 + i);
    }
  });
});

Deno.test("jaegerV3Source() reads the recorded 404s of an empty search and an unknown trace as none", async () => {
  await withServer((_req, url) => {
    if (url.pathname === "/api/v3/traces") return replay("api-v3-traces-search-empty");
    return replay("api-v3-traces-id-404");
  }, async (base) => {
    const errors: string[] = [];
    const found = await jaegerV3Source(base, { service: "vllm-server" }).getSpans(
      ["aa".repeat(16)],
      {
        deadline_ms: 0,
        time_window: { start_ms: 0, end_ms: 1000 },
        onError: (m) => errors.push(m),
      },
    );
    assert.equal(found.size, 0);
    assert.deepEqual(errors, []);
  });
});
