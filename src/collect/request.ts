/**
 * Sending one request and timing its response into a {@link RequestRecord}. Failures never
 * throw: they become `success: false` with a classified error.
 *
 * Hot path: the arrival time of each body piece is taken before the piece is parsed; SSE events
 * in that piece share it.
 *
 * The stream ends at `data: [DONE]`: nothing after it is timed or counted (it is noted in
 * `stream_notes`), and a server that keeps the connection open after it gets
 * {@link AFTER_DONE_GRACE_MS} to end the body before the client closes it.
 *
 * @module
 */

import { type Dispatcher, request } from "../deps/undici.ts";
import type { Endpoint, RequestError, RequestRecord, RequestSpec } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { type ClientMetrics, nonStreamMetrics, StreamMetricsBuilder } from "../metrics/client.ts";
import type { PreparedBody } from "./body.ts";
import { estimatePromptTokens } from "./body.ts";
import {
  classifyException,
  httpError,
  isUnexpectedResponse,
  redactError,
  RequestFailure,
  type RequestPhase,
  streamError,
  unexpectedResponseError,
} from "./errors.ts";
import { SseParser } from "./sse.ts";
import type { AnswerText } from "./answer_text.ts";
import { newTraceContext } from "./traceparent.ts";
import { NO_SERVER_METRICS } from "../metrics/server.ts";

/** Bytes of an HTTP error body kept for its message. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * After `data: [DONE]`, how long the server has to end the body before the client closes the
 * connection. Short: the request is already complete and holds its concurrency slot meanwhile.
 */
export const AFTER_DONE_GRACE_MS = 100;

/** Settings shared by every request of a run. */
export interface RequestContext {
  dispatcher: Dispatcher;
  /** Full URL of the endpoint. */
  url: string;
  endpoint: Endpoint;
  model: string;
  stream: boolean;
  runId: string;
  /** Headers sent with every request (auth, user headers). */
  headers: Record<string, string>;
  maxResponseBytes: number;
  /** Largest SSE event accepted, in characters (beyond it → event_too_large). */
  maxEventChars: number;
  /** Total deadline of one request, from its start. */
  timeoutMs: number;
  /** Longest wait for headers or for the next body piece. */
  idleTimeoutMs: number;
  sampled: boolean;
  /** Strings scrubbed from error messages. */
  secrets: readonly string[];
  /** Requests in flight, watched for timeouts and aborted together. */
  active: Set<ActiveRequest>;
  /** Fires → in-flight requests abort (kind "aborted"). */
  abortSignal?: AbortSignal;
}

/** One request to send. */
export interface RequestJob {
  index: number;
  requestId: string;
  spec: RequestSpec;
  body: PreparedBody;
  /** Epoch ms the schedule meant it to go. */
  scheduledMs: number;
  /** Filled with the generated answer when given (a conversation's next turn needs it). */
  answer?: AnswerText;
}

/** A request in flight, as the timeout watchdog sees it. */
export interface ActiveRequest {
  controller: AbortController;
  /** Epoch ms the request was sent. */
  startMs: number;
  /** Epoch ms of the last sign of life (dispatch, headers, a body piece). */
  lastActivityMs: number;
  phase: RequestPhase;
}

/** The two timeouts of a request. */
export interface TimeoutLimits {
  /** Total deadline from the request's start (`timeoutMs`). */
  totalMs: number;
  /** Longest time without a sign of life (`idleTimeoutMs`). */
  idleMs: number;
}

/**
 * Aborts, with a timeout failure, every active request past its total deadline or silent for
 * longer than the idle limit. Called periodically by `collect`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortStalled, type ActiveRequest } from "./request.ts";
 * const trickling: ActiveRequest = {
 *   controller: new AbortController(), startMs: 0, lastActivityMs: 2_900, phase: "body",
 * };
 * abortStalled([trickling], { totalMs: 3_000, idleMs: 60_000 }, 3_000);
 * assert.equal(trickling.controller.signal.aborted, true);
 * assert.match(trickling.controller.signal.reason.message, /had not ended after 3000 ms/);
 * ```
 */
