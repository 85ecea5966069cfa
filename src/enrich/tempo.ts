/**
 * Grafana Tempo's HTTP API (port 3200) as a {@link TraceSource}.
 *
 * - By id: `GET /api/traces/{id}` (`{"batches": [...]}`, ids in base64) or, with
 *   `options.api: "v2"`, `GET /api/v2/traces/{id}` (`{"trace": {"resourceSpans": [...]}}`).
 *   Both shapes (and plain `resourceSpans`) are read; 404 = not there yet.
 * - Many ids: `GET /api/search?q={name="llm_request"}&start=&end=&limit=` (unix s) lists the
 *   traces present; those are fetched first, the rest after.
 * - By request id: `GET /api/search?q={span."gen_ai.request.id"="…"}`, then fetch by id.
 *
 * Trace links: `options.traceUrlTemplate` with `{traceId}` (e.g. a Grafana Explore URL), else
 * the API URL `<base>/api/traces/<id>`.
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import type { OtlpExportRequest } from "../otlp/protobuf.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import { flattenSpans } from "../otlp/spans.ts";
import { getJson } from "./http.ts";
import { oneOf, optionMessage } from "../util/options.ts";
import {
  type BackendCall,
  checkHttpSourceOptions,
  type HttpSourceOptions,
  httpTraceSource,
  type TraceBackend,
} from "./http_source.ts";
import { readSpans } from "./discovery.ts";

/** Options of {@link tempoSource}. */
export interface TempoSourceOptions extends HttpSourceOptions {
  /** Which get-by-id endpoint: `v1` = `/api/traces/{id}` (default), `v2` = `/api/v2/traces/{id}`. */
  api?: "v1" | "v2";
  /** Link template with `{traceId}`, e.g. a Grafana Explore URL. Default `<base>/api/traces/{traceId}`. */
  traceUrlTemplate?: string;
}

const LABEL = "tempo";

/**
 * Tempo's trace-by-id body → ServerSpans: `{batches}` (v1), `{trace: {resourceSpans}}` (v2) or
 * `{resourceSpans}`. An empty object (no spans) gives no spans; another shape throws TypeError.
 */
export function tempoResponseToSpans(body: unknown) {
  const b = body as Record<string, unknown> | null;
  const trace = b?.trace as Record<string, unknown> | undefined;
  const lists = [b?.batches, b?.resourceSpans, trace?.resourceSpans, trace?.batches];
  const resourceSpans = lists.find(Array.isArray);
  if (!b || typeof b !== "object" || Array.isArray(b)) {
    throw new TypeError(`expected a JSON object, got ${JSON.stringify(body)?.slice(0, 120)}`);
  }
  if (resourceSpans === undefined) {
    if (Object.keys(b).length === 0 || (trace && Object.keys(trace).length === 0)) {
      return { spans: [], rejected: [] };
    }
    throw new TypeError(
      `expected "batches" or "trace.resourceSpans", got ${JSON.stringify(body)?.slice(0, 120)}`,
    );
  }
  return flattenSpans({ resourceSpans } as OtlpExportRequest);
}

function traceQlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * A {@link TraceSource} reading Grafana Tempo.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tempoSource } from "./tempo.ts";
 * const source = tempoSource("http://localhost:3200");
 * assert.equal(
 *   source.traceUrl?.("4bf92f3577b34da6a3ce929d0e0e4736"),
 *   "http://localhost:3200/api/traces/4bf92f3577b34da6a3ce929d0e0e4736",
 * );
 * ```
 */
export function tempoSource(baseUrl: string, options: TempoSourceOptions = {}): TraceSource {
  const base = checkHttpSourceOptions("tempoSource", baseUrl, options);
  if (options.api !== undefined) oneOf("tempoSource", "api", options.api, ["v1", "v2"]);
  const template = options.traceUrlTemplate;
  if (template !== undefined && !template.includes("{traceId}")) {
    throw new TypeError(
      optionMessage("tempoSource", "traceUrlTemplate", "a URL template with {traceId}", template),
    );
  }
  const byIdPath = options.api === "v2" ? "/api/v2/traces/" : "/api/traces/";
  const get = (path: string, call: BackendCall, acceptStatus: number[] = []) =>
    getJson(`${base}${path}`, { label: LABEL, ...call, acceptStatus });

  async function fetchTrace(traceId: string, call: BackendCall): Promise<ServerSpan[] | null> {
    const path = `${byIdPath}${traceId}`;
    const { status, body } = await get(path, call, [404]);
    if (status === 404) return null;
    return readSpans(() => tempoResponseToSpans(body), LABEL, `${base}${path}`);
  }

  async function search(
    q: string,
    window: { start_ms: number; end_ms: number },
    limit: number,
    call: BackendCall,
  ): Promise<string[]> {
    const query = new URLSearchParams({
      q,
      start: String(Math.floor(window.start_ms / 1000)),
      end: String(Math.ceil(window.end_ms / 1000)),
      limit: String(limit),
    });
    const path = `/api/search?${query}`;
    const { body } = await get(path, call);
    const traces = (body as { traces?: unknown } | null)?.traces;
    if (!Array.isArray(traces)) {
      throw new TypeError(`unexpected answer from tempo (GET ${base}${path}): no "traces" list`);
    }
    return traces
      .map((t) => (t as { traceID?: unknown })?.traceID)
      .map((id) => (typeof id === "string" ? normalizeTraceId(id) : null))
      .filter((id): id is string => id !== null);
  }

  const backend: TraceBackend = {
    label: LABEL,
    fetchTrace,
    async searchWindow(window, spanName, limit, call) {
      const traceIds = await search(`{name=${traceQlString(spanName)}}`, window, limit, call);
      return { spans: [], traceIds };
    },
    async searchRequestId(requestId, window, spanName, call) {
      const q = `{name=${traceQlString(spanName)} && span."gen_ai.request.id"=${
        traceQlString(requestId)
      }}`;
      const spans: ServerSpan[] = [];
      for (const traceId of await search(q, window, 20, call)) {
        spans.push(...(await fetchTrace(traceId, call) ?? []));
      }
      return spans;
    },
  };
  return httpTraceSource(`tempo=${base}`, backend, {
    ...options,
    traceUrl: (traceId) =>
      template ? template.replaceAll("{traceId}", traceId) : `${base}/api/traces/${traceId}`,
  });
}
