/**
 * Jaeger's v1 query API (`/api/...`, port 16686) as a {@link TraceSource}.
 *
 * - By id: `GET /api/traces/{id}`; HTTP 404 (a JSON body sent as text/plain) = not there yet.
 * - Many ids: `GET /api/traces?service=&operation=llm_request&start=&end=&limit=` (µs) finds
 *   whole traces at once; the service comes from `options.service` or is discovered through
 *   `/api/services` and `/api/services/{service}/operations` (search is skipped when none offers
 *   the span name, e.g. on Jaeger versions that removed these endpoints).
 * - By request id: the same search with `tags={"gen_ai.request.id": …}`.
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import { getJson } from "./http.ts";
import { jaegerResponseToSpans } from "./jaeger_v1_spans.ts";
import {
  type BackendCall,
  checkHttpSourceOptions,
  type HttpSourceOptions,
  httpTraceSource,
  type TraceBackend,
} from "./http_source.ts";
import { cachedServiceDiscovery, readSpans } from "./discovery.ts";

/** Options of {@link jaegerSource} and {@link jaegerV3Source}. */
export interface JaegerSourceOptions extends HttpSourceOptions {
  /** Jaeger UI base for trace links (`<uiUrl>/trace/<id>`). Default: the query base URL. */
  uiUrl?: string;
  /** Service name of vLLM's spans (`OTEL_SERVICE_NAME`), for search. Default: discovered. */
  service?: string;
}

const LABEL = "jaeger";

/**
 * A {@link TraceSource} reading Jaeger's v1 query API.
 *
 * @example
 * ```ts
 * import { jaegerSource } from "./jaeger.ts";
 * const source = jaegerSource("http://localhost:16686", { service: "vllm-server" });
 * console.log(source.name, source.traceUrl?.("4bf92f3577b34da6a3ce929d0e0e4736"));
 * // jaeger=http://localhost:16686 http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736
 * ```
 */
export function jaegerSource(baseUrl: string, options: JaegerSourceOptions = {}): TraceSource {
  const base = checkHttpSourceOptions("jaegerSource", baseUrl, options);
  const ui = (options.uiUrl ?? base).replace(/\/+$/, "");
  const get = (path: string, call: BackendCall, acceptStatus: number[] = []) =>
    getJson(`${base}${path}`, { label: LABEL, ...call, acceptStatus });

  const discover = cachedServiceDiscovery(options.service, async (spanName, call) => {
    const answer = await get("/api/services", call, [404]);
    if (answer.status === 404) return []; // Jaeger versions without the search endpoints
    const services = answer.body as { data?: unknown };
    const names = Array.isArray(services.data) ? services.data.map(String) : [];
    const offering: string[] = [];
    for (const service of names) {
      const path = `/api/services/${encodeURIComponent(service)}/operations`;
      const ops = (await get(path, call)).body as { data?: unknown };
      if (Array.isArray(ops.data) && ops.data.includes(spanName)) offering.push(service);
    }
    return offering;
  });

  async function searchTraces(
    params: Record<string, string>,
    window: { start_ms: number; end_ms: number },
    spanName: string,
    limit: number,
    call: BackendCall,
  ): Promise<ServerSpan[]> {
    const spans: ServerSpan[] = [];
    for (const service of await discover(spanName, call)) {
      const query = new URLSearchParams({
        service,
        operation: spanName,
        start: String(Math.floor(window.start_ms * 1000)),
        end: String(Math.ceil(window.end_ms * 1000)),
        limit: String(limit),
        ...params,
      });
      const url = `/api/traces?${query}`;
      const { body } = await get(url, call);
      spans.push(...readSpans(() => jaegerResponseToSpans(body), LABEL, `${base}${url}`));
    }
    return spans;
  }

  const backend: TraceBackend = {
    label: LABEL,
    async fetchTrace(traceId, call) {
      const path = `/api/traces/${traceId}`;
      const { status, body } = await get(path, call, [404]);
      if (status === 404) return null;
      return readSpans(() => jaegerResponseToSpans(body), LABEL, `${base}${path}`);
    },
    async searchWindow(window, spanName, limit, call) {
      return { spans: await searchTraces({}, window, spanName, limit, call), traceIds: [] };
    },
    searchRequestId(requestId, window, spanName, call) {
      const tags = JSON.stringify({ "gen_ai.request.id": requestId });
      return searchTraces({ tags }, window, spanName, 20, call);
    },
  };
  return httpTraceSource(`jaeger=${base}`, backend, {
    ...options,
    traceUrl: (traceId) => `${ui}/trace/${traceId}`,
  });
}
