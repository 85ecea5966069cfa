import assert from "node:assert/strict";
import { enrich, enrichRecord } from "./enrich.ts";
import { jaegerSource } from "./jaeger.ts";
import { tempoSource } from "./tempo.ts";
import { json, makeRecord, vllmOtlp, withServer } from "./_test_support.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

Deno.test("enrich notes 'connection refused' when the back end is down", async () => {
  let base = "";
  await withServer(() => new Response("unused"), (url) => {
    base = url;
    return Promise.resolve();
  });
  // The server is closed now: nothing listens on that port.
  const r = await enrichRecord(makeRecord(), jaegerSource(base), { timeoutMs: 300 });
  assert.equal(r.span_status, "not_found");
  assert.match(
    r.span_note!,
    /last error from jaeger=.*: connection refused \(GET .*\/api\/traces\//,
  );
});

Deno.test("enrich gives up on a back end that answers after the deadline", async () => {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await withServer(async () => {
    // Answer only after the client has long given up; released when the test ends.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([released, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    return json({ data: [] });
  }, async (base) => {
    try {
      const source = jaegerSource(base, { fetchTimeoutMs: 1000 });
      const r = await enrichRecord(makeRecord(), source, { timeoutMs: 200 });
      assert.equal(r.span_status, "not_found");
      assert.match(r.span_note!, /jaeger did not answer within 1000 ms/);
    } finally {
      release();
    }
  });
});

Deno.test("enrich notes 'invalid JSON at …' when the back end returns garbage", async () => {
  await withServer(
    () => new Response("<html>proxy error</html>", { headers: { "content-type": "text/html" } }),
    async (base) => {
      const r = await enrichRecord(makeRecord(), jaegerSource(base), { timeoutMs: 100 });
      assert.equal(r.span_status, "not_found");
      assert.match(r.span_note!, new RegExp(`invalid JSON at GET ${base}/api/traces/${TRACE}`));
    },
  );
});

Deno.test("enrich notes an answer of the wrong shape", async () => {
  await withServer(() => json({ traces: "nope" }), async (base) => {
    const r = await enrichRecord(makeRecord(), jaegerSource(base), { timeoutMs: 100 });
    assert.match(r.span_note!, /unexpected answer from jaeger .*expected \{"data": \[traces\]\}/);
  });
});

Deno.test("enrich notes the HTTP status when the back end keeps failing", async () => {
  await withServer(
    () => new Response("storage unavailable", { status: 500, statusText: "Internal Server Error" }),
    async (base) => {
      const r = await enrichRecord(makeRecord(), tempoSource(base), { timeoutMs: 100 });
      assert.match(
        r.span_note!,
        /last error from tempo=.*: tempo returned HTTP 500 Internal Server Error: storage unavailable/,
      );
    },
  );
});

Deno.test("enrich retries after an HTTP 500 and joins the span that follows", async () => {
  let calls = 0;
  const otlp = vllmOtlp({
    traceId: TRACE,
    spanId: "a3ce929d0e0e4736",
    parentSpanId: "00f067aa0ba902b7",
  });
  await withServer(() => {
    calls++;
    return calls === 1
      ? new Response("try later", { status: 500 })
      : json({ batches: otlp.resourceSpans });
  }, async (base) => {
    const r = await enrichRecord(makeRecord(), tempoSource(base), { timeoutMs: 10_000 });
    assert.equal(r.span_status, "found");
    assert.equal(r.span_note, null);
    assert.equal(calls, 2);
  });
});

Deno.test("a failing back end gets at most `concurrency` calls per round, and every record the error", async () => {
  await withServer(() => new Response("overloaded", { status: 503 }), async (base, seen) => {
    const requests = Array.from(
      { length: 20 },
      (_, index) => makeRecord({ index, trace_id: (index + 1).toString(16).padStart(32, "0") }),
    );
    const source = jaegerSource(base, { concurrency: 2 });
    const out = await enrich({ meta: {} as never, requests }, source, { timeoutMs: 0 });
    // By id or several ids per call (`/api/traces?traceID=…`): either way, at most 2 calls.
    const fetches = seen.filter((s) => s.path.startsWith("/api/traces")).length;
    assert.ok(fetches >= 1 && fetches <= 2, `${fetches} fetches`);
    for (const r of out.requests) {
      assert.equal(r.span_status, "not_found");
      assert.match(r.span_note!, /jaeger returned HTTP 503 Service Unavailable: overloaded/);
    }
  });
});
