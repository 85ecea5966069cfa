/**
 * Multi-turn conversations played turn by turn: each turn's request carries the whole history,
 * with the model's **actual** previous answers (the text it generated, not a dataset's recorded
 * reply), and the next turn goes only after the previous answer arrived plus a think time.
 *
 * {@link conversationsDataset} is an async iterable of {@link RequestSpec}s for `collect`. Many
 * conversations are interleaved: when `collect` asks for the next request, a follow-up turn that
 * is ready (its answer arrived and its think time passed) goes first, else a new conversation
 * starts, so collect's rate and concurrency pace the conversation starts. Each spec carries a
 * `conversation` turn whose `answered` callback collect calls when the request finished; a
 * failed turn ends its conversation (the failure is recorded as usual). When every started
 * conversation has ended and no script is left, the iteration ends; `return()` (collect's count
 * or duration limit, an interruption) ends it at once and drops the turns not sent.
 *
 * Chat endpoint only: a history is a list of messages.
 *
 * @module
 */

import type { ChatMessage, RequestRecord, RequestSpec } from "../types.ts";
import { createRng, type Rng } from "../util/rng.ts";
import { datasetInfoOf, describeDataset } from "./describe.ts";

/** One user message of a conversation and the output budget of its answer. */
export interface ScriptTurn {
  /** The user message. */
  content: string;
  /** `max_tokens` of the answer (none sent when absent). */
  max_tokens?: number;
  /** The message length the dataset was asked for, in tokens (generated conversations). */
  content_tokens_requested?: number;
}

/** A conversation to play: its id and its user messages in order. */
export interface ConversationScript {
  /** Conversation id, copied to every turn's record (`conversation_id`). */
  id: string;
  /** The user messages, in order (at least one). */
  turns: ScriptTurn[];
}

/** How the pause between an answer and the next user message is drawn. */
export type ThinkTimeDistribution = "fixed" | "exponential";

/** Options of {@link conversationsDataset}. */
export interface ConversationsOptions {
  /** Pause between an answer's arrival and the next turn's release, ms (mean, see below). Default 0. */
  thinkTimeMs?: number;
  /** `fixed` (default): every pause is `thinkTimeMs`; `exponential`: pauses drawn with that mean. */
  thinkTimeDistribution?: ThinkTimeDistribution;
  /** Most conversations open at once (started and not ended); default unlimited. */
  maxOpen?: number;
  /** Seed of the think-time draws (default 0). */
  seed?: number;
  /** Body parameters of every request (e.g. `{ ignore_eos: true }`). */
  params?: Record<string, unknown>;
  /** The records' tag (default `"conversations"`). */
  tag?: string;
}

/** A conversation being played. */
interface OpenConversation {
  script: ConversationScript;
  /** The history so far: user messages and the actual answers. */
  messages: ChatMessage[];
  /** 0-based position of the next user message in `script.turns`. */
  next: number;
}

function checkOptions(options: ConversationsOptions): void {
  const { thinkTimeMs = 0, thinkTimeDistribution = "fixed", maxOpen, seed = 0 } = options;
  if (!(typeof thinkTimeMs === "number" && thinkTimeMs >= 0 && thinkTimeMs < Infinity)) {
    throw new RangeError(
      `conversationsDataset: thinkTimeMs must be a finite number ≥ 0, got ${String(thinkTimeMs)}`,
    );
  }
  if (thinkTimeDistribution !== "fixed" && thinkTimeDistribution !== "exponential") {
    throw new RangeError(
      `conversationsDataset: thinkTimeDistribution must be "fixed" or "exponential", got ${
        JSON.stringify(thinkTimeDistribution)
      }`,
    );
  }
  if (maxOpen !== undefined && !(Number.isInteger(maxOpen) && maxOpen >= 1)) {
    throw new RangeError(`conversationsDataset: maxOpen must be an integer ≥ 1, got ${maxOpen}`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`conversationsDataset: seed must be an integer, got ${String(seed)}`);
  }
}

/**
 * Plays conversations turn by turn for `collect` (see the module doc). The scripts may be an
 * endless iterable: bound the run with collect's `count` or `durationS`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collect } from "../collect/collect.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * import { conversationsDataset } from "./conversations.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const requests = conversationsDataset([
 *     { id: "a", turns: [{ content: "Hi", max_tokens: 4 }, { content: "And then?", max_tokens: 4 }] },
 *     { id: "b", turns: [{ content: "Hello", max_tokens: 4 }] },
 *   ], { thinkTimeMs: 10 });
 *   const run = await collect({ url: sim.url, requests, concurrency: 2 });
 *   const turns = run.requests.map((r) => `${r.conversation_id}${r.turn}`).sort();
 *   assert.deepEqual(turns, ["a1", "a2", "b1"]);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export function conversationsDataset(
  scripts: Iterable<ConversationScript> | AsyncIterable<ConversationScript>,
  options: ConversationsOptions = {},
): AsyncIterable<RequestSpec> {
  checkOptions(options);
  // The scripts' own description (file, settings) when a script function made them.
  const info = datasetInfoOf(scripts) ?? { name: "conversations", settings: {} };
  return describeDataset({
    [Symbol.asyncIterator]: () => new ConversationPlayer(scripts, options),
  }, {
    ...info,
    settings: {
      ...info.settings,
      think_time_ms: options.thinkTimeMs ?? 0,
      think_time_distribution: options.thinkTimeDistribution ?? "fixed",
      max_open: options.maxOpen ?? null,
      think_time_seed: options.seed ?? 0,
    },
  });
}

/** One iteration of {@link conversationsDataset}: its own conversations, timers and RNG. */
class ConversationPlayer implements AsyncIterator<RequestSpec> {
  readonly #scripts: Iterator<ConversationScript> | AsyncIterator<ConversationScript>;
  readonly #options: ConversationsOptions;
  readonly #rng: Rng;
  /** Follow-up turns whose think time has passed, in the order they became ready. */
  readonly #ready: RequestSpec[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #open = 0;
  #exhausted = false;
  #closed = false;
  /** Wakes a `next()` waiting for a ready turn or an ended conversation. */
  #wake: (() => void) | null = null;

