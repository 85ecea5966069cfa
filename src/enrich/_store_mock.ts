/**
 * Test and perf support (not public API): a trace store that, like a real one, shows a span
 * only some time after it arrived, behind the query API of Jaeger v1, Jaeger api_v3 or Tempo.
 * It takes spans over OTLP/HTTP protobuf (`POST /v1/traces`, as vLLM or the simulator export
 * them) or directly ({@link DelayedTraceStore.add}).
 *
 * Before its first span is visible it knows no service, as a fresh Jaeger does. Answers follow
 * the shapes of Jaeger's query handlers (jaegertracing/jaeger
 * cmd/jaeger/internal/extension/jaegerquery/internal/http_handler.go and apiv3/http_gateway.go)
 * and of Tempo's API docs (grafana/tempo docs/sources/tempo/api_docs/_index.md):
 *
 * - Jaeger v1: `GET /api/services` `{data, total, limit, offset, errors}`;
 *   `/api/services/{s}/operations`; `/api/traces/{id}` (404 as `text/plain` JSON envelope);
 *   `/api/traces?traceID=…` (found in `data`, missing in `errors` with their `traceID`);
 *   `/api/traces?service=&operation=&start=&end=&limit=&tags=` (µs).
 * - Jaeger api_v3: `/api/v3/services` `{services}`; `/api/v3/operations?service=`
 *   `{operations: [{name, spanKind}]}`; `/api/v3/traces/{id}` `{result: {resourceSpans}}`;
 *   `/api/v3/traces?query.service_name=&query.operation_name=&query.start_time_min=&
 *   query.start_time_max=&query.num_traces=` (`query.attributes` ignored, as by Jaeger v1.75.0);
 *   no match or unknown trace → 404 `{"error": {"httpCode": 404, "message": "No traces found"}}`;
 *   every answer as `text/plain`, spans whose parent is elsewhere with `@jaeger@warnings`, as
 *   recorded from the real Jaeger in testdata/jaeger-real/.
 * - Tempo: `/api/traces/{id}` `{batches}` with base64 ids (404 when unknown);
 *   `/api/search?q=<TraceQL>&start=&end=&limit=` (unix s) → `{traces: [{traceID,
 *   rootServiceName, rootTraceName, startTimeUnixNano, durationMs}], metrics}` for the queries
 *   `{name="…"}` and `{name="…" && span."gen_ai.request.id"="…"}` (anything else: 400);
 *   `/api/echo` → `echo`.
 *
 * `GET /_mock/stats` gives `{spans, last_arrival_ms, last_visible_ms, calls}` (epoch ms).
 *
 * @module
 */
import type { ServerSpan } from "../types.ts";
import type { OtlpExportRequest, OtlpKeyValue, OtlpSpan } from "../otlp/protobuf.ts";
import { bytesToBase64, decodeExportRequest } from "../otlp/protobuf.ts";
import { flattenSpans } from "../otlp/spans.ts";
import { normalizeTraceId } from "../otlp/ids.ts";

/** Which query API the store answers. */
export type StoreFlavor = "jaeger" | "jaeger-v3" | "tempo";

interface Entry {
  resource: { attributes?: OtlpKeyValue[] };
  scope: { name?: string; version?: string };
  span: OtlpSpan;
  flat: ServerSpan;
  visibleAtMs: number;
}

const json = (body: unknown, status = 200, type = "application/json") =>
  new Response(JSON.stringify(body) + "\n", { status, headers: { "content-type": type } });
const goError = (body: unknown, status: number) => json(body, status, "text/plain; charset=utf-8");

/** A store whose spans become visible `visibleAfterMs` after they arrive. */
export class DelayedTraceStore {
  readonly #visibleAfterMs: number;
  readonly #traces = new Map<string, Entry[]>();
  #lastArrivalMs = -Infinity;
  #calls = 0;

  constructor(visibleAfterMs: number) {
    this.#visibleAfterMs = visibleAfterMs;
  }

