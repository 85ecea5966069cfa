/**
 * Client-side per-request metrics, as pure arithmetic over timed response messages: TTFT, ITL,
 * TPOT, E2E, tokens and the `vllm bench serve` variants of the same names. Every definition is
 * written out in docs/metrics.md ("Client-side metrics").
 *
 * `collect` feeds messages into a {@link StreamMetricsBuilder} as they arrive; the same builder
 * runs behind {@link clientMetrics}, so a hand-written list of messages gives exactly the numbers
 * a live request would.
 *
 * @module
 */

import type { Endpoint, RequestRecord, TokenSource } from "../types.ts";
import { estimateTokens } from "../util/tokens.ts";
import { reasoningText, usageReasoningTokens } from "./reasoning.ts";

/** One parsed SSE message and when it arrived. */
export interface TimedMessage {
  /** Arrival time of the body piece carrying the message, ms since the request's start. */
  t_ms: number;
  /** The JSON-parsed `data:` payload, or the string `"[DONE]"`. */
  data: unknown;
}

/**
 * The client-side metric fields of a {@link RequestRecord} (their definitions are there and in
 * docs/metrics.md), all present, plus what the stream revealed.
 */
export type ClientMetrics =
  & Required<
    Pick<
      RequestRecord,
      | "ttft_ms"
      | "ttfot_ms"
      | "e2e_ms"
      | "tpot_ms"
      | "itl_ms"
      | "chunk_times_ms"
      | "chunk_tokens"
      | "first_chunk_ms"
      | "last_chunk_ms"
      | "non_content_chunk_times_ms"
      | "prompt_tokens"
      | "completion_tokens"
      | "token_source"
      | "finish_reason"
      | "output_chars"
      | "reasoning_tokens"
      | "reasoning_chunks"
      | "response_id"
    >
  >
  & {
    /** The `error` member of the first message that carried one (vLLM's mid-stream error event). */
    stream_error: unknown;
    /** Whether `data: [DONE]` arrived. */
    done: boolean;
  };

/** How a message was counted; returned by {@link StreamMetricsBuilder.add}. */
export type MessageRole =
  /** Carries generated content: counted for TTFT, ITL and chunk_times_ms. */
  | "content"
  /** Has non-empty `choices` but no generated content (the chat role chunk, an empty finish chunk). */
  | "no_content"
  /** No choices: the usage chunk, or any other object. */
  | "no_choices"
  /** Carries an `error` member. */
  | "error";

