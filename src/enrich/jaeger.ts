/**
 * Jaeger's v1 query API (`/api/...`, port 16686) as a {@link TraceSource}.
 *
 * - By id: `GET /api/traces/{id}`; HTTP 404 (a JSON body sent as text/plain) = not there yet.
 * - Several ids per call: `GET /api/traces?traceID=a&traceID=b…` → 200 with the traces found in
 *   `data` and each missing one in `errors` as `{msg: "trace not found", traceID}`. Jaeger
 *   versions without the `/api/traces` handler (main after PR #9260) answer 404: the source then
 *   fetches one id per call.
 * - Many ids: `GET /api/traces?service=&operation=llm_request&start=&end=&limit=` (µs) finds
 *   whole traces at once; the service comes from `options.service` or is discovered through
 *   `/api/services` and `/api/services/{service}/operations` (search is skipped when none offers
 *   the span name, e.g. on Jaeger versions that removed these endpoints).
 * - By request id: the same search with `tags={"gen_ai.request.id": …}`.
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import { getJson } from "./http.ts";
import { jaegerResponseToSpans } from "./jaeger_v1_spans.ts";
import {
  type BackendCall,
  checkHttpSourceOptions,
  groupByTrace,
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
/** Answers to the multi-id form from servers without it (no handler, or "service required"). */
const MULTI_ID_UNSUPPORTED = [400, 404, 405, 501];

/** The normalised `traceID` of a v1 trace or error entry, or null. */
function traceIdOf(entry: unknown): string | null {
  const raw = entry !== null && typeof entry === "object"
    ? (entry as { traceID?: unknown }).traceID
    : undefined;
  return typeof raw === "string" ? normalizeTraceId(raw) : null;
}

/**
 * A {@link TraceSource} reading Jaeger's v1 query API.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jaegerSource } from "./jaeger.ts";
 * const source = jaegerSource("http://localhost:16686", { service: "vllm-server" });
 * assert.equal(source.name, "jaeger=http://localhost:16686");
 * assert.equal(
 *   source.traceUrl?.("4bf92f3577b34da6a3ce929d0e0e4736"),
 *   "http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736",
 * );
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
    async fetchTraces(traceIds, call) {
      const path = `/api/traces?${traceIds.map((id) => `traceID=${id}`).join("&")}`;
      const { status, body } = await get(path, call, MULTI_ID_UNSUPPORTED);
      if (MULTI_ID_UNSUPPORTED.includes(status)) return null;
      const spans = readSpans(() => jaegerResponseToSpans(body), LABEL, `${base}${path}`);
      const answer = new Map<string, ServerSpan[] | null>();
      const { data, errors } = body as { data?: unknown; errors?: unknown };
      // Traces in `data` were found (even if none of their spans could be read) …
      for (const trace of Array.isArray(data) ? data : []) {
        const id = traceIdOf(trace);
        if (id !== null) answer.set(id, []);
      }
      for (const [id, list] of groupByTrace(spans)) answer.set(id, list);
      // … and the missing ones are listed in `errors` with their traceID.
      for (const error of Array.isArray(errors) ? errors : []) {
        const id = traceIdOf(error);
        if (id !== null && !answer.has(id)) answer.set(id, null);
      }
      // A server that accounts for none of the ids did not take them as ids (e.g. it read a
      // search without a service): it does not support the form.
      return traceIds.some((id) => answer.has(id)) ? answer : null;
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
