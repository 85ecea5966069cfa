import assert from "node:assert/strict";
import { enrich, enrichRecord } from "./enrich.ts";
import { tempoSource } from "./tempo.ts";
import { hexToBase64, json, makeRecord, vllmOtlp, withServer } from "./_test_support.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT = "00f067aa0ba902b7";

/** Tempo's /api/traces/{id} body: `batches`, ids in base64. */
function tempoBatches(traceId: string, spanId: string, parent: string, requestId?: string) {
  const otlp = vllmOtlp({
    traceId: hexToBase64(traceId),
    spanId: hexToBase64(spanId),
    parentSpanId: hexToBase64(parent),
    requestId,
  });
  return { batches: otlp.resourceSpans };
}

Deno.test("tempoSource() reads batches with base64 ids and joins the span", async () => {
  const body = tempoBatches(TRACE, "a3ce929d0e0e4736", CLIENT);
  assert.equal((body.batches![0].scopeSpans![0].spans![0].traceId as string).length, 24);
  await withServer(
    (_req, url) =>
      url.pathname === `/api/traces/${TRACE}`
        ? json(body)
        : new Response("trace not found", { status: 404 }),
    async (base) => {
      const r = await enrichRecord(makeRecord(), tempoSource(base), { timeoutMs: 2000 });
      assert.equal(r.span_status, "found");
      assert.equal(r.server_spans[0].trace_id, TRACE);
      assert.equal(r.server_spans[0].span_id, "a3ce929d0e0e4736");
      assert.equal(r.server_spans[0].parent_span_id, CLIENT);
      assert.equal(Number(r.server_e2e_ms!.toFixed(3)), 253.597);
      assert.equal(r.trace_url, `${base}/api/traces/${TRACE}`);
    },
  );
});

Deno.test("tempoSource() with api v2 reads {trace: {resourceSpans}} from /api/v2/traces", async () => {
  const otlp = vllmOtlp({ traceId: TRACE, spanId: "a3ce929d0e0e4736", parentSpanId: CLIENT });
  await withServer(
    (_req, url) =>
      url.pathname === `/api/v2/traces/${TRACE}`
        ? json({ trace: otlp })
        : new Response("not found", { status: 404 }),
    async (base) => {
      const source = tempoSource(base, {
        api: "v2",
        traceUrlTemplate: "http://grafana/explore?traceId={traceId}",
      });
      const r = await enrichRecord(makeRecord(), source, { timeoutMs: 2000 });
      assert.equal(r.span_status, "found");
      assert.equal(r.trace_url, `http://grafana/explore?traceId=${TRACE}`);
    },
  );
});

Deno.test("tempoSource() treats 404 as not found, with no error in the note", async () => {
  await withServer(
    (_req, url) =>
      url.pathname === "/api/search"
        ? json({ traces: [], metrics: {} })
        : new Response("trace not found", { status: 404 }),
    async (base) => {
      const r = await enrichRecord(makeRecord(), tempoSource(base), { timeoutMs: 100 });
      assert.equal(r.span_status, "not_found");
      assert.match(r.span_note!, /by the deadline/);
      assert.doesNotMatch(r.span_note!, /last error/);
    },
  );
});

Deno.test("tempoSource() searches the window with TraceQL and fetches the traces it lists", async () => {
  const ids = ["aa", "bb", "cc"].map((x) => x.repeat(16));
  const bodies = new Map(ids.map((id, i) => [id, tempoBatches(id, `${i + 1}`.repeat(16), CLIENT)]));
  await withServer((_req, url) => {
    if (url.pathname === "/api/search") {
      return json({
        traces: ids.map((traceID) => ({
          traceID,
          rootServiceName: "vllm",
          rootTraceName: "llm_request",
        })),
        metrics: {},
      });
    }
    const body = bodies.get(url.pathname.split("/").pop()!);
    return body ? json(body) : new Response("", { status: 404 });
  }, async (base, seen) => {
    const run = {
      meta: {} as never,
      requests: ids.map((trace_id, index) => makeRecord({ index, trace_id })),
    };
    const out = await enrich(run, tempoSource(base), { timeoutMs: 5000 });
    assert.deepEqual(out.requests.map((r) => r.span_status), ["found", "found", "found"]);
    const search = seen.find((s) => s.path === "/api/search")!;
    assert.equal(search.query.get("q"), '{name="llm_request"}');
    assert.match(search.query.get("start")!, /^\d{10}$/); // unix seconds
    assert.ok(Number(search.query.get("end")) > Number(search.query.get("start")));
  });
});

Deno.test("tempoSource() finds a span by gen_ai.request.id through TraceQL", async () => {
  const lost = "dd".repeat(16);
  const body = tempoBatches(lost, "1".repeat(16), "9".repeat(16), "cmpl-r9-0");
  await withServer((_req, url) => {
    if (url.pathname === "/api/search") {
      const q = url.searchParams.get("q")!;
      return json({ traces: q.includes('"cmpl-r9-0"') ? [{ traceID: lost }] : [] });
    }
    return url.pathname === `/api/traces/${lost}` ? json(body) : new Response("", { status: 404 });
  }, async (base, seen) => {
    const record = makeRecord({ request_id: "r9", endpoint: "completions" });
    const r = await enrichRecord(record, tempoSource(base), { timeoutMs: 200 });
    assert.equal(r.span_status, "found_by_request_id");
    assert.match(r.span_note!, /"cmpl-r9-0"/);
    const q = seen.map((s) => s.query.get("q")).find((x) => x?.includes("cmpl-r9-0"));
    assert.equal(q, '{name="llm_request" && span."gen_ai.request.id"="cmpl-r9-0"}');
  });
});

Deno.test("tempoSource() rejects options that cannot work", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => tempoSource("http://h:3200", { api: "v3" as any }),
    /tempoSource: option api must be "v1" or "v2", got "v3"/,
  );
  assert.throws(
    () => tempoSource("http://h:3200", { traceUrlTemplate: "http://grafana" }),
    /\{traceId\}/,
  );
});
