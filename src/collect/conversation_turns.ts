/**
 * collect's side of multi-turn conversations (`RequestSpec.conversation`, see
 * src/datasets/conversations.ts): the answer of a turn is captured only when its conversation
 * asks for it, handed over when the request has finished, and never stored in the record.
 *
 * @module
 */

import type { Endpoint, RequestRecord, RequestSpec } from "../types.ts";
import { AnswerText } from "./answer_text.ts";

/** An empty answer to fill when the spec's conversation wants it, else undefined (no capture). */
export function answerSink(spec: RequestSpec, endpoint: Endpoint): AnswerText | undefined {
  return spec.conversation?.answered !== undefined ? new AnswerText(endpoint) : undefined;
}

/**
 * Tells the spec's conversation that its request finished: the record, and the answer when the
 * request succeeded (null when it failed). What the callback throws is kept in `errors`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answerSink, tellConversation } from "./conversation_turns.ts";
 * import { makeRecord } from "../table/_fixtures.ts";
 * const heard: (string | null)[] = [];
 * const spec = { prompt: "Hi", conversation: { id: "c", turn: 1, answered: (_r: unknown, a: string | null) => heard.push(a) } };
 * const answer = answerSink(spec, "chat")!;
 * answer.addStreamed({ choices: [{ index: 0, delta: { content: "Hello" } }] });
 * tellConversation(spec, makeRecord({ success: true }), answer, []);
 * tellConversation(spec, makeRecord({ success: false }), answer, []);
 * assert.deepEqual(heard, ["Hello", null]);
 * ```
 */
export function tellConversation(
  spec: RequestSpec,
  record: RequestRecord,
  answer: AnswerText | undefined,
  errors: unknown[],
): void {
  try {
    spec.conversation?.answered?.(record, record.success && answer ? answer.text : null);
  } catch (err) {
    errors.push(err);
  }
}

/**
 * The promise's value, or undefined as soon as `signal` aborts. A conversation source waits for
 * answers and think times before it gives its next spec, so collect must not wait for it past
 * its duration or a stop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { untilAborted } from "./conversation_turns.ts";
 * const never = new Promise<number>(() => {});
 * assert.equal(await untilAborted(never, AbortSignal.abort()), undefined);
 * assert.equal(await untilAborted(Promise.resolve(1), new AbortController().signal), 1);
 * ```
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {}); // not awaited: the run is over
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
