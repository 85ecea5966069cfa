/**
 * Records the real answers of Jaeger's query APIs as test fixtures: starts the Jaeger built by
 * setup.sh, sends it two `llm_request` spans through vLLM's own exporter stack (the Python SDK,
 * OTLP/gRPC), then saves each answer (status, content type, body text as sent) of the endpoints
 * `jaegerSource` and `jaegerV3Source` call, found and not found, to
 * src/enrich/testdata/jaeger-real/<name>.json.
 *
 * `deno task e2e` first (it builds Jaeger and the venv), then
 * `deno run -A tests/e2e/jaeger/record_fixtures.ts`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { emitWithPython, requestStats, traceparent } from "../python/_emitter.ts";
import { startJaeger } from "./_jaeger.ts";

const OUT = fileURLToPath(new URL("../../../src/enrich/testdata/jaeger-real/", import.meta.url));

/** Client spans the two recorded vLLM spans are children of (fixed, so tests can name them). */
const CLIENTS = [
  { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" },
  { traceId: "0000000000000000006c3cf93508f205", spanId: "a3ce929d0e0e4736" },
];
const MISSING_TRACE = "0af7651916cd43dd8448eb211c80319c";

/** One recorded exchange. */
export interface RecordedAnswer {
  request: string;
  status: number;
  content_type: string | null;
  body_text: string;
}

async function record(base: string, name: string, path: string): Promise<void> {
  const response = await fetch(`${base}${path}`);
  const answer: RecordedAnswer = {
    request: `GET ${path}`,
    status: response.status,
    content_type: response.headers.get("content-type"),
    body_text: await response.text(),
  };
  await Deno.writeTextFile(`${OUT}${name}.json`, JSON.stringify(answer, null, 2) + "\n");
  console.log(`${answer.status} ${name}: GET ${path}`);
}

async function main(): Promise<void> {
  await Deno.mkdir(OUT, { recursive: true });
  const jaeger = await startJaeger();
  try {
    const requests = CLIENTS.map((client, i) => ({
      ...requestStats(i),
      trace_headers: { traceparent: traceparent(client.traceId, client.spanId) },
    }));
    const sent = await emitWithPython(jaeger.otlpGrpcEndpoint, requests, {
      OTEL_SERVICE_NAME: "vllm-server",
    });
    const base = jaeger.queryUrl;
    // Wait until both are stored (the batch processor holds them up to 200 ms).
    for (const span of sent) {
      for (let tries = 0; (await fetch(`${base}/api/traces/${span.trace_id}`)).status !== 200;) {
        if (++tries > 100) throw new Error(`trace ${span.trace_id} never became queryable`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const startsUs = sent.map((s) => Number(BigInt(s.start_time_unix_nano) / 1000n));
    const window = { start: Math.min(...startsUs) - 60e6, end: Math.max(...startsUs) + 60e6 };
    const iso = (us: number) => new Date(us / 1000).toISOString();
    const [a, b] = sent.map((s) => s.trace_id);
    const search = new URLSearchParams({
      service: "vllm-server",
      operation: "llm_request",
      start: String(window.start),
      end: String(window.end),
      limit: "20",
    });
    const byTag = new URLSearchParams(search);
    byTag.set("tags", JSON.stringify({ "gen_ai.request.id": requests[1].request_id }));
    const v3Search = new URLSearchParams({
      "query.service_name": "vllm-server",
      "query.operation_name": "llm_request",
      "query.start_time_min": iso(window.start),
      "query.start_time_max": iso(window.end),
      "query.num_traces": "20",
    });
    const v3ByAttribute = new URLSearchParams(v3Search);
    v3ByAttribute.set(
      "query.attributes",
      JSON.stringify({ "gen_ai.request.id": requests[1].request_id }),
    );
    const v3Empty = new URLSearchParams(v3Search);
    v3Empty.set("query.service_name", "no-such-service");

    await record(base, "api-services", "/api/services");
    await record(base, "api-services-operations", "/api/services/vllm-server/operations");
    await record(base, "api-traces-id", `/api/traces/${a}`);
    await record(base, "api-traces-id-short", `/api/traces/${b.replace(/^0{16}/, "")}`);
    await record(base, "api-traces-id-404", `/api/traces/${MISSING_TRACE}`);
    await record(base, "api-traces-multi-id", `/api/traces?traceID=${a}&traceID=${MISSING_TRACE}`);
    await record(base, "api-traces-search", `/api/traces?${search}`);
    await record(base, "api-traces-search-tags", `/api/traces?${byTag}`);
    await record(base, "api-v3-services", "/api/v3/services");
    await record(base, "api-v3-operations", "/api/v3/operations?service=vllm-server");
    await record(base, "api-v3-traces-id", `/api/v3/traces/${a}`);
    await record(base, "api-v3-traces-id-404", `/api/v3/traces/${MISSING_TRACE}`);
    await record(base, "api-v3-traces-search", `/api/v3/traces?${v3Search}`);
    await record(base, "api-v3-traces-search-attributes", `/api/v3/traces?${v3ByAttribute}`);
    await record(base, "api-v3-traces-search-empty", `/api/v3/traces?${v3Empty}`);
  } finally {
    await jaeger.close();
  }
}

if (import.meta.main) await main();
