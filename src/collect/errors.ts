/**
 * Turning what went wrong with one request into a {@link RequestError}: vLLM's JSON error bodies
 * (nested `{"error":{...}}`, the older flat `{"object":"error",...}`, and `{"error":"Unauthorized"}`),
 * mid-stream error events, and network failures from undici/Node (refused, reset, timeouts,
 * aborts). Messages are one line, bounded in length, and scrubbed of secrets.
 *
 * @module
 */

import type { ErrorKind, RequestError } from "../types.ts";

/** Longest error message kept in a record. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

/**
 * An error a request raises on purpose (response too large, malformed stream, ...), carrying the
 * {@link RequestError} to record.
 */
export class RequestFailure extends Error {
  /** What to record. */
  readonly requestError: RequestError;
  /** Creates a failure of the given kind. */
  constructor(kind: ErrorKind, message: string, extra: Partial<RequestError> = {}) {
    super(message);
    this.name = "RequestFailure";
    this.requestError = { kind, message, ...extra };
  }
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_ERROR_MESSAGE_CHARS
    ? flat.slice(0, MAX_ERROR_MESSAGE_CHARS - 1) + "…"
    : flat;
}

/**
 * Replaces every occurrence of each secret (API key, credentials) with `[redacted]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redact } from "./errors.ts";
 * assert.equal(redact("bad key sk-123", ["sk-123"]), "bad key [redacted]");
 * ```
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/** Returns a copy of the error with its message scrubbed of secrets. */
export function redactError(error: RequestError, secrets: readonly string[]): RequestError {
  return secrets.length === 0 ? error : { ...error, message: redact(error.message, secrets) };
}

/**
 * Reads the fields of a vLLM/OpenAI error object in any of its shapes; null when the value is
 * not one. Accepts the parsed body, or the inner `error` member.
 */
export function parseErrorPayload(
  payload: unknown,
): { message: string; type?: string; param?: string | null; code?: number } | null {
  if (typeof payload === "string") return { message: payload };
  if (!isObject(payload)) return null;
  const inner = payload.error;
  if (typeof inner === "string") return { message: inner }; // {"error":"Unauthorized"}
  const source = isObject(inner) ? inner : payload; // nested, or flat {"object":"error",...}
  if (!isObject(inner) && source.object !== "error" && typeof source.message !== "string") {
    return null;
  }
  const out: { message: string; type?: string; param?: string | null; code?: number } = {
    message: typeof source.message === "string" ? source.message : JSON.stringify(source),
  };
  if (typeof source.type === "string") out.type = source.type;
  if (typeof source.param === "string" || source.param === null) out.param = source.param;
  if (typeof source.code === "number") out.code = source.code;
  else if (typeof source.code === "string" && /^\d+$/.test(source.code)) {
    out.code = Number(source.code);
  }
  return out;
}

/**
 * The error for an HTTP response with status ≥ 400, from its (possibly truncated) body text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpError } from "./errors.ts";
 * const e = httpError(404, JSON.stringify({
 *   error: {
 *     message: "The model `x` does not exist.", type: "NotFoundError", param: "model", code: 404,
 *   },
 * }));
 * assert.equal(e.kind, "http_error");
 * assert.deepEqual([e.status, e.type, e.param], [404, "NotFoundError", "model"]);
 * ```
 */
export function httpError(status: number, bodyText: string): RequestError {
  let parsed: ReturnType<typeof parseErrorPayload> = null;
  try {
    parsed = parseErrorPayload(JSON.parse(bodyText));
  } catch {
    parsed = null;
  }
  const error: RequestError = {
    kind: "http_error",
    message: oneLine(
      `HTTP ${status}: ${
        parsed?.message ?? (bodyText.trim().length > 0 ? bodyText : "(empty body)")
      }`,
    ),
    status,
  };
  if (parsed?.type !== undefined) error.type = parsed.type;
  if (parsed?.param !== undefined) error.param = parsed.param;
  return error;
}

/** A response header as undici gives it (string, list, or absent). */
type HeaderValue = string | string[] | undefined;

function headerText(value: HeaderValue): string {
  return Array.isArray(value) ? value.join(", ") : value ?? "";
}

/**
 * Whether a response below 400 is not what the request asked for: a redirect (3xx, not followed),
 * or a streaming request answered with a body that says it is not an event stream.
 */
export function isUnexpectedResponse(
  status: number,
  headers: Record<string, HeaderValue>,
  stream: boolean,
): boolean {
  if (status >= 300 && status < 400) return true;
  const type = headerText(headers["content-type"]).toLowerCase();
  return stream && type !== "" && !type.startsWith("text/event-stream");
}

