/**
 * Response bodies in vLLM's exact shapes: streaming chunks (`chat.completion.chunk`,
 * `text_completion`), the usage chunk, `[DONE]`, and the non-streaming responses.
 *
 * @module
 */
import type { SimEndpoint } from "./request.ts";

/** Fields shared by every chunk of one response. */
export interface ResponseContext {
  endpoint: SimEndpoint;
  /** `chatcmpl-<base>` or `cmpl-<base>`. */
  id: string;
  /** Unix seconds, the same on every chunk. */
  created: number;
  model: string;
}

/** OpenAI usage in vLLM's key order. */
export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  /** A reasoning model's count (vLLM with a reasoning parser); absent otherwise. */
  completion_tokens_details?: { reasoning_tokens: number };
}

/** How a choice ended. */
export interface Finish {
  finish_reason: "stop" | "length";
  /** Matched stop string/token, null when the end was EOS or the length limit. */
  stop_reason: string | number | null;
}

/**
 * vLLM's `system_fingerprint`: `vllm-<version>-<8 hex>` (vLLM 0.32.0 sent
 * `vllm-0.32.0-ec16766e`). The simulator says which version it imitates, with a zero hash.
 */
export const SYSTEM_FINGERPRINT = "vllm-0.32.0-00000000";

/** The final event of every stream. */
export const SSE_DONE = "data: [DONE]\n\n";

/** One SSE event: `data: <compact JSON>\n\n`. */
export function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/**
 * Usage with total = prompt + completion, and `completion_tokens_details.reasoning_tokens` when
 * `reasoningTokens` is given (a reasoning model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageOf } from "./chunks.ts";
 * assert.deepEqual(usageOf(5, 8, 6), {
 *   prompt_tokens: 5, total_tokens: 13, completion_tokens: 8,
 *   completion_tokens_details: { reasoning_tokens: 6 },
 * });
 * assert.equal("completion_tokens_details" in usageOf(5, 8), false);
 * ```
 */
export function usageOf(
  promptTokens: number,
  completionTokens: number,
  reasoningTokens: number | null = null,
): Usage {
  const usage: Usage = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
  if (reasoningTokens !== null) {
    usage.completion_tokens_details = { reasoning_tokens: reasoningTokens };
  }
  return usage;
}

/** Usage as a non-streamed body carries it: every detail key, null when unset. */
function bodyUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt_tokens,
    total_tokens: usage.total_tokens,
    completion_tokens: usage.completion_tokens,
    prompt_tokens_details: null,
    completion_tokens_details: usage.completion_tokens_details ?? null,
  };
}

/** Usage as vLLM puts it on every chunk under continuous usage stats (one more key). */
function continuousUsage(usage: Usage): Record<string, unknown> {
  return { ...usage, completion_tokens_details: null };
}

/**
 * The chat role chunk (`delta: {role: "assistant", content: ""}`), sent with the first token.
 * `usage` is set only under continuous usage stats.
 */
export function roleChunk(ctx: ResponseContext, usage: Usage | null): Record<string, unknown> {
  const chunk: Record<string, unknown> = {
    id: ctx.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    choices: [{
      index: 0,
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: null,
    }],
  };
  if (usage) chunk.usage = continuousUsage(usage);
  chunk.prompt_token_ids = null;
  chunk.prompt_text = null;
  return chunk;
}

/**
 * A content chunk (chat `delta.content` or completions `text`). With `finish` it is the final
 * choice chunk; `systemFingerprint` adds {@link SYSTEM_FINGERPRINT} there (vLLM does so when
 * include_usage is off; otherwise the usage chunk carries it). Chat `reasoning` text goes in
 * `delta.reasoning` (vLLM 0.32's field), alone or, where reasoning ends inside the chunk, before
 * the `content`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contentChunk } from "./chunks.ts";
 * const ctx = { endpoint: "chat" as const, id: "chatcmpl-1", created: 0, model: "m" };
 * assert.deepEqual(contentChunk(ctx, " tok", null, null, false), {
 *   id: "chatcmpl-1", object: "chat.completion.chunk", created: 0, model: "m",
 *   choices: [{
 *     index: 0, delta: { content: " tok" }, logprobs: null, finish_reason: null, token_ids: null,
 *   }],
 * });
 * ```
 */
export function contentChunk(
  ctx: ResponseContext,
  text: string,
  finish: Finish | null,
  usage: Usage | null,
  systemFingerprint: boolean,
  reasoning = "",
): Record<string, unknown> {
  let choice: Record<string, unknown>;
  if (ctx.endpoint === "chat") {
    const delta = reasoning === ""
      ? { content: text }
      : text === ""
      ? { reasoning }
      : { reasoning, content: text };
    choice = { index: 0, delta, logprobs: null, finish_reason: null };
    if (finish) {
      choice.finish_reason = finish.finish_reason;
      choice.stop_reason = finish.stop_reason;
    }
    choice.token_ids = null;
  } else {
    choice = {
      index: 0,
      text,
      logprobs: null,
      finish_reason: finish ? finish.finish_reason : null,
      stop_reason: finish ? finish.stop_reason : null,
      prompt_token_ids: null,
      token_ids: null,
    };
  }
  const chunk: Record<string, unknown> = {
    id: ctx.id,
    object: ctx.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: ctx.created,
    model: ctx.model,
    choices: [choice],
  };
  if (usage) chunk.usage = continuousUsage(usage);
  if (finish && systemFingerprint) chunk.system_fingerprint = SYSTEM_FINGERPRINT;
  return chunk;
}

/** The `stream_options.include_usage` chunk: `choices: []`, usage, the system fingerprint. */
export function usageChunk(ctx: ResponseContext, usage: Usage): Record<string, unknown> {
  return {
    id: ctx.id,
    object: ctx.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: ctx.created,
    model: ctx.model,
    choices: [],
    usage,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * The non-streaming response (`chat.completion` or `text_completion`). A chat `reasoning` text
 * goes in `message.reasoning` (null when the model did not reason); the content is null when the
 * model only reasoned.
 */
export function completionBody(
  ctx: ResponseContext,
  text: string,
  finish: Finish,
  usage: Usage,
  reasoning: string | null = null,
): Record<string, unknown> {
  if (ctx.endpoint === "chat") {
    return {
      id: ctx.id,
      object: "chat.completion",
      created: ctx.created,
      model: ctx.model,
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: reasoning !== null && text === "" ? null : text,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          reasoning,
        },
        logprobs: null,
        finish_reason: finish.finish_reason,
        stop_reason: finish.stop_reason,
        token_ids: null,
        routed_experts: null,
      }],
      service_tier: null,
      system_fingerprint: SYSTEM_FINGERPRINT,
      usage: bodyUsage(usage),
      prompt_logprobs: null,
      prompt_token_ids: null,
      prompt_text: null,
      kv_transfer_params: null,
      ec_transfer_params: null,
      metrics: null,
    };
  }
  return {
    id: ctx.id,
    object: "text_completion",
    created: ctx.created,
    model: ctx.model,
    choices: [{
      index: 0,
      text,
      logprobs: null,
      finish_reason: finish.finish_reason,
      stop_reason: finish.stop_reason,
      token_ids: null,
      prompt_logprobs: null,
      prompt_token_ids: null,
      routed_experts: null,
    }],
    service_tier: null,
    system_fingerprint: SYSTEM_FINGERPRINT,
    usage: bodyUsage(usage),
    kv_transfer_params: null,
    ec_transfer_params: null,
    metrics: null,
  };
}
