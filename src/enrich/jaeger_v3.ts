/**
 * Jaeger's api_v3 over HTTP (`/api/v3/...`, port 16686) as a {@link TraceSource}. Answers are
 * OTLP/JSON (`{"result": {"resourceSpans": [...]}}`), read with the project's OTLP flattener.
 *
 * - By id: `GET /api/v3/traces/{id}`; 404 `{"error": {"httpCode": 404, …}}` = not there yet.
 * - Many ids: `GET /api/v3/traces?query.service_name=&query.operation_name=&
 *   query.start_time_min=&query.start_time_max=&query.num_traces=` (snake_case: the only form
 *   servers before v2.19 accept); 404 "No traces found" = none. The service comes from
 *   `options.service` or `/api/v3/services` + `/api/v3/operations?service=`.
 * - By request id: the same search with `query.attributes={"gen_ai.request.id": …}` (honoured
 *   from Jaeger v2.19; older servers ignore it, and the answer is filtered here anyway).
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import type { OtlpExportRequest } from "../otlp/protobuf.ts";
import { flattenSpans } from "../otlp/spans.ts";
import { getJson } from "./http.ts";
import {
  type BackendCall,
  checkHttpSourceOptions,
  httpTraceSource,
  type TraceBackend,
} from "./http_source.ts";
import { cachedServiceDiscovery, readSpans } from "./discovery.ts";
import type { JaegerSourceOptions } from "./jaeger.ts";

const LABEL = "jaeger api_v3";

/**
 * The attribute Jaeger adds to a span of its api_v3 answers to carry its own warnings, e.g.
 * "parent span ID=… is not in the trace; skipping clock skew adjustment" on every vLLM span
 * (whose parent is the client's span, never sent to Jaeger). Not vLLM's: dropped.
 */
const JAEGER_WARNINGS_ATTRIBUTE = "@jaeger@warnings";

/** `{"result": {"resourceSpans": [...]}}` → ServerSpans; throws TypeError on another shape. */
export function apiV3ResponseToSpans(body: unknown): ReturnType<typeof flattenSpans> {
  const result = (body as { result?: { resourceSpans?: unknown } } | null)?.result;
  if (!result || typeof result !== "object" || !Array.isArray(result.resourceSpans)) {
    throw new TypeError(
      `expected {"result": {"resourceSpans": [...]}}, got ${JSON.stringify(body)?.slice(0, 120)}`,
    );
  }
  const flat = flattenSpans(result as OtlpExportRequest);
  for (const span of flat.spans) delete span.attributes[JAEGER_WARNINGS_ATTRIBUTE];
  return flat;
}

/**
 * A {@link TraceSource} reading Jaeger's api_v3 HTTP gateway.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jaegerV3Source } from "./jaeger_v3.ts";
 * const source = jaegerV3Source("http://localhost:16686");
 * assert.equal(source.name, "jaeger-v3=http://localhost:16686");
 * ```
 */
export function jaegerV3Source(baseUrl: string, options: JaegerSourceOptions = {}): TraceSource {
  const base = checkHttpSourceOptions("jaegerV3Source", baseUrl, options);
  const ui = (options.uiUrl ?? base).replace(/\/+$/, "");
  const get = (path: string, call: BackendCall, acceptStatus: number[] = []) =>
    getJson(`${base}${path}`, { label: LABEL, ...call, acceptStatus });

  const discover = cachedServiceDiscovery(options.service, async (spanName, call) => {
    const answer = await get("/api/v3/services", call, [404]);
    if (answer.status === 404) return [];
    const listed = (answer.body as { services?: unknown }).services;
    const offering: string[] = [];
    for (const service of Array.isArray(listed) ? listed.map(String) : []) {
      const ops = await get(`/api/v3/operations?${new URLSearchParams({ service })}`, call, [404]);
      const list = (ops.body as { operations?: unknown } | null)?.operations;
      const names = Array.isArray(list) ? list.map((op) => (op as { name?: unknown })?.name) : [];
      if (names.includes(spanName)) offering.push(service);
    }
    return offering;
  });

  async function searchTraces(
    extra: Record<string, string>,
    window: { start_ms: number; end_ms: number },
    spanName: string,
    limit: number,
    call: BackendCall,
  ): Promise<ServerSpan[]> {
    const spans: ServerSpan[] = [];
    for (const service of await discover(spanName, call)) {
      const query = new URLSearchParams({
        "query.service_name": service,
        "query.operation_name": spanName,
        "query.start_time_min": new Date(Math.floor(window.start_ms)).toISOString(),
        "query.start_time_max": new Date(Math.ceil(window.end_ms)).toISOString(),
        "query.num_traces": String(limit),
        ...extra,
      });
      const path = `/api/v3/traces?${query}`;
      const { status, body } = await get(path, call, [404]);
      if (status === 404) continue; // "No traces found"
      spans.push(...readSpans(() => apiV3ResponseToSpans(body), LABEL, `${base}${path}`));
    }
    return spans;
  }

  const backend: TraceBackend = {
    label: LABEL,
    async fetchTrace(traceId, call) {
      const path = `/api/v3/traces/${traceId}`;
      const { status, body } = await get(path, call, [404]);
      if (status === 404) return null;
      return readSpans(() => apiV3ResponseToSpans(body), LABEL, `${base}${path}`);
    },
    async searchWindow(window, spanName, limit, call) {
      return { spans: await searchTraces({}, window, spanName, limit, call), traceIds: [] };
    },
    searchRequestId(requestId, window, spanName, call) {
      const attributes = JSON.stringify({ "gen_ai.request.id": requestId });
      return searchTraces({ "query.attributes": attributes }, window, spanName, 20, call);
    },
  };
  return httpTraceSource(`jaeger-v3=${base}`, backend, {
    ...options,
    traceUrl: (traceId) => `${ui}/trace/${traceId}`,
  });
}