/**
 * The error for an {@link isUnexpectedResponse} response, saying what came back: the status and
 * Location of a redirect, or the content type (and the start of the body, or the error it holds)
 * of a non-stream answer to a streaming request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unexpectedResponseError } from "./errors.ts";
 * const e = unexpectedResponseError(302, { location: "https://other/v1/chat/completions" }, "");
 * assert.equal(e.message, "HTTP 302 redirect to https://other/v1/chat/completions (redirects are not followed: give the final URL)");
 * ```
 */
export function unexpectedResponseError(
  status: number,
  headers: Record<string, HeaderValue>,
  bodyText: string,
): RequestError {
  if (status >= 300 && status < 400) {
    const location = headerText(headers.location);
    return {
      kind: "http_error",
      status,
      message: oneLine(
        `HTTP ${status} redirect ${location ? `to ${location}` : "without a Location header"} ` +
          "(redirects are not followed: give the final URL)",
      ),
    };
  }
  let parsed: ReturnType<typeof parseErrorPayload> = null;
  try {
    parsed = parseErrorPayload(JSON.parse(bodyText));
  } catch {
    parsed = null;
  }
  const what = parsed?.message ??
    (bodyText.trim() === "" ? "(empty body)" : bodyText.slice(0, 200));
  return {
    kind: "malformed_stream",
    status,
    message: oneLine(
      `HTTP ${status} with content-type ${headerText(headers["content-type"])}, not ` +
        `text/event-stream, to a streaming request: ${what}`,
    ),
  };
}

/** The error for a `data: {"error": ...}` event received after HTTP 200. */
export function streamError(payload: unknown): RequestError {
  const parsed = parseErrorPayload({ error: payload });
  const error: RequestError = {
    kind: "stream_error",
    message: oneLine(`error event in stream: ${parsed?.message ?? JSON.stringify(payload)}`),
  };
  if (parsed?.code !== undefined) error.status = parsed.code;
  if (parsed?.type !== undefined) error.type = parsed.type;
  if (parsed?.param !== undefined) error.param = parsed.param;
  return error;
}

const REFUSED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const RESET = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);
const TIMEOUT = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && isObject(current); depth++) {
    if (typeof current.code === "string") codes.push(current.code);
    if (typeof current.name === "string") codes.push(current.name);
    if (Array.isArray(current.errors)) { // AggregateError from happy-eyeballs connects
      for (const inner of current.errors) {
        if (isObject(inner) && typeof inner.code === "string") codes.push(inner.code);
      }
    }
    current = current.cause;
  }
  return codes;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && err.cause.message !== err.message
      ? ` (${err.cause.message})`
      : "";
    return `${err.message || err.name}${cause}`;
  }
  return String(err);
}

/** Where in the request an exception happened. */
export type RequestPhase = "connect" | "headers" | "body";

/**
 * Classifies an exception thrown while sending a request or reading its response.
 * `aborted` says whether the caller's abort signal had fired (that wins over any network error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classifyException } from "./errors.ts";
 * const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
 *   code: "ECONNREFUSED",
 * });
 * const classified = classifyException(err, { aborted: false, phase: "connect" });
 * assert.equal(classified.kind, "connection_refused");
 * ```
 */
export function classifyException(
  err: unknown,
  context: { aborted: boolean; phase: RequestPhase; timeoutMs?: number },
): RequestError {
  if (err instanceof RequestFailure) return err.requestError;
  const message = describe(err);
  if (context.aborted) return { kind: "aborted", message: oneLine(`aborted: ${message}`) };
  const codes = errorCodes(err);
  const has = (set: Set<string>) => codes.some((c) => set.has(c));
  if (has(TIMEOUT)) {
    const what = context.phase === "body" ? "the stream stalled" : "no response headers";
    const limit = context.timeoutMs !== undefined ? ` for ${context.timeoutMs} ms` : "";
    return { kind: "timeout", message: oneLine(`timeout: ${what}${limit} (${message})`) };
  }
  if (has(REFUSED)) return { kind: "connection_refused", message: oneLine(message) };
  if (has(RESET)) {
    return { kind: "connection_reset", message: oneLine(`connection closed: ${message}`) };
  }
  if (codes.includes("AbortError") || codes.includes("UND_ERR_ABORTED")) {
    return { kind: "aborted", message: oneLine(`aborted: ${message}`) };
  }
  return { kind: "unknown", message: oneLine(message) };
}
