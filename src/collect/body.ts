/**
 * Request bodies: turning a {@link RequestSpec} into the JSON vLLM's OpenAI-compatible endpoints
 * take, and checking a spec before anything is sent.
 *
 * @module
 */

import type { ChatMessage, Endpoint, RequestSpec } from "../types.ts";
import { estimateTokens } from "../util/tokens.ts";
import { describeValue } from "../util/options.ts";

/** Settings shared by every body of a run. */
export interface BodySettings {
  endpoint: Endpoint;
  model: string;
  stream: boolean;
  /** Ask for `stream_options.continuous_usage_stats` (token counts on every chunk). */
  continuousUsage: boolean;
  /** Run-wide body parameters; a spec's own `params` override them. */
  params: Record<string, unknown>;
}

/** A body ready to send. */
export interface PreparedBody {
  /** The JSON text to POST. */
  text: string;
  /** Every body member except the prompt/messages (what the record keeps as `params`). */
  params: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks that a spec can be sent to the endpoint; throws a TypeError/RangeError naming
 * `where` (e.g. `requests[3]`) and the problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateSpec } from "./body.ts";
 * validateSpec({ prompt: "Hi" }, "chat", "requests[0]"); // ok: becomes one user message
 * assert.throws(() => validateSpec({}, "chat", "requests[1]"), {
 *   message: "requests[1] has neither messages nor prompt: the chat endpoint needs one of them",
 * });
 * ```
 */
export function validateSpec(spec: unknown, endpoint: Endpoint, where: string): void {
  if (!isPlainObject(spec)) {
    throw new TypeError(`${where} must be a RequestSpec object, got ${describeValue(spec)}`);
  }
  const s = spec as RequestSpec;
  if (endpoint === "chat") {
    const okMessages = Array.isArray(s.messages) && s.messages.length > 0 &&
      s.messages.every((m) => isPlainObject(m) && typeof m.role === "string");
    if (s.messages !== undefined && !okMessages) {
      throw new TypeError(
        `${where}.messages must be a non-empty array of {role, content} messages`,
      );
    }
    if (!okMessages && typeof s.prompt !== "string") {
      throw new TypeError(
        `${where} has neither messages nor prompt: the chat endpoint needs one of them`,
      );
    }
  } else if (typeof s.prompt !== "string") {
    throw new TypeError(
      `${where} has no prompt string: the completions endpoint needs one (messages are for "chat")`,
    );
  }
  if (
    s.max_tokens !== undefined &&
    (!Number.isInteger(s.max_tokens) || (s.max_tokens as number) < 1)
  ) {
    throw new RangeError(`${where}.max_tokens must be a positive integer, got ${s.max_tokens}`);
  }
  if (s.params !== undefined && !isPlainObject(s.params)) {
    throw new TypeError(`${where}.params must be an object, got ${describeValue(s.params)}`);
  }
  const sendAt = s.send_at_ms as unknown;
  if (sendAt !== undefined && !(typeof sendAt === "number" && sendAt >= 0 && sendAt < Infinity)) {
    throw new RangeError(`${where}.send_at_ms must be a finite number ≥ 0, got ${String(sendAt)}`);
  }
  if (s.conversation !== undefined) validateConversation(s.conversation, `${where}.conversation`);
}

/** A spec's conversation turn: an id string, a turn integer ≥ 1, an optional callback. */
function validateConversation(turn: unknown, where: string): void {
  if (!isPlainObject(turn) || typeof turn.id !== "string") {
    throw new TypeError(`${where} must be {id: string, turn: number}, got ${describeValue(turn)}`);
  }
  if (!Number.isInteger(turn.turn) || (turn.turn as number) < 1) {
    throw new RangeError(`${where}.turn must be an integer ≥ 1, got ${String(turn.turn)}`);
  }
  if (turn.answered !== undefined && typeof turn.answered !== "function") {
    throw new TypeError(
      `${where}.answered must be a function, got ${describeValue(turn.answered)}`,
    );
  }
}

/**
 * The body for one spec. Members are, in order of precedence: `stream` and `stream_options`
 * (include_usage always on when streaming, plus continuous_usage_stats when asked), the spec's
 * `max_tokens`, the spec's params, the run's params, `model`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepareBody } from "./body.ts";
 * const body = prepareBody({ prompt: "Hi", max_tokens: 8 }, {
 *   endpoint: "chat", model: "m", stream: true, continuousUsage: false, params: { temperature: 0 },
 * });
 * assert.deepEqual(JSON.parse(body.text).messages, [{ role: "user", content: "Hi" }]);
 * ```
 */
export function prepareBody(spec: RequestSpec, settings: BodySettings): PreparedBody {
  const params: Record<string, unknown> = {
    model: settings.model,
    ...settings.params,
    ...(spec.params ?? {}),
  };
  if (spec.max_tokens !== undefined) params.max_tokens = spec.max_tokens;
  params.stream = settings.stream;
  if (settings.stream) {
    const given = isPlainObject(params.stream_options) ? params.stream_options : {};
    params.stream_options = {
      include_usage: true,
      ...(settings.continuousUsage ? { continuous_usage_stats: true } : {}),
      ...given,
    };
  }
  delete params.messages;
  delete params.prompt;
  const body: Record<string, unknown> = { ...params };
  if (settings.endpoint === "chat") {
    body.messages = spec.messages !== undefined && spec.messages.length > 0
      ? spec.messages
      : [{ role: "user", content: spec.prompt ?? "" } satisfies ChatMessage];
  } else {
    body.prompt = spec.prompt;
  }
  return { text: JSON.stringify(body), params };
}

/**
 * The spec's own prompt-length estimate, else {@link estimateTokens} over its prompt or the text
 * of its messages (string contents and `text` parts).
 */
export function estimatePromptTokens(spec: RequestSpec): number {
  if (typeof spec.prompt_tokens_estimate === "number") return spec.prompt_tokens_estimate;
  if (spec.messages !== undefined && spec.messages.length > 0) {
    let text = "";
    for (const message of spec.messages) {
      if (typeof message.content === "string") text += message.content;
      else if (Array.isArray(message.content)) {
        for (const part of message.content) {
          if (isPlainObject(part) && typeof part.text === "string") text += part.text;
        }
      }
    }
    return estimateTokens(text);
  }
  return estimateTokens(spec.prompt ?? "");
}