  /** Adds an OTLP export request's spans, arrived at `nowMs`. */
  add(request: OtlpExportRequest, nowMs = Date.now()): number {
    let added = 0;
    for (const rs of request.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          const one = {
            resourceSpans: [{ resource: rs.resource, scopeSpans: [{ ...ss, spans: [span] }] }],
          };
          const [flat] = flattenSpans(one as OtlpExportRequest).spans;
          if (!flat) continue;
          const entry: Entry = {
            resource: rs.resource ?? {},
            scope: ss.scope ?? {},
            span,
            flat,
            visibleAtMs: nowMs + this.#visibleAfterMs,
          };
          this.#traces.set(flat.trace_id, [...(this.#traces.get(flat.trace_id) ?? []), entry]);
          added++;
        }
      }
    }
    if (added > 0) this.#lastArrivalMs = Math.max(this.#lastArrivalMs, nowMs);
    return added;
  }

  /** Epoch ms at which the last span to arrive became (or becomes) visible. */
  get lastVisibleMs(): number {
    return this.#lastArrivalMs + this.#visibleAfterMs;
  }

  /** The HTTP handler of the given flavor (plus `POST /v1/traces` and `/_mock/stats`). */
  handler(flavor: StoreFlavor): (request: Request) => Promise<Response> {
    return async (request) => {
      const url = new URL(request.url);
      if (request.method === "POST" && url.pathname === "/v1/traces") {
        const bytes = new Uint8Array(await request.arrayBuffer());
        this.add(decodeExportRequest(bytes));
        return new Response(new Uint8Array(0), {
          headers: { "content-type": "application/x-protobuf" },
        });
      }
      if (url.pathname === "/_mock/stats") {
        return json({
          spans: [...this.#traces.values()].reduce((n, list) => n + list.length, 0),
          last_arrival_ms: this.#lastArrivalMs,
          last_visible_ms: this.lastVisibleMs,
          calls: this.#calls,
        });
      }
      this.#calls++;
      const visible = this.#visible(Date.now());
      if (flavor === "jaeger") return jaegerV1(url, visible);
      if (flavor === "jaeger-v3") return jaegerV3(url, visible);
      return tempo(url, visible);
    };
  }

  #visible(nowMs: number): Map<string, Entry[]> {
    const out = new Map<string, Entry[]>();
    for (const [id, entries] of this.#traces) {
      const shown = entries.filter((e) => e.visibleAtMs <= nowMs);
      if (shown.length > 0) out.set(id, shown);
    }
    return out;
  }
}

const serviceOf = (e: Entry) => String(e.flat.resource["service.name"] ?? "unknown_service");

function services(visible: Map<string, Entry[]>): string[] {
  return [...new Set([...visible.values()].flat().map(serviceOf))].sort();
}

/** Traces holding a span of `service` named `name` that started in [startMs, endMs]. */
function search(
  visible: Map<string, Entry[]>,
  filter: { service?: string; name: string; startMs: number; endMs: number },
  attributes: Record<string, unknown>,
  limit: number,
): [string, Entry[]][] {
  const hits: [string, Entry[]][] = [];
  for (const [id, entries] of visible) {
    const match = entries.some((e) =>
      (filter.service === undefined || serviceOf(e) === filter.service) &&
      e.flat.name === filter.name &&
      e.flat.start_ms >= filter.startMs && e.flat.start_ms <= filter.endMs &&
      Object.entries(attributes).every(([k, v]) => e.flat.attributes[k] === v)
    );
    if (match) hits.push([id, entries]);
    if (hits.length >= limit) break;
  }
  return hits;
}

// ---- Jaeger v1 ----

const envelope = (data: unknown, errors: unknown = null, total = 0) => ({
  data,
  total,
  limit: 0,
  offset: 0,
  errors,
});

function jaegerTag(key: string, value: unknown) {
  if (typeof value === "boolean") return { key, type: "bool", value };
  if (typeof value === "number") {
    return { key, type: Number.isInteger(value) ? "int64" : "float64", value };
  }
  return { key, type: "string", value: typeof value === "string" ? value : JSON.stringify(value) };
}

