/**
 * Issue 11's reproduction at the CLI: a Tempo back end holds run A's spans; run B's server
 * exports none. Run A's X-Request-Ids are taken to collide with B's (as `vm-<8 chars of the run
 * id>-<i>` made them do): the mock answers every `gen_ai.request.id` search with a run-A trace
 * carrying the id asked. None of them may be joined to B's records.
 *
 * The mock follows Tempo's documented HTTP API (grafana/tempo docs/sources/tempo/api_docs):
 * `GET /api/search?q=<TraceQL>&start=&end=&limit=` (unix s) → `{traces: [{traceID,
 * rootServiceName, rootTraceName, startTimeUnixNano, durationMs}], metrics}`, honouring the
 * time range; `GET /api/traces/<id>` → `{batches}` with base64 ids, 404 when unknown.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { hexToBase64, vllmOtlp } from "../../src/enrich/_test_support.ts";
import { FIXTURE_START_MS } from "../../src/enrich/_test_support.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";

/** Run A ran this long before run B (e.g. the previous point of a sweep). */
const RUN_A_EARLIER_MS = 30_000;

/** A Tempo holding run A's traces: one per request id anyone searches for. */
function runATempo() {
  const runAStartMs = Date.now() - RUN_A_EARLIER_MS;
  const traces = new Map<string, { requestId: string; startMs: number }>();
  const traceIdFor = (requestId: string) => {
    for (const [id, t] of traces) if (t.requestId === requestId) return id;
    const id = (traces.size + 1).toString(16).padStart(32, "a");
    traces.set(id, { requestId, startMs: runAStartMs + traces.size * 10 });
    return id;
  };
  const batches = (traceId: string) => {
    const t = traces.get(traceId)!;
    const otlp = vllmOtlp({
      traceId: hexToBase64(traceId),
      spanId: hexToBase64(traceId.slice(0, 16)),
      parentSpanId: hexToBase64("c".repeat(16)),
      requestId: t.requestId,
      startOffsetMs: t.startMs - FIXTURE_START_MS,
    });
    return { batches: otlp.resourceSpans };
  };
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  return (request: Request): Response => {
    const url = new URL(request.url);
    if (url.pathname === "/api/search") {
      const q = url.searchParams.get("q") ?? "";
      const start = Number(url.searchParams.get("start")) * 1000;
      const end = Number(url.searchParams.get("end")) * 1000;
      const asked = /span\."gen_ai\.request\.id"="([^"]+)"/.exec(q)?.[1];
      if (asked !== undefined) traceIdFor(asked);
      const hits = [...traces].filter(([, t]) =>
        t.startMs >= start && t.startMs <= end &&
        (asked === undefined || t.requestId === asked)
      );
      return json({
        traces: hits.map(([traceID, t]) => ({
          traceID,
          rootServiceName: "vllm-run-a",
          rootTraceName: "llm_request",
          startTimeUnixNano: `${Math.round(t.startMs * 1e6)}`,
          durationMs: 250,
        })),
        metrics: { inspectedBytes: "1024", completedJobs: 1, totalJobs: 1 },
      });
    }
    const match = /^\/api\/traces\/([0-9a-f]{32})$/.exec(url.pathname);
    if (match && traces.has(match[1])) return json(batches(match[1]));
    return new Response("trace not found", { status: 404 });
  };
}

Deno.test("bench with Tempo joins none of run A's spans to run B, whose server exported nothing", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_rid_join_" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, runATempo());
  try {
    const { code, stdout, stderr } = await runBench([
      "--simulate",
      "--traces",
      `tempo=http://127.0.0.1:${server.addr.port}`,
      "--trace-wait",
      "1",
      "--requests",
      "6",
      "--concurrency",
      "3",
      "--input-tokens",
      "16",
      "--output-tokens",
      "4",
      "--out",
      out,
    ]);
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /server spans joined: 0 of 6 requests \(0 by trace context, 0 by request id\)/,
    );
    const [runFile] = filesIn(out).filter((f) => f.endsWith(".json"));
    const run = await load(join(out, runFile));
    for (const r of run.requests) {
      assert.equal(r.span_status, "not_found");
      assert.equal(r.server_queue_ms, null);
      assert.match(
        r.span_note!,
        /by gen_ai\.request\.id: span \w+ of trace a+\w+ not joined: it started \d+ ms before the request was sent \(clock-skew allowance 1000 ms\)/,
      );
    }
    assert.match(stderr, /note: a request without its span: .*not joined: it started/);
  } finally {
    await server.shutdown();
    await Deno.remove(out, { recursive: true });
  }
});