export function abortStalled(
  active: Iterable<ActiveRequest>,
  limits: TimeoutLimits,
  now: number,
): void {
  for (const entry of active) {
    if (entry.controller.signal.aborted) continue;
    const message = timeoutMessage(entry, limits, now);
    if (message !== null) entry.controller.abort(new RequestFailure("timeout", message));
  }
}

/** Why the request has timed out, or null if it has not. */
function timeoutMessage(entry: ActiveRequest, limits: TimeoutLimits, now: number): string | null {
  const idleMs = Math.round(now - entry.lastActivityMs);
  const headers = entry.phase !== "body";
  if (now - entry.startMs >= limits.totalMs) {
    return headers
      ? `timeout: no response headers within ${limits.totalMs} ms (timeoutMs, the total deadline)`
      : `timeout: the response had not ended after ${limits.totalMs} ms (timeoutMs, the total ` +
        `deadline; last data ${idleMs} ms before)`;
  }
  if (now - entry.lastActivityMs >= limits.idleMs) {
    const what = headers ? "no response headers" : "the stream stalled";
    return `timeout: ${what} for ${idleMs} ms (idleTimeoutMs ${limits.idleMs} ms)`;
  }
  return null;
}

type Body = AsyncIterable<Uint8Array> & {
  destroy(err?: Error): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
};

async function readLimited(body: Body, limit: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const piece of body) {
    bytes += piece.length;
    text += decoder.decode(piece, { stream: true });
    if (bytes >= limit) break; // leaving the loop destroys the body
  }
  return text + decoder.decode();
}

/**
 * Sends one request and returns its record (never throws).
 */
