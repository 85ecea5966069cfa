/**
 * Sending one request and timing its response into a {@link RequestRecord}. Failures never
 * throw: they become `success: false` with a classified error.
 *
 * Hot path: the arrival time of each body piece is taken in undici's parser callback, before the
 * piece is parsed (src/collect/exchange.ts); SSE events in that piece share it. How each kind of
 * body is read, and where a stream ends: src/collect/body_readers.ts.
 *
 * @module
 */

import type { Dispatcher } from "../deps/undici.ts";
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
import type { AnswerText } from "./answer_text.ts";
import { JsonReader, SseReader, TextReader } from "./body_readers.ts";
import { exchange, type ExchangeControl, type ResponseHead } from "./exchange.ts";
import { newTraceContext } from "./traceparent.ts";
import { NO_SERVER_METRICS } from "../metrics/server.ts";

/** Bytes of an HTTP error body kept for its message. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Settings shared by every request of a run. */
export interface RequestContext {
  dispatcher: Dispatcher;
  /** The endpoint's origin (`http://host:port`). */
  origin: string;
  /** The endpoint's path (`/v1/chat/completions`, after any prefix of the server URL). */
  path: string;
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

/**
 * Sends one request and returns its record (never throws).
 */
export async function sendRequest(job: RequestJob, ctx: RequestContext): Promise<RequestRecord> {
  const trace = newTraceContext(ctx.sampled);
  const builder = new StreamMetricsBuilder(ctx.endpoint);
  const start = nowMs();
  const read = await readResponse(job, ctx, requestHeaders(job, ctx, trace.traceparent), {
    builder,
    start,
  });
  const { failure, nonStream, streamNotes, headersMs } = read;
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

/** The headers of one request: the run's, then the ones that name this request. */
function requestHeaders(
  job: RequestJob,
  ctx: RequestContext,
  traceparent: string,
): Record<string, string> {
  return {
    ...ctx.headers,
    "content-type": "application/json",
    accept: ctx.stream ? "text/event-stream" : "application/json",
    "x-request-id": job.requestId,
    traceparent,
  };
}

/** What reading the response gave. */
interface ReadResponse {
  /** Headers' arrival, ms from the start (null: none came). */
  headersMs: number | null;
  failure: RequestError | null;
  /** A non-streamed answer and when it was complete, ms from the start. */
  nonStream: { response: unknown; endMs: number } | null;
  streamNotes: string[];
}

/**
 * Sends the request and reads its response to the end, watched by the timeout watchdog
 * (`ctx.active`) meanwhile; failures are classified, never thrown.
 */
async function readResponse(
  job: RequestJob,
  ctx: RequestContext,
  headers: Record<string, string>,
  timing: { builder: StreamMetricsBuilder; start: number },
): Promise<ReadResponse> {
  const { builder, start } = timing;
  const controller = new AbortController();
  const entry: ActiveRequest = {
    controller,
    startMs: start,
    lastActivityMs: start,
    phase: "connect",
  };
  const read: { head?: ResponseHead; reader?: BodyReaderOf } = {};
  const headersMs = () => read.head === undefined ? null : read.head.atMs - start;
  ctx.active.add(entry);
  try {
    if (ctx.abortSignal?.aborted) controller.abort(ctx.abortSignal.reason);
    const request = { origin: ctx.origin, path: ctx.path, headers, body: job.body.text };
    await exchange(ctx.dispatcher, { ...request, signal: controller.signal }, (head, control) => {
      entry.lastActivityMs = head.atMs;
      entry.phase = "body";
      read.head = head;
      read.reader = readerFor(head, control, { builder, start, ctx, entry, job });
      return read.reader;
    });
    return { headersMs: headersMs(), ...bodyOutcome(read.reader!, read.head!, builder, job) };
  } catch (err) {
    const reader = read.reader;
    if (reader instanceof SseReader && reader.isDone) {
      // At [DONE] the request was complete: a connection failing after it changes nothing.
      reader.failedAfterDone(err);
      return { headersMs: headersMs(), ...bodyOutcome(reader, read.head!, builder, job) };
    }
    const reason = controller.signal.reason;
    const failure = reason instanceof RequestFailure
      ? reason.requestError
      : classifyException(err, {
        aborted: controller.signal.aborted || ctx.abortSignal?.aborted === true,
        phase: entry.phase,
        timeoutMs: ctx.timeoutMs,
      });
    return { headersMs: headersMs(), failure, nonStream: null, streamNotes: [] };
  } finally {
    if (read.reader instanceof SseReader) read.reader.stop();
    ctx.active.delete(entry);
  }
}

/** The three kinds of body reader. */
type BodyReaderOf = TextReader | JsonReader | SseReader;

/** What picking a body's reader needs. */
interface ReaderContext {
  builder: StreamMetricsBuilder;
  start: number;
  ctx: RequestContext;
  /** Its `lastActivityMs` follows the body pieces. */
  entry: ActiveRequest;
  job: RequestJob;
}

/** The reader of this response's body: its error text, its stream, or its JSON. */
function readerFor(
  head: ResponseHead,
  control: ExchangeControl,
  { builder, start, ctx, entry, job }: ReaderContext,
): BodyReaderOf {
  const onActivity = (atMs: number) => entry.lastActivityMs = atMs;
  const failed = head.statusCode >= 400 ||
    isUnexpectedResponse(head.statusCode, head.headers, ctx.stream);
  if (failed) return new TextReader(ERROR_BODY_LIMIT, control);
  if (!ctx.stream) return new JsonReader(ctx.maxResponseBytes, start, onActivity);
  return new SseReader({
    builder,
    startMs: start,
    maxResponseBytes: ctx.maxResponseBytes,
    maxEventChars: ctx.maxEventChars,
    onActivity,
    // At [DONE] the request is complete: out of the watchdog's reach while the body closes.
    onDone: () => ctx.active.delete(entry),
    answer: job.answer,
  }, control);
}

/** What a body read to its end (or to `data: [DONE]`) says: failure, answer, notes. */
function bodyOutcome(
  reader: BodyReaderOf,
  head: ResponseHead,
  builder: StreamMetricsBuilder,
  job: RequestJob,
): Omit<ReadResponse, "headersMs"> {
  const none = { nonStream: null, streamNotes: [] };
  if (reader instanceof TextReader) {
    const failure = head.statusCode >= 400
      ? httpError(head.statusCode, reader.text)
      : unexpectedResponseError(head.statusCode, head.headers, reader.text);
    return { failure, ...none };
  }
  if (reader instanceof JsonReader) {
    job.answer?.addResponse(reader.response);
    const payload = reader.response as Record<string, unknown> | null;
    const failed = payload !== null && typeof payload === "object" && "error" in payload &&
      payload.error;
    const nonStream = { response: reader.response, endMs: reader.endMs };
    return { failure: failed ? streamError(payload.error) : null, nonStream, streamNotes: [] };
  }
  const streamNotes = reader.notes;
  if (builder.streamError !== null) {
    return { failure: streamError(builder.streamError), nonStream: null, streamNotes };
  }
  const failure: RequestError | null = builder.isDone ? null : {
    kind: "incomplete_stream",
    message: `the stream ended without data: [DONE] after ${builder.messageCount} messages`,
  };
  return { failure, nonStream: null, streamNotes };
}