/** Options for finishing a {@link StreamMetricsBuilder}. */
export interface FinishOptions {
  /**
   * Whether the request succeeded. A failed request keeps what was observed (TTFT, chunk times)
   * but gets no e2e_ms or tpot_ms: the response never completed.
   */
  completed: boolean;
  /** Prompt tokens to report when the server gave no usage (called only then). */
  estimatePromptTokens?: () => number | null;
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function finiteNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Gaps between successive times: `[t1 − t0, t2 − t1, ...]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gapsMs } from "./client.ts";
 * assert.deepEqual(gapsMs([10, 12, 17]), [2, 5]);
 * ```
 */
export function gapsMs(times: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push(times[i] - times[i - 1]);
  return out;
}

/**
 * Time per output token after the first: (e2e − ttft) / (completion_tokens − 1); null when any
 * input is missing or completion_tokens < 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tpotMs } from "./client.ts";
 * assert.equal(tpotMs(110, 10, 11), 10);
 * ```
 */
export function tpotMs(
  e2eMs: number | null,
  ttftMs: number | null,
  completionTokens: number | null,
): number | null {
  if (e2eMs === null || ttftMs === null || completionTokens === null || completionTokens < 2) {
    return null;
  }
  return (e2eMs - ttftMs) / (completionTokens - 1);
}

/** What one choice of a message generated. */
interface ChoiceOutput {
  /** Generated text: reasoning, content and tool-call arguments. */
  text: string;
  /** Carries reasoning text. */
  reasoning: boolean;
  /** Carries output that is not reasoning: content text or a tool call. */
  output: boolean;
  finish: string | null;
}

/**
 * Generated text in one chat `delta` or completions choice: content, reasoning (`reasoning`, or
 * the older `reasoning_content`, see ./reasoning.ts) and tool-call arguments. The choice counts
 * as content when it has reasoning or output; output is non-empty content text or a non-empty
 * `tool_calls` array (which may carry only a name at first). Completions text is all output.
 */
function choiceOutput(choice: Obj, endpoint: Endpoint, streamed: boolean): ChoiceOutput {
  const finish = nonEmptyString(choice.finish_reason) ? choice.finish_reason : null;
  if (endpoint === "completions") {
    const text = nonEmptyString(choice.text) ? choice.text : "";
    return { text, reasoning: false, output: text.length > 0, finish };
  }
  const part = streamed ? choice.delta : choice.message;
  if (!isObject(part)) return { text: "", reasoning: false, output: false, finish };
  let text = reasoningText(part);
  const reasoning = text.length > 0;
  const content = nonEmptyString(part.content);
  if (content) text += part.content;
  let toolCall = false;
  if (Array.isArray(part.tool_calls) && part.tool_calls.length > 0) {
    toolCall = true;
    for (const call of part.tool_calls) {
      if (isObject(call) && isObject(call.function) && nonEmptyString(call.function.arguments)) {
        text += call.function.arguments;
      }
    }
  }
  return { text, reasoning, output: content || toolCall, finish };
}

/**
 * Accumulates the client metrics of one streamed response, message by message, without keeping
 * the messages. Times are ms since the request's start. TTFT is the first chunk with reasoning or
 * output; `ttfot_ms` the first with output that is not reasoning (docs/metrics.md, "Reasoning
 * models").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StreamMetricsBuilder } from "./client.ts";
 * const b = new StreamMetricsBuilder("chat");
 * b.add(5, { id: "chatcmpl-1", choices: [{ delta: { role: "assistant", content: "" } }] });
 * b.add(5, { choices: [{ delta: { content: "Hi" } }] });
 * b.add(9, { choices: [{ delta: { content: " there" }, finish_reason: "stop" }] });
 * b.add(9, { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
 * b.done(10);
 * const m = b.finish({ completed: true });
 * assert.deepEqual([m.ttft_ms, m.itl_ms, m.e2e_ms, m.tpot_ms], [5, [4], 10, 5]);
 * ```
 */
export class StreamMetricsBuilder {
  readonly endpoint: Endpoint;
  #ttft: number | null = null;
  #ttfot: number | null = null;
  #reasoningChunks = 0;
  #finalReasoningTokens: number | null = null;
  #first: number | null = null;
  #last: number | null = null;
  #doneAt: number | null = null;
  #chunkTimes: number[] = [];
  #nonContentTimes: number[] = [];
  #chunkTokens: number[] = [];
  #everyContentChunkHadUsage = true;
  #cumulativeAtLastContent = 0;
  #continuousPrompt: number | null = null;
  #continuousCompletion: number | null = null;
  #finalPrompt: number | null = null;
  #finalCompletion: number | null = null;
  #finalUsageSeen = false;
  #finish: string | null = null;
  #text = "";
  #responseId: string | null = null;
  #streamError: unknown = null;
  #messages = 0;

  /** A builder for a response from the given endpoint. */
  constructor(endpoint: Endpoint) {
    this.endpoint = endpoint;
  }

  /** Number of messages added so far (excluding `[DONE]`). */
  get messageCount(): number {
    return this.#messages;
  }