export async function sendRequest(job: RequestJob, ctx: RequestContext): Promise<RequestRecord> {
  const trace = newTraceContext(ctx.sampled);
  const headers: Record<string, string> = {
    ...ctx.headers,
    "content-type": "application/json",
    accept: ctx.stream ? "text/event-stream" : "application/json",
    "x-request-id": job.requestId,
    traceparent: trace.traceparent,
  };
  const builder = new StreamMetricsBuilder(ctx.endpoint);
  const controller = new AbortController();
  const entry: ActiveRequest = { controller, startMs: 0, lastActivityMs: 0, phase: "connect" };
  let headersMs: number | null = null;
  let failure: RequestError | null = null;
  let nonStream: { response: unknown; endMs: number } | null = null;
  let streamNotes: string[] = [];

  const start = nowMs();
  entry.startMs = start;
  entry.lastActivityMs = start;
  ctx.active.add(entry);
  try {
    if (ctx.abortSignal?.aborted) controller.abort(ctx.abortSignal.reason);
    const response = await request(ctx.url, {
      method: "POST",
      headers,
      body: job.body.text,
      dispatcher: ctx.dispatcher,
      signal: controller.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const headersAt = nowMs();
    headersMs = headersAt - start;
    entry.lastActivityMs = headersAt;
    entry.phase = "body";
    const body = response.body as unknown as Body;
    if (response.statusCode >= 400) {
      failure = httpError(response.statusCode, await readLimited(body, ERROR_BODY_LIMIT));
    } else if (isUnexpectedResponse(response.statusCode, response.headers, ctx.stream)) {
      const text = await readLimited(body, ERROR_BODY_LIMIT);
      failure = unexpectedResponseError(response.statusCode, response.headers, text);
    } else if (ctx.stream) {
      // At [DONE] the request is complete: out of the watchdog's reach while the body closes.
      streamNotes = await readStream(
        body,
        builder,
        entry,
        start,
        ctx,
        () => ctx.active.delete(entry),
        job.answer,
      );
      if (builder.streamError !== null) failure = streamError(builder.streamError);
      else if (!builder.isDone) {
        failure = {
          kind: "incomplete_stream",
          message: `the stream ended without data: [DONE] after ${builder.messageCount} messages`,
        };
      }
    } else {
      nonStream = await readJson(body, entry, start, ctx.maxResponseBytes);
      job.answer?.addResponse(nonStream.response);
      const payload = nonStream.response as Record<string, unknown> | null;
      if (payload !== null && typeof payload === "object" && "error" in payload && payload.error) {
        failure = streamError(payload.error);
      }
    }
  } catch (err) {
    const reason = controller.signal.reason;
    failure = reason instanceof RequestFailure ? reason.requestError : classifyException(err, {
      aborted: controller.signal.aborted || ctx.abortSignal?.aborted === true,
      phase: entry.phase,
      timeoutMs: ctx.timeoutMs,
    });
  } finally {
    ctx.active.delete(entry);
  }

  const completed = failure === null;
  const estimate = () => estimatePromptTokens(job.spec);
  const metrics: ClientMetrics = nonStream !== null
    ? nonStreamMetrics(nonStream.response, nonStream.endMs, {
      endpoint: ctx.endpoint,
      completed,
      promptTokensEstimate: estimate(),
    })
    : builder.finish({ completed, estimatePromptTokens: estimate });
  return {
    run_id: ctx.runId,
    index: job.index,
    request_id: job.requestId,
    trace_id: trace.trace_id,
    span_id: trace.span_id,
    sampled: trace.sampled,
    response_id: metrics.response_id,
    endpoint: ctx.endpoint,
    model: ctx.model,
    stream: ctx.stream,
    tag: job.spec.tag ?? null,
    params: job.body.params,
    scheduled_ms: job.scheduledMs,
    start_ms: start,
    lateness_ms: start - job.scheduledMs,
    headers_ms: headersMs,
    ttft_ms: metrics.ttft_ms,
    e2e_ms: metrics.e2e_ms,
    tpot_ms: metrics.tpot_ms,
    itl_ms: metrics.itl_ms,
    chunk_times_ms: metrics.chunk_times_ms,
    chunk_tokens: metrics.chunk_tokens,
    first_chunk_ms: metrics.first_chunk_ms,
    last_chunk_ms: metrics.last_chunk_ms,
    non_content_chunk_times_ms: metrics.non_content_chunk_times_ms,
    prompt_tokens: metrics.prompt_tokens,
    completion_tokens: metrics.completion_tokens,
    token_source: metrics.token_source,
    finish_reason: metrics.finish_reason,
    output_chars: metrics.output_chars,
    success: completed,
    error: failure === null ? null : redactError(failure, ctx.secrets),
    span_status: trace.sampled ? "not_enriched" : "unsampled",
    span_note: trace.sampled ? null : "sent with traceparent flags 00: vLLM exports no span",
    trace_url: null,
    ...NO_SERVER_METRICS,
    server_spans: [],
    ...(streamNotes.length > 0 ? { stream_notes: streamNotes } : {}),
    ...(job.spec.prompt_tokens_requested !== undefined
      ? { prompt_tokens_requested: job.spec.prompt_tokens_requested }
      : {}),
    ...(job.spec.conversation !== undefined
      ? { conversation_id: job.spec.conversation.id, turn: job.spec.conversation.turn }
      : {}),
    ttfot_ms: metrics.ttfot_ms,
    reasoning_tokens: metrics.reasoning_tokens,
    reasoning_chunks: metrics.reasoning_chunks,
  };
}

function tooLarge(limit: number): RequestFailure {
  return new RequestFailure(
    "response_too_large",
    `the response exceeded maxResponseBytes (${limit} bytes); connection dropped`,
  );
}

/**
 * Reads an SSE body into the builder; resolves with notes on what the server did wrong without
 * failing the request (messages after [DONE], a connection kept open after it).
 */
function readStream(
  body: Body,
  builder: StreamMetricsBuilder,
  entry: ActiveRequest,
  start: number,
  limits: Pick<RequestContext, "maxResponseBytes" | "maxEventChars">,
  onDone: () => void,
  answer?: AnswerText,
): Promise<string[]> {
  // Flowing mode ('data' events) rather than `for await`: undici hands each piece over
  // synchronously from its HTTP parser, so the arrival time is taken without the async
  // iterator's promise and microtask hops per piece (perf/client.ts measures the difference).
  return new Promise<string[]>((resolve, reject) => {
    let pieceAt = 0;
    let messages = 0;
    let afterDone = 0;
    let bytes = 0;
    let settled = false;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const succeed = (note?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      const notes = afterDone > 0
        ? [`the server sent ${afterDone} SSE message(s) after data: [DONE]; ignored`]
        : [];
      resolve(note === undefined ? notes : [...notes, note]);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      body.destroy(); // like leaving a for-await loop: the connection is dropped
      reject(err);
    };
    const closeAfterDone = (why: string) => {
      succeed(why);
      body.destroy();
    };
    const parser = new SseParser({
      onEvent(data) {
        if (builder.isDone) {
          afterDone++;
          return;
        }
        messages++;
        if (data === "[DONE]") {
          builder.done(pieceAt);
          onDone();
          grace = setTimeout(
            () =>
              closeAfterDone(
                `the server kept the connection open after data: [DONE]; closed by the client ` +
                  `after ${AFTER_DONE_GRACE_MS} ms`,
              ),
            AFTER_DONE_GRACE_MS,
          );
          return;
        }
        const message = parseMessage(data, messages);
        builder.add(pieceAt, message);
        answer?.addStreamed(message);
      },
      onInvalidLine(line) {
        if (builder.isDone) {
          afterDone++;
          return;
        }
        throw new RequestFailure(
          "malformed_stream",
          `not an SSE line after ${messages} messages: ${JSON.stringify(line.slice(0, 120))}`,
        );
      },
      onEventTooLarge(chars, limitChars) {
        if (builder.isDone) {
          afterDone++;
          return;
        }
        throw new RequestFailure(
          "event_too_large",
          `SSE message ${messages + 1} grew past maxEventChars (${limitChars} characters; ` +
            `${chars} read); connection dropped`,
        );
      },
    }, { maxEventChars: limits.maxEventChars });
    body.on("data", (piece: Uint8Array) => {
      if (settled) return;
      bytes += piece.length;
      if (builder.isDone) {
        if (bytes > limits.maxResponseBytes) {
          return closeAfterDone(
            "the server kept sending after data: [DONE] past maxResponseBytes; closed by the client",
          );
        }
      } else {
        const at = nowMs();
        entry.lastActivityMs = at;
        pieceAt = at - start;
        if (bytes > limits.maxResponseBytes) return fail(tooLarge(limits.maxResponseBytes));
      }
      try {
        parser.feed(piece);
      } catch (err) {
        fail(err);
      }
    });
    body.on("error", (err: unknown) => {
      if (builder.isDone) succeed(`the connection failed after data: [DONE]: ${String(err)}`);
      else fail(err);
    });
    body.on("end", () => {
      if (settled) return;
      try {
        parser.end();
      } catch (err) {
        return fail(err);
      }
      succeed();
    });
    body.on("close", () => {
      if (settled) return;
      if (builder.isDone) return succeed();
      fail(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  });
}

/** One `data:` payload as a JSON object, else a malformed_stream failure. */
function parseMessage(data: string, position: number): Record<string, unknown> {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    throw new RequestFailure(
      "malformed_stream",
      `SSE message ${position} is not JSON: ${JSON.stringify(data.slice(0, 120))}`,
    );
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw new RequestFailure(
      "malformed_stream",
      `SSE message ${position} is not a JSON object: ${JSON.stringify(data.slice(0, 120))}`,
    );
  }
  return message as Record<string, unknown>;
}

async function readJson(
  body: Body,
  entry: ActiveRequest,
  start: number,
  maxBytes: number,
): Promise<{ response: unknown; endMs: number }> {
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  for await (const piece of body) {
    entry.lastActivityMs = nowMs();
    bytes += piece.length;
    if (bytes > maxBytes) throw tooLarge(maxBytes);
    pieces.push(piece);
  }
  const endMs = nowMs() - start;
  const all = new Uint8Array(bytes);
  let offset = 0;
  for (const piece of pieces) {
    all.set(piece, offset);
    offset += piece.length;
  }
  const text = new TextDecoder().decode(all);
  try {
    return { response: JSON.parse(text), endMs };
  } catch {
    throw new RequestFailure(
      "malformed_stream",
      `the response body is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
    );
  }
}
