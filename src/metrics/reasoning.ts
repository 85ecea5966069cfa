/**
 * Reasoning models: which part of a chat delta is reasoning, and what the server's usage says
 * about reasoning tokens. `StreamMetricsBuilder` (./client.ts) uses these to fill a record's
 * `ttfot_ms`, `reasoning_tokens` and `reasoning_chunks`; the definitions are in docs/metrics.md,
 * "Reasoning models".
 *
 * vLLM's field names, by version (vllm-project/vllm):
 * - `delta.reasoning_content` / `message.reasoning_content`: the original (DeepSeek) name;
 * - `reasoning` since #27752 (Nov 2025), which kept `reasoning_content` as an equal copy;
 * - `reasoning` only since #33402 (2026-01-30), e.g. vLLM 0.32.
 * - `usage.completion_tokens_details.reasoning_tokens`: chat usage, only when the server runs a
 *   reasoning parser, since #45802 (mid-2026); older servers send no count at all.
 *
 * @module
 */

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The reasoning text of a chat `delta` (or non-streamed `message`): `reasoning`, else the older
 * `reasoning_content`; "" when it has neither. When a server sends both (vLLM between #27752 and
 * #33402 kept them equal), only `reasoning` is read, so nothing is counted twice.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reasoningText } from "./reasoning.ts";
 * assert.equal(reasoningText({ reasoning: " so" }), " so");
 * assert.equal(reasoningText({ reasoning_content: " so" }), " so");
 * assert.equal(reasoningText({ reasoning: " so", reasoning_content: " so" }), " so");
 * assert.equal(reasoningText({ content: "Hi", reasoning_content: null }), "");
 * ```
 */
export function reasoningText(part: Obj): string {
  if (typeof part.reasoning === "string" && part.reasoning.length > 0) return part.reasoning;
  if (typeof part.reasoning_content === "string") return part.reasoning_content;
  return "";
}

/**
 * The reasoning tokens a `usage` object reports (`completion_tokens_details.reasoning_tokens`),
 * when it is a finite number ≥ 0; else null (absent, null, or not a count). A server's 0 is kept:
 * it is the server's word (note that a vLLM reasoning parser without its own counter reports 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageReasoningTokens } from "./reasoning.ts";
 * const usage = { completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 6 } };
 * assert.equal(usageReasoningTokens(usage), 6);
 * assert.equal(usageReasoningTokens({ completion_tokens: 9 }), null); // the server did not say
 * assert.equal(usageReasoningTokens({ completion_tokens_details: null }), null);
 * ```
 */
export function usageReasoningTokens(usage: unknown): number | null {
  if (!isObject(usage) || !isObject(usage.completion_tokens_details)) return null;
  const tokens = usage.completion_tokens_details.reasoning_tokens;
  return typeof tokens === "number" && Number.isFinite(tokens) && tokens >= 0 ? tokens : null;
}