  constructor(
    scripts: Iterable<ConversationScript> | AsyncIterable<ConversationScript>,
    options: ConversationsOptions,
  ) {
    const asyncScripts = scripts as AsyncIterable<ConversationScript>;
    this.#scripts = typeof asyncScripts[Symbol.asyncIterator] === "function"
      ? asyncScripts[Symbol.asyncIterator]()
      : (scripts as Iterable<ConversationScript>)[Symbol.iterator]();
    this.#options = options;
    this.#rng = createRng(options.seed ?? 0);
  }

  async next(): Promise<IteratorResult<RequestSpec>> {
    for (;;) {
      if (this.#closed) return { done: true, value: undefined };
      const ready = this.#ready.shift();
      if (ready !== undefined) return { done: false, value: ready };
      if (!this.#exhausted && this.#open < (this.#options.maxOpen ?? Infinity)) {
        const started = await this.#start();
        if (started !== null) return { done: false, value: started };
        continue;
      }
      if (this.#open === 0) return this.return();
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Ends the iteration: pending think times are dropped, later answers ignored. */
  return(): Promise<IteratorResult<RequestSpec>> {
    if (!this.#closed) {
      this.#closed = true;
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      this.#ready.length = 0;
      this.#notify();
      Promise.resolve(this.#scripts.return?.()).catch(() => {});
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  /** The first turn of the next script, or null when there is none (then exhausted). */
  async #start(): Promise<RequestSpec | null> {
    const result = await this.#scripts.next();
    if (this.#closed) return null;
    if (result.done) {
      this.#exhausted = true;
      return null;
    }
    const script = result.value;
    checkScript(script);
    this.#open++;
    return this.#turn({ script, messages: [], next: 0 });
  }

  /** The spec of the conversation's next turn (its user message joins the history). */
  #turn(conversation: OpenConversation): RequestSpec {
    const { script } = conversation;
    const turn = script.turns[conversation.next];
    conversation.next++;
    conversation.messages.push({ role: "user", content: turn.content });
    return {
      messages: conversation.messages.slice(),
      ...(turn.max_tokens !== undefined ? { max_tokens: turn.max_tokens } : {}),
      params: { ...this.#options.params },
      tag: this.#options.tag ?? "conversations",
      conversation: {
        id: script.id,
        turn: conversation.next,
        answered: (record, answer) => this.#answered(conversation, record, answer),
      },
    };
  }

  /** A turn finished: the conversation ends (failure, last turn) or its next turn is timed. */
  #answered(conversation: OpenConversation, record: RequestRecord, answer: string | null): void {
    if (this.#closed) return;
    const last = conversation.next >= conversation.script.turns.length;
    if (!record.success || answer === null || last) {
      this.#open--;
      this.#notify();
      return;
    }
    conversation.messages.push({ role: "assistant", content: answer });
    const release = () => {
      if (this.#closed) return;
      this.#ready.push(this.#turn(conversation));
      this.#notify();
    };
    const pauseMs = this.#thinkTimeMs();
    if (pauseMs <= 0) return release();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      release();
    }, pauseMs);
    this.#timers.add(timer);
  }

  #thinkTimeMs(): number {
    const mean = this.#options.thinkTimeMs ?? 0;
    if (mean === 0 || this.#options.thinkTimeDistribution !== "exponential") return mean;
    return this.#rng.exponential(mean);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/** Throws a TypeError naming the script when it cannot be played. */
function checkScript(script: ConversationScript): void {
  const where = `conversationsDataset: script ${JSON.stringify(script?.id)}`;
  if (typeof script?.id !== "string") {
    throw new TypeError(
      `conversationsDataset: a script's id must be a string, got ${typeof script?.id}`,
    );
  }
  if (!Array.isArray(script.turns) || script.turns.length === 0) {
    throw new TypeError(`${where}: turns must be a non-empty array`);
  }
  script.turns.forEach((turn, i) => {
    if (typeof turn?.content !== "string") {
      throw new TypeError(`${where}: turns[${i}].content must be a string`);
    }
  });
}
