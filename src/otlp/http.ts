/**
 * OTLP/HTTP trace ingestion (`POST /v1/traces`) as a plain `Request → Response` function, so it
 * can be served by `Deno.serve` and tested without a socket.
 *
 * @module
 */
import { BodyError, parseContentEncoding, readLimitedBody } from "./body.ts";
import { type IngestResult, ingestSpans, type ReceiverCounters, type SpanSink } from "./ingest.ts";
import { decodeExportMessage, flattenExportMessage, type PbExportRequest } from "./proto_spans.ts";
import { flattenSpans, type RejectedSpan } from "./spans.ts";
import type { ServerSpan } from "../types.ts";
import { encodeExportResponse, encodeRpcStatus, type OtlpExportRequest } from "./protobuf.ts";
import type { SpanStore } from "./store.ts";
import { bearerTokenMatches } from "./auth.ts";

/** The OTLP/HTTP trace path. */
export const TRACES_PATH = "/v1/traces";

/** What the HTTP handler needs from the receiver (`S`: where spans go, a SpanStore by default). */
export interface HttpHandlerContext<S extends SpanSink = SpanStore> {
  /** Where accepted spans go. */
  store: S;
  /** Counters updated per request. */
  counters: ReceiverCounters;
  /** Limit on the body, compressed and decompressed. */
  maxBodyBytes: number;
  /** Keep only spans with this name; null keeps all. */
  spanName: string | null;
  /** When set, requests need `authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Aborting it stops body reads in progress (answered 503), so shutdown cannot stall. */
  shutdownSignal?: AbortSignal;
}

type Encoding = "protobuf" | "json";

// google.rpc.Code numbers for the error statuses this handler returns.
const RPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/** Maps a Content-Type header to the OTLP encoding it names; null when it is neither. */
export function parseOtlpContentType(header: string | null): Encoding | null {
  const media = (header ?? "").split(";")[0].trim().toLowerCase();
  if (media === "application/x-protobuf" || media === "application/protobuf") return "protobuf";
  if (media === "application/json") return "json";
  return null;
}

function errorResponse(
  status: number,
  message: string,
  encoding: Encoding,
  headers: Record<string, string> = {},
): Response {
  const code = RPC_CODE[status] ?? 2; // UNKNOWN
  if (encoding === "protobuf") {
    return new Response(encodeRpcStatus({ code, message }) as Uint8Array<ArrayBuffer>, {
      status,
      headers: { ...headers, "content-type": "application/x-protobuf" },
    });
  }
  return Response.json({ code, message }, { status, headers });
}

function successResponse(result: IngestResult, encoding: Encoding): Response {
  const partial = result.rejected > 0
    ? { rejectedSpans: result.rejected, errorMessage: result.errorMessage }
    : undefined;
  if (encoding === "protobuf") {
    return new Response(encodeExportResponse(partial) as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { "content-type": "application/x-protobuf" },
    });
  }
  // OTLP/JSON writes int64 as a decimal string.
  const body = partial
    ? {
      partialSuccess: {
        rejectedSpans: String(partial.rejectedSpans),
        errorMessage: partial.errorMessage,
      },
    }
    : {};
  return Response.json(body, { status: 200 });
}

/** Parses an OTLP/JSON body; throws a BodyError(400) naming the problem. */
export function parseOtlpJson(bytes: Uint8Array): OtlpExportRequest {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BodyError(400, "OTLP/JSON body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, `OTLP/JSON body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BodyError(400, "OTLP/JSON body must be an object (ExportTraceServiceRequest)");
  }
  const resourceSpans = (value as { resourceSpans?: unknown }).resourceSpans;
  if (resourceSpans !== undefined && resourceSpans !== null && !Array.isArray(resourceSpans)) {
    throw new BodyError(400, "OTLP/JSON field resourceSpans must be an array");
  }
  return value as OtlpExportRequest;
}

