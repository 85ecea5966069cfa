/**
 * Validation of `/v1/chat/completions` and `/v1/completions` bodies, with vLLM's error statuses
 * and shapes, into the few numbers the simulator needs.
 *
 * @module
 */
import { estimateTokens } from "../util/tokens.ts";
import {
  badRequest,
  modelNotFound,
  paramError,
  pyFloat,
  type SimError,
  validationError,
} from "./errors.ts";

/** Which endpoint a body was sent to. */
export type SimEndpoint = "chat" | "completions";

/** A valid completion request, reduced to what the simulator uses. */
export interface ParsedRequest {
  endpoint: SimEndpoint;
  stream: boolean;
  /** `stream_options.include_usage`. */
  include_usage: boolean;
  /** `stream_options.continuous_usage_stats` (only effective with include_usage). */
  continuous_usage: boolean;
  /** estimateTokens of the prompt or of the concatenated message contents (≥ 1). */
  prompt_tokens: number;
  /** The text those tokens are counted from (prefix caching); null for a token-id prompt. */
  prompt_text: string | null;
  /** Effective output budget: max_tokens / max_completion_tokens, or the default, capped by the context. */
  max_tokens: number;
  /** `min_tokens` (default 0). */
  min_tokens: number;
  ignore_eos: boolean;
  /** Sampling parameters with vLLM's defaults (1.0, 1.0, 1). */
  temperature: number;
  top_p: number;
  n: number;
  /** The body's `request_id` (a vLLM extension), if any. */
  body_request_id: string | null;
}

/** Limits and names the validation needs. */
export interface RequestContext {
  model: string;
  defaultMaxTokens: number;
  maxModelLen: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messageText(content: unknown): string | null {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    let out = "";
    for (const part of content) {
      if (!isObject(part)) return null;
      if (typeof part.text === "string") out += part.text;
    }
    return out;
  }
  return null;
}

/** The text of chat messages as the simulator counts it (contents concatenated), or the error. */
export function chatPrompt(messages: unknown): string | SimError {
  if (!Array.isArray(messages)) {
    return validationError("messages", "Input should be a valid list", "list_type");
  }
  if (messages.length === 0) {
    return badRequest("messages must contain at least one message", "messages");
  }
  let text = "";
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message) || typeof message.role !== "string") {
      return validationError(`messages.${i}.role`, "Field required", "missing");
    }
    const part = messageText(message.content);
    if (part === null) {
      return validationError(
        `messages.${i}.content`,
        "Input should be a valid string",
        "string_type",
      );
    }
    text += part;
  }
  return text;
}

function completionPromptTokens(prompt: unknown): number | SimError {
  if (typeof prompt === "string") return estimateTokens(prompt);
  if (Array.isArray(prompt)) {
    if (prompt.length === 0) return badRequest("prompt must not be empty", "prompt");
    if (prompt.every((t) => Number.isInteger(t))) return prompt.length;
    if (prompt.length > 1) {
      return badRequest("the simulator supports one prompt per request", "prompt");
    }
    return completionPromptTokens(prompt[0]);
  }
  if (prompt === undefined) return validationError("prompt", "Field required", "missing");
  return validationError("prompt", "Input should be a valid string", "string_type");
}

function optionalInt(body: Record<string, unknown>, key: string): number | null | SimError {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value)) {
    return validationError(key, "Input should be a valid integer", "int_type");
  }
  return value as number;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | null | SimError {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return validationError(key, "Input should be a valid number", "float_type");
  }
  return value;
}

function optionalBool(body: Record<string, unknown>, key: string): boolean | null | SimError {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "boolean") {
    return validationError(key, "Input should be a valid boolean", "bool_type");
  }
  return value;
}

function isError(value: unknown): value is SimError {
  return isObject(value) && typeof value.status === "number" && "body" in value;
}

/**
 * Validates a parsed JSON body. Returns the request, or the error vLLM would answer
 * (400 "Bad Request" for schema errors, 400 BadRequestError for semantic ones, 404 for an
 * unknown model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCompletionRequest } from "./request.ts";
 * const ctx = { model: "m", defaultMaxTokens: 16, maxModelLen: 8192 };
 * const r = parseCompletionRequest("completions", { model: "m", prompt: "abcdabcd" }, ctx);
 * assert.ok("prompt_tokens" in r); // else r is the error response
 * assert.deepEqual([r.prompt_tokens, r.max_tokens], [2, 16]);
 * ```
 */