/** A trace as Jaeger v1 shows it (the OTLP translation's tags included). */
function jaegerTrace(traceId: string, entries: Entry[]) {
  const shown = traceId.startsWith("0".repeat(16)) ? traceId.slice(16) : traceId;
  const processes: Record<string, unknown> = {};
  const processIds = new Map<string, string>();
  const spans = entries.map((e) => {
    const service = serviceOf(e);
    if (!processIds.has(service)) {
      const pid = `p${processIds.size + 1}`;
      processIds.set(service, pid);
      processes[pid] = {
        serviceName: service,
        tags: Object.entries(e.flat.resource).filter(([k]) => k !== "service.name")
          .map(([k, v]) => jaegerTag(k, v)),
      };
    }
    const startUs = Math.round(e.flat.start_ms * 1000);
    return {
      traceID: shown,
      spanID: e.flat.span_id,
      operationName: e.flat.name,
      references: e.flat.parent_span_id
        ? [{ refType: "CHILD_OF", traceID: shown, spanID: e.flat.parent_span_id }]
        : [],
      startTime: startUs,
      duration: Math.round(e.flat.end_ms * 1000) - startUs,
      tags: [
        jaegerTag("otel.scope.name", e.flat.scope),
        ...Object.entries(e.flat.attributes).map(([k, v]) => jaegerTag(k, v)),
        jaegerTag("span.kind", "server"),
      ],
      logs: [],
      processID: processIds.get(service),
      warnings: parentMissing(e, entries)
        ? [`invalid parent span IDs=${e.flat.parent_span_id}; skipping clock skew adjustment`]
        : null,
    };
  });
  return { traceID: shown, spans, processes, warnings: null };
}

function jaegerV1(url: URL, visible: Map<string, Entry[]>): Response {
  const path = url.pathname;
  const q = url.searchParams;
  const notFound = () => goError(envelope(null, [{ code: 404, msg: "trace not found" }]), 404);
  if (path === "/api/services") {
    const names = services(visible);
    return json(envelope(names, null, names.length));
  }
  const ops = /^\/api\/services\/([^/]+)\/operations$/.exec(path);
  if (ops) {
    const service = decodeURIComponent(ops[1]);
    const names = [
      ...new Set(
        [...visible.values()].flat().filter((e) => serviceOf(e) === service).map((e) =>
          e.flat.name
        ),
      ),
    ];
    return json(envelope(names, null, names.length));
  }
  if (path === "/api/traces") {
    const asked = q.getAll("traceID");
    if (asked.length > 0) {
      const data: unknown[] = [];
      const errors: unknown[] = [];
      for (const raw of asked) {
        const id = normalizeTraceId(raw);
        const entries = id === null ? undefined : visible.get(id);
        if (entries) data.push(jaegerTrace(id!, entries));
        else errors.push({ msg: "trace not found", traceID: raw });
      }
      return json(envelope(data, errors.length > 0 ? errors : null));
    }
    const service = q.get("service");
    if (!service) {
      return goError(envelope(null, [{ code: 400, msg: "parameter 'service' is required" }]), 400);
    }
    const hits = search(
      visible,
      {
        service,
        name: q.get("operation") ?? "",
        startMs: Number(q.get("start") ?? 0) / 1000,
        endMs: Number(q.get("end") ?? Infinity) / 1000,
      },
      JSON.parse(q.get("tags") ?? "{}"),
      Number(q.get("limit") ?? 100),
    );
    return json(envelope(hits.map(([id, entries]) => jaegerTrace(id, entries))));
  }
  const byId = /^\/api\/traces\/([0-9a-fA-F]+)$/.exec(path);
  if (byId) {
    const id = normalizeTraceId(byId[1]);
    const entries = id === null ? undefined : visible.get(id);
    return entries ? json(envelope([jaegerTrace(id!, entries)])) : notFound();
  }
  return new Response("404 page not found\n", { status: 404 });
}

// ---- OTLP bodies (Jaeger api_v3, Tempo) ----

/** Whether the span's parent is absent from its trace (vLLM's parent is the client's span). */
function parentMissing(e: Entry, trace: Entry[]): boolean {
  const parent = e.flat.parent_span_id;
  return parent !== null && !trace.some((other) => other.flat.span_id === parent);
}

/** Jaeger api_v3 adds this attribute to a span whose parent is not in the trace (recorded). */
function v3Warnings(e: Entry, trace: Entry[]): OtlpKeyValue[] {
  if (!parentMissing(e, trace)) return [];
  const text = `parent span ID=${e.flat.parent_span_id} is not in the trace; ` +
    "skipping clock skew adjustment";
  return [{ key: "@jaeger@warnings", value: { arrayValue: { values: [{ stringValue: text }] } } }];
}

function resourceSpans(
  entries: Entry[],
  id: (hex: string) => string,
  extraAttributes: (e: Entry, trace: Entry[]) => OtlpKeyValue[] = () => [],
) {
  return entries.map((e) => ({
    resource: e.resource,
    scopeSpans: [{
      scope: e.scope,
      spans: [{
        ...e.span,
        traceId: id(e.flat.trace_id),
        spanId: id(e.flat.span_id),
        ...(e.flat.parent_span_id ? { parentSpanId: id(e.flat.parent_span_id) } : {}),
        attributes: [...(e.span.attributes ?? []), ...extraAttributes(e, entries)],
      }],
    }],
  }));
}

