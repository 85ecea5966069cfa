/**
 * The generated answer of one response, kept only when a multi-turn conversation needs it for
 * its next turn's history (`RequestSpec.conversation.answered`). It never goes into the record:
 * answers can be large and private.
 *
 * The answer is what a chat client would send back as the assistant's message: the `content` of
 * the first choice (index 0). Reasoning (`reasoning`, `reasoning_content`) and tool-call
 * arguments are left out, as vLLM's docs say to leave reasoning out of the next turn's messages.
 * For the completions endpoint it is the first choice's `text`.
 *
 * @module
 */

import type { Endpoint } from "../types.ts";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The answer text in one choice (a stream delta, or a whole message), else "". */
function choiceAnswer(choice: unknown, endpoint: Endpoint, streamed: boolean): string {
  if (!isObject(choice)) return "";
  if (choice.index !== undefined && choice.index !== 0) return "";
  if (endpoint === "completions") return typeof choice.text === "string" ? choice.text : "";
  const part = streamed ? choice.delta : choice.message;
  return isObject(part) && typeof part.content === "string" ? part.content : "";
}

/**
 * Accumulates the answer text of a response, message by message (streamed) or at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AnswerText } from "./answer_text.ts";
 * const answer = new AnswerText("chat");
 * answer.addStreamed({ choices: [{ index: 0, delta: { role: "assistant", content: "" } }] });
 * answer.addStreamed({ choices: [{ index: 0, delta: { reasoning: "hmm", content: "Hi" } }] });
 * answer.addStreamed({ choices: [{ index: 0, delta: { content: " there" } }] });
 * assert.equal(answer.text, "Hi there"); // reasoning left out
 * ```
 */
export class AnswerText {
  readonly #endpoint: Endpoint;
  #pieces: string[] = [];

  /** An empty answer of a response from the given endpoint. */
  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }

  /** Adds one parsed SSE message. */
  addStreamed(message: unknown): void {
    if (!isObject(message) || !Array.isArray(message.choices)) return;
    for (const choice of message.choices) {
      const text = choiceAnswer(choice, this.#endpoint, true);
      if (text.length > 0) this.#pieces.push(text);
    }
  }

  /** Adds a whole (non-streamed) response body. */
  addResponse(response: unknown): void {
    if (!isObject(response) || !Array.isArray(response.choices)) return;
    const first = response.choices.find((c) => isObject(c) && (c.index ?? 0) === 0);
    const text = choiceAnswer(first, this.#endpoint, false);
    if (text.length > 0) this.#pieces.push(text);
  }

  /** The text so far. */
  get text(): string {
    if (this.#pieces.length > 1) this.#pieces = [this.#pieces.join("")];
    return this.#pieces[0] ?? "";
  }
}
