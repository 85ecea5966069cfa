/**
 * The collect stage: send requests to a vLLM (OpenAI-compatible) server with a chosen load shape
 * and time each one. {@link collect} is the entry point; the other exports are its parts, usable
 * on their own.
 *
 * @module
 */

export { collect } from "./collect.ts";
export { CLIENT_TOOL } from "./run_meta.ts";
export type { CollectOptions } from "./options.ts";
export { DEFAULTS, endpointPath, parseServerUrl, validateOptions } from "./options.ts";
export { estimatePromptTokens, prepareBody, validateSpec } from "./body.ts";
export type { BodySettings, PreparedBody } from "./body.ts";
export { SseParser } from "./sse.ts";
export type { SseEndState, SseHandlers } from "./sse.ts";
export { newTraceContext, randomHex } from "./traceparent.ts";
export type { TraceContext } from "./traceparent.ts";
export { arrivalOffsets, rampRateAt, Semaphore, sleepUntil } from "./schedule.ts";
export type { ArrivalOptions, RateRamp } from "./schedule.ts";
export {
  followConcurrencyRamp,
  nextConcurrencyStepMs,
  rampConcurrencyAt,
} from "./concurrency_ramp.ts";
export type { ConcurrencyRamp } from "./concurrency_ramp.ts";
export { loadInForce } from "./load_in_force.ts";
export type { LoadInForce } from "./load_in_force.ts";
export {
  classifyException,
  httpError,
  parseErrorPayload,
  redact,
  RequestFailure,
  streamError,
} from "./errors.ts";
export { openJsonlSink } from "./jsonl_sink.ts";
export type { JsonlSink, JsonlSinkOptions } from "./jsonl_sink.ts";
export { resolveModel } from "./models.ts";