export function parseCompletionRequest(
  endpoint: SimEndpoint,
  body: unknown,
  ctx: RequestContext,
): ParsedRequest | SimError {
  if (!isObject(body)) {
    return validationError(
      "body",
      "Input should be a valid dictionary or object to extract fields from",
      "model_attributes_type",
    );
  }
  if (body.model !== undefined && body.model !== null) {
    if (typeof body.model !== "string") {
      return validationError("model", "Input should be a valid string", "string_type");
    }
    if (body.model !== ctx.model) return modelNotFound(body.model, ctx.model);
  }
  let promptTokens: number;
  let promptText: string | null = null;
  if (endpoint === "chat") {
    const text = chatPrompt(body.messages);
    if (typeof text !== "string") return text;
    promptTokens = Math.max(1, estimateTokens(text));
    promptText = text;
  } else {
    if (typeof body.prompt === "string") promptText = body.prompt;
    const tokens = completionPromptTokens(body.prompt);
    if (typeof tokens !== "number") return tokens;
    promptTokens = Math.max(1, tokens);
  }

  const stream = optionalBool(body, "stream");
  if (isError(stream)) return stream;
  const ignoreEos = optionalBool(body, "ignore_eos");
  if (isError(ignoreEos)) return ignoreEos;
  let includeUsage = false;
  let continuousUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!isObject(body.stream_options)) {
      return validationError("stream_options", "Input should be a valid dictionary", "dict_type");
    }
    if (stream !== true) {
      return paramError(
        "Stream options can only be defined when `stream=True`.",
        "stream_options",
        null,
      );
    }
    includeUsage = body.stream_options.include_usage === true;
    continuousUsage = includeUsage && body.stream_options.continuous_usage_stats === true;
  }

  const maxTokensKey = endpoint === "chat" && body.max_completion_tokens !== undefined &&
      body.max_completion_tokens !== null
    ? "max_completion_tokens"
    : "max_tokens";
  const maxTokens = optionalInt(body, maxTokensKey);
  if (isError(maxTokens)) return maxTokens;
  if (maxTokens !== null && maxTokens < 1) return maxTokensTooSmall(maxTokens);
  const minTokens = optionalInt(body, "min_tokens");
  if (isError(minTokens)) return minTokens;
  if (minTokens !== null && minTokens < 0) {
    return badRequest(
      `min_tokens must be greater than or equal to 0, got ${minTokens}.`,
      "min_tokens",
    );
  }
  const n = optionalInt(body, "n");
  if (isError(n)) return n;
  if (n !== null && n < 1) return badRequest(`n must be at least 1, got ${n}.`, "n");
  if (n !== null && n > 1) return badRequest("n > 1 is not supported by the simulator.", "n");
  const temperature = optionalNumber(body, "temperature");
  if (isError(temperature)) return temperature;
  if (temperature !== null && temperature < 0) {
    const value = pyFloat(temperature);
    return paramError(`temperature must be non-negative, got ${value}.`, "temperature", value);
  }
  const topP = optionalNumber(body, "top_p");
  if (isError(topP)) return topP;
  if (
    body.request_id !== undefined && body.request_id !== null && typeof body.request_id !== "string"
  ) {
    return validationError("request_id", "Input should be a valid string", "string_type");
  }

  const contextError = checkContextLength(promptTokens, maxTokens, ctx.maxModelLen);
  if (contextError) return contextError;
  // As vLLM 0.32.0: an output budget past the context is cut to what the context has left.
  const effectiveMax = Math.min(maxTokens ?? ctx.defaultMaxTokens, ctx.maxModelLen - promptTokens);
  return {
    endpoint,
    stream: stream === true,
    include_usage: includeUsage,
    continuous_usage: continuousUsage,
    prompt_tokens: promptTokens,
    prompt_text: promptText,
    max_tokens: effectiveMax,
    min_tokens: Math.min(minTokens ?? 0, effectiveMax),
    ignore_eos: ignoreEos === true,
    temperature: temperature ?? 1.0,
    top_p: topP ?? 1.0,
    n: n ?? 1,
    body_request_id: typeof body.request_id === "string" ? body.request_id : null,
  };
}

function maxTokensTooSmall(maxTokens: number): SimError {
  return paramError(
    `max_tokens must be at least 1, got ${maxTokens}.`,
    "max_tokens",
    `${maxTokens}`,
  );
}

/**
 * vLLM 0.32.0's context-length errors: max_tokens over the context; a prompt over it (vLLM stops
 * tokenizing at max_model_len + 1, hence "at least"); a prompt that fills it, which leaves
 * max_tokens 0. A prompt plus max_tokens over the context is not an error.
 */
function checkContextLength(
  promptTokens: number,
  maxTokens: number | null,
  maxModelLen: number,
): SimError | null {
  if (maxTokens !== null && maxTokens > maxModelLen) {
    return paramError(
      `max_tokens=${maxTokens} cannot be greater than max_model_len=${maxModelLen}. Please request fewer output tokens.`,
      "max_tokens",
      `${maxTokens}`,
    );
  }
  if (promptTokens > maxModelLen) {
    const atLeast = maxModelLen + 1;
    return paramError(
      `This model's maximum context length is ${maxModelLen} tokens. However, your prompt contains at least ${atLeast} input tokens, which exceeds this limit even without any output tokens. Please reduce the length of the input prompt.`,
      "input_tokens",
      `${atLeast}`,
    );
  }
  if (promptTokens === maxModelLen) return maxTokensTooSmall(0);
  return null;
}

/** Whether a value returned by {@link parseCompletionRequest} is an error. */
export function isSimError(value: ParsedRequest | SimError): value is SimError {
  return isError(value);
}