/** Decodes and flattens a body: OTLP/JSON through flattenSpans, protobuf from the decoded message. */
function decodeBody(
  bytes: Uint8Array,
  encoding: Encoding,
): { spans: ServerSpan[]; rejected: RejectedSpan[] } {
  if (encoding === "json") return flattenSpans(parseOtlpJson(bytes));
  let message: PbExportRequest;
  try {
    message = decodeExportMessage(bytes);
  } catch (error) {
    throw new BodyError(
      400,
      `body is not a protobuf ExportTraceServiceRequest: ${(error as Error).message}`,
    );
  }
  return flattenExportMessage(message);
}

/**
 * Handles one OTLP/HTTP request per the OTLP spec: 200 (maybe partial success), 400 undecodable,
 * 401 bad token, 404 other paths, 405 other methods, 413 too large, 415 unknown content type or
 * encoding, 503 body read cut short by shutdown. Replies in the request's encoding; errors are
 * `google.rpc.Status`. Never throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { handleOtlpHttp } from "./http.ts";
 * import { emptyCounters } from "./ingest.ts";
 * import { SpanStore } from "./store.ts";
 * const context = {
 *   store: new SpanStore(),
 *   counters: emptyCounters(),
 *   maxBodyBytes: 1 << 20,
 *   spanName: "llm_request",
 * };
 * const span = {
 *   traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331",
 *   name: "llm_request", startTimeUnixNano: "1700000000000000000",
 *   endTimeUnixNano: "1700000000250000000",
 * };
 * const request = new Request("http://localhost/v1/traces", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
 * });
 * const response = await handleOtlpHttp(request, context);
 * assert.equal(response.status, 200);
 * assert.equal(await response.text(), "{}");
 * assert.equal(context.store.size, 1);
 * ```
 */
export async function handleOtlpHttp(
  request: Request,
  context: HttpHandlerContext<SpanSink>,
): Promise<Response> {
  context.counters.received_requests++;
  const contentType = parseOtlpContentType(request.headers.get("content-type"));
  const replyEncoding: Encoding = contentType ?? "json";
  const fail = (status: number, message: string, headers?: Record<string, string>) => {
    context.counters.bad_requests++;
    // The body may be unread or half read: cancel it and close the connection rather than
    // drain (e.g. an oversize body) to keep it alive.
    if (request.body && !request.bodyUsed) request.body.cancel().catch(() => {});
    return errorResponse(status, message, replyEncoding, { ...headers, connection: "close" });
  };
  try {
    const path = new URL(request.url).pathname;
    if (path !== TRACES_PATH) {
      return fail(404, `no such path ${path}; OTLP traces go to POST ${TRACES_PATH}`);
    }
    if (request.method !== "POST") {
      return fail(405, `method ${request.method} not allowed on ${TRACES_PATH}; use POST`, {
        allow: "POST",
      });
    }
    if (
      context.bearerToken !== undefined &&
      !bearerTokenMatches(request.headers.get("authorization"), context.bearerToken)
    ) {
      return fail(401, "missing or wrong bearer token", { "www-authenticate": "Bearer" });
    }
    if (contentType === null) {
      return fail(
        415,
        `unsupported content type ${JSON.stringify(request.headers.get("content-type"))}; ` +
          "use application/x-protobuf or application/json",
      );
    }
    const contentEncoding = parseContentEncoding(request.headers.get("content-encoding"));
    if (contentEncoding === null) {
      const given = JSON.stringify(request.headers.get("content-encoding"));
      return fail(415, `unsupported content encoding ${given}; use gzip or none`);
    }
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > context.maxBodyBytes) {
      return fail(
        413,
        `request body of ${declared} bytes exceeds the limit of ${context.maxBodyBytes} bytes`,
      );
    }
    const bytes = await readLimitedBody(
      request.body,
      contentEncoding,
      context.maxBodyBytes,
      context.shutdownSignal,
    );
    const flattened = decodeBody(bytes, contentType);
    const result = ingestSpans(flattened, context.store, context.spanName, context.counters);
    return successResponse(result, contentType);
  } catch (error) {
    if (error instanceof BodyError) return fail(error.status, error.message);
    if (error instanceof RangeError) {
      // Pathologically deep nesting overflows the stack while decoding or flattening.
      return fail(400, `payload could not be processed: ${error.message}`);
    }
    return fail(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