const hex = (id: string) => id;
const base64 = (id: string) =>
  bytesToBase64(Uint8Array.from(id.match(/../g)!, (b) => parseInt(b, 16)));

function jaegerV3(url: URL, visible: Map<string, Entry[]>): Response {
  const path = url.pathname;
  const q = url.searchParams;
  const notFound = (message: string) => goError({ error: { httpCode: 404, message } }, 404);
  // Real Jaeger (v1.75.0) sends every api_v3 answer, 200 or not, as text/plain.
  const json = (body: unknown) => goError(body, 200);
  if (path === "/api/v3/services") return json({ services: services(visible) });
  if (path === "/api/v3/operations") {
    const service = q.get("service");
    const names = [
      ...new Set(
        [...visible.values()].flat().filter((e) => serviceOf(e) === service).map((e) =>
          e.flat.name
        ),
      ),
    ];
    return json({ operations: names.map((name) => ({ name, spanKind: "server" })) });
  }
  if (path === "/api/v3/traces") {
    const min = q.get("query.start_time_min");
    const max = q.get("query.start_time_max");
    if (!min || !max) {
      return goError({
        error: { httpCode: 400, message: "start time min and max are required parameters" },
      }, 400);
    }
    const hits = search(
      visible,
      {
        service: q.get("query.service_name") ?? undefined,
        name: q.get("query.operation_name") ?? "",
        startMs: Date.parse(min),
        endMs: Date.parse(max),
      },
      {}, // real Jaeger v1.75.0 ignores query.attributes (recorded)
      Number(q.get("query.num_traces") || 100),
    );
    if (hits.length === 0) return notFound("No traces found");
    return json({
      result: { resourceSpans: hits.flatMap(([, e]) => resourceSpans(e, hex, v3Warnings)) },
    });
  }
  const byId = /^\/api\/v3\/traces\/([0-9a-fA-F]+)$/.exec(path);
  if (byId) {
    const id = normalizeTraceId(byId[1]);
    const entries = id === null ? undefined : visible.get(id);
    if (!entries) return notFound("No traces found");
    return json({ result: { resourceSpans: resourceSpans(entries, hex, v3Warnings) } });
  }
  return new Response("404 page not found\n", { status: 404 });
}

function tempo(url: URL, visible: Map<string, Entry[]>): Response {
  const path = url.pathname;
  const q = url.searchParams;
  if (path === "/api/echo") return new Response("echo", { status: 200 });
  if (path === "/api/search") {
    const traceQl = q.get("q") ?? "";
    const parsed = /^\{name="([^"]*)"(?: && span\."gen_ai\.request\.id"="([^"]*)")?\}$/.exec(
      traceQl,
    );
    if (!parsed) return new Response(`invalid TraceQL query: ${traceQl}`, { status: 400 });
    const attributes = parsed[2] === undefined ? {} : { "gen_ai.request.id": parsed[2] };
    const hits = search(
      visible,
      {
        name: parsed[1],
        startMs: Number(q.get("start") ?? 0) * 1000,
        endMs: Number(q.get("end") ?? Infinity) * 1000,
      },
      attributes,
      Number(q.get("limit") ?? 20),
    );
    return json({
      traces: hits.map(([traceID, entries]) => ({
        traceID,
        rootServiceName: serviceOf(entries[0]),
        rootTraceName: entries[0].flat.name,
        startTimeUnixNano: entries[0].flat.start_time_unix_nano,
        durationMs: Math.round(entries[0].flat.end_ms - entries[0].flat.start_ms),
      })),
      metrics: { inspectedBytes: "0", completedJobs: 1, totalJobs: 1 },
    });
  }
  const byId = /^\/api\/traces\/([0-9a-fA-F]+)$/.exec(path);
  if (byId) {
    const id = normalizeTraceId(byId[1]);
    const entries = id === null ? undefined : visible.get(id);
    if (!entries) return new Response("trace not found", { status: 404 });
    return json({ batches: resourceSpans(entries, base64) });
  }
  return new Response("404 page not found\n", { status: 404 });
}
