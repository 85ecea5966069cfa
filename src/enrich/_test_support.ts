/**
 * Test helpers (not part of the public API): records, spans built from the `llm_request` export
 * recorded from vLLM's own Python exporter (src/otlp/testdata), and a loopback HTTP server that
 * is always closed.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { RequestRecord, ServerSpan } from "../types.ts";
import type { OtlpExportRequest } from "../otlp/protobuf.ts";
import { flattenSpans, nanosToMs } from "../otlp/spans.ts";
import { NO_SERVER_METRICS } from "../metrics/server.ts";
import { readFixture as readOtlpFixture } from "../otlp/_test_helpers.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);

/** Reads a JSON file of src/enrich/testdata (see README.md and NOTICE there). */
export function readFixture(name: string): unknown {
  const path = fileURLToPath(new URL(name, TESTDATA));
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(`fixture ${name} not found at ${path}`);
  }
}

/** One answer recorded from a real Jaeger (tests/e2e/jaeger/record_fixtures.ts). */
export interface RecordedAnswer {
  /** `GET <path and query>` as sent. */
  request: string;
  status: number;
  content_type: string | null;
  /** The body exactly as Jaeger sent it. */
  body_text: string;
}

/** Reads testdata/jaeger-real/<name>.json: what a real Jaeger answered (see README.md there). */
export function recordedJaeger(name: string): RecordedAnswer {
  return readFixture(`jaeger-real/${name}.json`) as RecordedAnswer;
}

/** Replays a recorded Jaeger answer: same status, content type and body bytes. */
export function replay(name: string): Response {
  const answer = recordedJaeger(name);
  const headers: Record<string, string> = answer.content_type === null
    ? {}
    : { "content-type": answer.content_type };
  return new Response(answer.body_text, { status: answer.status, headers });
}

/**
 * The recorded vLLM OTLP export (src/otlp/testdata/llm_request.otlp.json) with the given ids,
 * optionally with another request id, name and start time. Ids are written as given (hex or
 * base64).
 */
export function vllmOtlp(ids: {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  requestId?: string;
  startOffsetMs?: number;
  name?: string;
}): OtlpExportRequest {
  const otlp = JSON.parse(readOtlpFixture("llm_request.otlp.json")) as OtlpExportRequest;
  const span = otlp.resourceSpans![0].scopeSpans![0].spans![0];
  span.traceId = ids.traceId;
  span.spanId = ids.spanId;
  if (ids.parentSpanId !== undefined) span.parentSpanId = ids.parentSpanId;
  if (ids.name !== undefined) span.name = ids.name;
  span.kind = 2;
  if (ids.startOffsetMs) {
    const shift = BigInt(Math.round(ids.startOffsetMs * 1e6));
    span.startTimeUnixNano = (BigInt(span.startTimeUnixNano as string) + shift).toString();
    span.endTimeUnixNano = (BigInt(span.endTimeUnixNano as string) + shift).toString();
  }
  if (ids.requestId !== undefined) {
    const attr = span.attributes!.find((a) => a.key === "gen_ai.request.id")!;
    attr.value = { stringValue: ids.requestId };
  }
  return otlp;
}

/** One ServerSpan from the recorded vLLM export, with the given ids. */
export function vllmSpan(ids: Parameters<typeof vllmOtlp>[0]): ServerSpan {
  const { spans, rejected } = flattenSpans(vllmOtlp(ids));
  if (rejected.length > 0) throw new Error(`fixture span rejected: ${rejected[0].reason}`);
  return spans[0];
}

/** Epoch ms at which the recorded span starts. */
export const FIXTURE_START_MS: number = nanosToMs(
  vllmOtlp({ traceId: "1".repeat(32), spanId: "2".repeat(16) }).resourceSpans![0].scopeSpans![0]
    .spans![0].startTimeUnixNano as string,
)![1];

/** A successful streamed request record (all server fields unset), with overrides. */
export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    run_id: "run-1",
    index: 0,
    request_id: "req-1",
    trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
    span_id: "00f067aa0ba902b7",
    sampled: true,
    response_id: "chatcmpl-req-1",
    endpoint: "chat",
    model: "m",
    stream: true,
    tag: null,
    params: { temperature: 0 },
    scheduled_ms: FIXTURE_START_MS - 20,
    start_ms: FIXTURE_START_MS - 20,
    lateness_ms: 0,
    headers_ms: 30,
    ttft_ms: 140,
    e2e_ms: 290,
    tpot_ms: 21,
    itl_ms: [],
    chunk_times_ms: [],
    chunk_tokens: null,
    first_chunk_ms: 140,
    last_chunk_ms: 290,
    prompt_tokens: 14,
    completion_tokens: 8,
    token_source: "usage",
    finish_reason: "length",
    output_chars: 40,
    success: true,
    error: null,
    span_status: "not_enriched",
    span_note: null,
    trace_url: null,
    ...NO_SERVER_METRICS,
    server_spans: [],
    ...overrides,
  };
}

/** A request seen by a mock server. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
}

/**
 * Runs `body` against a loopback HTTP server (127.0.0.1, free port) answering with `handler`;
 * the server is shut down in `finally`. `seen` lists every request received.
 */
export async function withServer(
  handler: (request: Request, url: URL) => Response | Promise<Response>,
  body: (baseUrl: string, seen: SeenRequest[]) => Promise<void>,
): Promise<void> {
  const seen: SeenRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      const url = new URL(request.url);
      seen.push({ path: url.pathname, query: url.searchParams });
      return handler(request, url);
    },
  );
  try {
    await body(`http://127.0.0.1:${server.addr.port}`, seen);
  } finally {
    await server.shutdown();
  }
}

/** A JSON response; Jaeger writes its error bodies with `text/plain` (Go's http.Error). */
export function json(body: unknown, status = 200, contentType = "application/json"): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": contentType },
  });
}

/** Hex id → standard base64 (as Tempo writes ids). */
export function hexToBase64(hex: string): string {
  const bytes = hex.match(/../g)!.map((b) => parseInt(b, 16));
  return btoa(String.fromCharCode(...bytes));
}