  /** Adds one parsed `data:` object that arrived at `tMs`; returns how it was counted. */
  add(tMs: number, message: unknown): MessageRole {
    this.#messages++;
    this.#last = tMs;
    if (!isObject(message)) return "no_choices";
    if (this.#responseId === null && nonEmptyString(message.id)) this.#responseId = message.id;
    if (message.error !== undefined && message.error !== null) {
      if (this.#streamError === null) this.#streamError = message.error;
      return "error";
    }
    const choices = message.choices;
    const usage = isObject(message.usage) ? message.usage : null;
    if (!Array.isArray(choices) || choices.length === 0) {
      if (usage !== null) {
        this.#finalUsageSeen = true;
        this.#finalPrompt = finiteNumber(usage.prompt_tokens);
        this.#finalCompletion = finiteNumber(usage.completion_tokens);
        this.#finalReasoningTokens = usageReasoningTokens(usage);
      }
      return "no_choices";
    }
    if (this.#first === null) this.#first = tMs;
    let output = false;
    let reasoning = false;
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const out = choiceOutput(choice, this.endpoint, true);
      if (out.output) output = true;
      if (out.reasoning) reasoning = true;
      if (out.text.length > 0) this.#text += out.text;
      if (out.finish !== null) this.#finish = out.finish;
    }
    const cumulative = usage !== null ? finiteNumber(usage.completion_tokens) : null;
    if (usage !== null) {
      this.#continuousPrompt = finiteNumber(usage.prompt_tokens) ?? this.#continuousPrompt;
      if (cumulative !== null) this.#continuousCompletion = cumulative;
    }
    if (!output && !reasoning) {
      this.#nonContentTimes.push(tMs);
      return "no_content";
    }
    if (this.#ttft === null) this.#ttft = tMs;
    if (output && this.#ttfot === null) this.#ttfot = tMs;
    if (reasoning) this.#reasoningChunks++;
    this.#chunkTimes.push(tMs);
    if (cumulative !== null) {
      this.#chunkTokens.push(cumulative - this.#cumulativeAtLastContent);
      this.#cumulativeAtLastContent = cumulative;
    } else {
      this.#everyContentChunkHadUsage = false;
    }
    return "content";
  }

  /** Marks the arrival of `data: [DONE]` at `tMs`. */
  done(tMs: number): void {
    if (this.#doneAt === null) this.#doneAt = tMs;
  }

  /** Whether `[DONE]` has arrived. */
  get isDone(): boolean {
    return this.#doneAt !== null;
  }

  /** The first mid-stream error payload, or null. */
  get streamError(): unknown {
    return this.#streamError;
  }

  /** The response id seen so far, or null. */
  get responseId(): string | null {
    return this.#responseId;
  }

  /** The metrics of everything added. */
  finish(options: FinishOptions): ClientMetrics {
    const tokens = this.#tokens(options);
    const e2e = options.completed ? this.#doneAt ?? this.#last : null;
    const chunkTokens = this.#chunkTimes.length > 0 && this.#everyContentChunkHadUsage
      ? this.#chunkTokens
      : null;
    return {
      ttft_ms: this.#ttft,
      ttfot_ms: this.#ttfot,
      e2e_ms: e2e,
      tpot_ms: options.completed ? tpotMs(e2e, this.#ttft, tokens.completion) : null,
      itl_ms: gapsMs(this.#chunkTimes),
      chunk_times_ms: this.#chunkTimes,
      chunk_tokens: chunkTokens,
      first_chunk_ms: this.#first,
      last_chunk_ms: this.#last,
      non_content_chunk_times_ms: this.#nonContentTimes,
      prompt_tokens: tokens.prompt,
      completion_tokens: tokens.completion,
      token_source: tokens.source,
      finish_reason: this.#finish,
      output_chars: this.#text.length,
      reasoning_tokens: this.#finalReasoningTokens,
      reasoning_chunks: this.#reasoningChunks,
      response_id: this.#responseId,
      stream_error: this.#streamError,
      done: this.#doneAt !== null,
    };
  }

  #tokens(options: FinishOptions): {
    prompt: number | null;
    completion: number | null;
    source: TokenSource;
  } {
    if (this.#finalUsageSeen && this.#finalCompletion !== null) {
      return { prompt: this.#finalPrompt, completion: this.#finalCompletion, source: "usage" };
    }
    if (this.#continuousCompletion !== null) {
      return {
        prompt: this.#continuousPrompt,
        completion: this.#continuousCompletion,
        source: "continuous_usage",
      };
    }
    if (this.#messages === 0) return { prompt: null, completion: null, source: "none" };
    return {
      prompt: options.estimatePromptTokens?.() ?? null,
      completion: estimateTokens(this.#text),
      source: "estimate",
    };
  }
}

/** Options of {@link clientMetrics}. */
export interface ClientMetricsOptions {
  /** Which endpoint's message shapes to read. */
  endpoint: Endpoint;
  /** Whether the request succeeded (default: `[DONE]` is among the messages). */
  completed?: boolean;
  /** Prompt tokens to report when there is no usage. */
  promptTokensEstimate?: number | null;
}

/**
 * Client metrics of a streamed response given as a list of timed messages (`"[DONE]"` marks the
 * end). The same arithmetic `collect` runs live, for hand-computed streams and for recomputing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientMetrics } from "./client.ts";
 * const m = clientMetrics([
 *   { t_ms: 20, data: { choices: [{ text: "Hello" }] } },
 *   { t_ms: 30, data: { choices: [{ text: " world", finish_reason: "length" }] } },
 *   { t_ms: 31, data: { choices: [], usage: { prompt_tokens: 4, completion_tokens: 3 } } },
 *   { t_ms: 32, data: "[DONE]" },
 * ], { endpoint: "completions" });
 * assert.deepEqual([m.ttft_ms, m.itl_ms, m.e2e_ms, m.tpot_ms], [20, [10], 32, 6]);
 * ```
 */
export function clientMetrics(
  messages: Iterable<TimedMessage>,
  options: ClientMetricsOptions,
): ClientMetrics {
  const builder = new StreamMetricsBuilder(options.endpoint);
  for (const message of messages) {
    if (message.data === "[DONE]") builder.done(message.t_ms);
    else builder.add(message.t_ms, message.data);
  }
  const estimate = options.promptTokensEstimate ?? null;
  return builder.finish({
    completed: options.completed ?? builder.isDone,
    estimatePromptTokens: () => estimate,
  });
}

/**
 * Client metrics of a non-streamed response body (one JSON object) whose last byte arrived at
 * `endMs`. TTFT, ITL and chunk times do not exist for it and stay null/empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonStreamMetrics } from "./client.ts";
 * const m = nonStreamMetrics({
 *   id: "cmpl-1",
 *   choices: [{ text: "abc", finish_reason: "stop" }],
 *   usage: { prompt_tokens: 2, completion_tokens: 1 },
 * }, 40, { endpoint: "completions" });
 * assert.deepEqual([m.e2e_ms, m.ttft_ms, m.completion_tokens], [40, null, 1]);
 * ```
 */
export function nonStreamMetrics(
  response: unknown,
  endMs: number,
  options: ClientMetricsOptions,
): ClientMetrics {
  const body: Obj = isObject(response) ? response : {};
  let text = "";
  let finish: string | null = null;
  if (Array.isArray(body.choices)) {
    for (const choice of body.choices) {
      if (!isObject(choice)) continue;
      const out = choiceOutput(choice, options.endpoint, false);
      text += out.text;
      if (out.finish !== null) finish = out.finish;
    }
  }
  const usage = isObject(body.usage) ? body.usage : null;
  const usageCompletion = usage !== null ? finiteNumber(usage.completion_tokens) : null;
  const fromUsage = usageCompletion !== null;
  const completed = options.completed ?? true;
  return {
    ttft_ms: null,
    ttfot_ms: null,
    e2e_ms: completed ? endMs : null,
    tpot_ms: null,
    itl_ms: [],
    chunk_times_ms: [],
    chunk_tokens: null,
    first_chunk_ms: null,
    last_chunk_ms: null,
    non_content_chunk_times_ms: [],
    prompt_tokens: fromUsage ? finiteNumber(usage?.prompt_tokens) : options.promptTokensEstimate ??
      null,
    completion_tokens: fromUsage ? usageCompletion : estimateTokens(text),
    token_source: fromUsage ? "usage" : "estimate",
    finish_reason: finish,
    output_chars: text.length,
    reasoning_tokens: usageReasoningTokens(usage),
    reasoning_chunks: null,
    response_id: nonEmptyString(body.id) ? body.id : null,
    stream_error: null,
    done: completed,
  };
}

/**
 * The per-request numbers `vllm bench serve` would compute (vLLM's
 * vllm/benchmarks/lib/endpoint_request_func.py; docs/metrics.md compares them with ours).
 */
export interface VllmBenchMetrics {
  /** First message with non-empty choices (chat: the role chunk). */
  ttft_ms: number | null;
  /** Gaps between successive messages with non-empty choices (per chunk, role gap included). */
  itl_ms: number[];
  /** Chat: last message before `[DONE]` (the usage chunk); completions: last message with choices. */
  e2e_ms: number | null;
  /** (e2e − ttft) / (output_tokens − 1) when output_tokens > 1, else null. */
  tpot_ms: number | null;
  /** completion_tokens as recorded. */
  output_tokens: number | null;
}

/** The record fields {@link vllmBenchMetrics} reads. */
export type VllmBenchInput =
  & Pick<
    RequestRecord,
    "endpoint" | "first_chunk_ms" | "last_chunk_ms" | "chunk_times_ms" | "completion_tokens"
  >
  & { non_content_chunk_times_ms?: number[]; success?: boolean };

/**
 * Reproduces `vllm bench serve`'s definitions from a record's saved times, so our numbers can be
 * compared with its numbers: TTFT at the first message with choices (the chat role chunk),
 * per-chunk ITL over every message with choices (role→first-content gap included), E2E at the
 * last message before `[DONE]` for chat (the usage chunk) or at the last message with choices for
 * completions, TPOT from those. A failed record gives all nulls and an empty ITL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vllmBenchMetrics } from "./client.ts";
 * const bench = vllmBenchMetrics({
 *   endpoint: "chat",
 *   first_chunk_ms: 10, last_chunk_ms: 31,
 *   chunk_times_ms: [11, 20, 30], non_content_chunk_times_ms: [10],
 *   completion_tokens: 3,
 * });
 * assert.deepEqual(
 *   [bench.ttft_ms, bench.itl_ms, bench.e2e_ms, bench.tpot_ms],
 *   [10, [1, 9, 10], 31, 10.5],
 * );
 * ```
 */
export function vllmBenchMetrics(record: VllmBenchInput): VllmBenchMetrics {
  if (record.success === false) {
    return { ttft_ms: null, itl_ms: [], e2e_ms: null, tpot_ms: null, output_tokens: null };
  }
  const extra = record.non_content_chunk_times_ms ??
    (record.first_chunk_ms !== null &&
        (record.chunk_times_ms.length === 0 || record.first_chunk_ms < record.chunk_times_ms[0])
      ? [record.first_chunk_ms]
      : []);
  const times = mergeSorted(record.chunk_times_ms, extra);
  const ttft = record.first_chunk_ms ?? (times.length > 0 ? times[0] : null);
  const e2e = record.endpoint === "chat"
    ? record.last_chunk_ms
    : times.length > 0
    ? times[times.length - 1]
    : null;
  const out = record.completion_tokens;
  return {
    ttft_ms: ttft,
    itl_ms: gapsMs(times),
    e2e_ms: e2e,
    tpot_ms: tpotMs(e2e, ttft, out),
    output_tokens: out,
  };
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = new Array(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * Recomputes TTFT, ITL and TPOT from saved chunk times (e.g. after editing or filtering them):
 * TTFT is the first chunk time, ITL the gaps, TPOT from e2e and completion tokens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsFromChunkTimes } from "./client.ts";
 * const m = metricsFromChunkTimes({
 *   chunk_times_ms: [5, 7, 12], e2e_ms: 13, completion_tokens: 3,
 * });
 * assert.deepEqual([m.ttft_ms, m.itl_ms, m.tpot_ms], [5, [2, 5], 4]);
 * ```
 */
export function metricsFromChunkTimes(
  record: Pick<RequestRecord, "chunk_times_ms" | "e2e_ms" | "completion_tokens">,
): { ttft_ms: number | null; itl_ms: number[]; tpot_ms: number | null } {
  const ttft = record.chunk_times_ms.length > 0 ? record.chunk_times_ms[0] : null;
  return {
    ttft_ms: ttft,
    itl_ms: gapsMs(record.chunk_times_ms),
    tpot_ms: tpotMs(record.e2e_ms, ttft, record.completion_tokens),
  };
}
