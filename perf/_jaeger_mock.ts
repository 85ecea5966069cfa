/**
 * A mock Jaeger v1 query API on loopback, in its own process, for perf/enrich.ts. It holds the
 * traces of requests 0..N-1 (perf/_enrich_data.ts) and answers the documented shapes
 * (Jaeger's cmd/jaeger/internal/extension/jaegerquery/internal/http_handler.go):
 *
 * - `GET /api/traces/{id}` → `{data:[trace],total:0,limit:0,offset:0,errors:null}`; unknown id →
 *   404, `text/plain`, `{"data":null,...,"errors":[{"code":404,"msg":"trace not found"}]}`.
 * - `GET /api/services` → `{data:["vllm-server"],total:1,...}`;
 *   `GET /api/services/{s}/operations` → `{data:["llm_request"],total:1,...}`.
 * - `GET /api/traces?service=&operation=&start=&end=&limit=` (µs) → the traces whose span starts
 *   in [start, end], at most `limit`, same envelope.
 * - `GET /api/traces?traceID=a&traceID=b…` (the same handler) → 200, the traces found in `data`
 *   (in the order asked), each id not found in `errors` as `{"msg":"trace not found","traceID"}`
 *   (id printed as Jaeger does: 16 hex chars when the high half is zero), `errors: null` when
 *   none is missing.
 *
 * `deno run -A perf/_jaeger_mock.ts <n> <t0Ms> [--no-search | --no-services]` prints
 * `READY <url>`. `--no-search` answers `/api/traces?…` (search and multi-id alike) and the
 * metadata endpoints with 404 (Jaeger after PR #9260, which removed that handler), so the source
 * fetches every trace with `GET /api/traces/{id}`. `--no-services` is a Jaeger that still has the
 * handler but lists no service yet (`/api/services` → `data: []`), so the source skips the window
 * search and fetches by id, several ids per call. Stops when stdin closes.
 *
 * @module
 */
import { item, jaegerTrace } from "./_enrich_data.ts";

const n = Number(Deno.args[0]);
const t0Ms = Number(Deno.args[1]);
const search = !Deno.args.includes("--no-search");
const services = !Deno.args.includes("--no-services");

// Pre-serialised, so the mock's own cost stays small.
const byId = new Map<string, string>();
const starts: number[] = [];
for (let i = 0; i < n; i++) {
  byId.set(item(i, t0Ms).traceId, JSON.stringify(jaegerTrace(i, t0Ms)));
  starts.push(item(i, t0Ms).spanStartUs);
}
const envelope = (data: string) => `{"data":${data},"total":0,"limit":0,"offset":0,"errors":null}`;
const json = (body: string, status = 200, type = "application/json") =>
  new Response(body, { status, headers: { "content-type": type } });
const notFound = () =>
  json(
    '{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}\n',
    404,
    "text/plain; charset=utf-8",
  );
let calls = 0;

/** Jaeger prints a trace id with 16 hex chars when its high 64 bits are zero, else 32. */
const jaegerIdForm = (id: string) => id.startsWith("0".repeat(16)) ? id.slice(16) : id;

function multiId(asked: string[]): Response {
  const found: string[] = [];
  const errors: string[] = [];
  for (const raw of asked) {
    const id = raw.toLowerCase().padStart(32, "0");
    const trace = /^[0-9a-f]{32}$/.test(id) ? byId.get(id) : undefined;
    if (trace !== undefined) found.push(trace);
    else errors.push(JSON.stringify({ msg: "trace not found", traceID: jaegerIdForm(id) }));
  }
  const errorList = errors.length > 0 ? `[${errors.join(",")}]` : "null";
  return json(`{"data":[${found.join(",")}],"total":0,"limit":0,"offset":0,"errors":${errorList}}`);
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
  calls++;
  const url = new URL(request.url);
  const path = url.pathname;
  if (path.startsWith("/api/traces/")) {
    const trace = byId.get(path.slice("/api/traces/".length).toLowerCase());
    return trace === undefined ? notFound() : json(envelope(`[${trace}]`));
  }
  if (!search) return json("404 page not found\n", 404, "text/plain; charset=utf-8");
  if (path === "/api/services") {
    if (!services) return json('{"data":[],"total":0,"limit":0,"offset":0,"errors":null}');
    return json('{"data":["vllm-server"],"total":1,"limit":0,"offset":0,"errors":null}');
  }
  if (path.startsWith("/api/services/") && path.endsWith("/operations")) {
    return json('{"data":["llm_request"],"total":1,"limit":0,"offset":0,"errors":null}');
  }
  if (path === "/api/traces") {
    const q = url.searchParams;
    const asked = q.getAll("traceID");
    if (asked.length > 0) return multiId(asked);
    if (q.get("service") !== "vllm-server" || q.get("tags") !== null) return json(envelope("[]"));
    const start = Number(q.get("start") ?? 0);
    const end = Number(q.get("end") ?? Infinity);
    const limit = Number(q.get("limit") ?? 100);
    const hits: string[] = [];
    for (let i = 0; i < n && hits.length < limit; i++) {
      if (starts[i] >= start && starts[i] <= end) hits.push(byId.get(item(i, t0Ms).traceId)!);
    }
    return json(envelope(`[${hits.join(",")}]`));
  }
  return json("404 page not found\n", 404, "text/plain; charset=utf-8");
});
console.log(`READY http://127.0.0.1:${server.addr.port}`);
// Runs until stdin closes, then reports how many calls it answered.
for await (const _ of Deno.stdin.readable) {
  // ignore input
}
console.log(`CALLS ${calls}`);
await server.shutdown();
