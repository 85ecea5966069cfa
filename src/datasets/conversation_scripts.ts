/**
 * Scripts for {@link conversationsDataset}: generated conversations (random words, like the
 * random dataset, optionally cut to exact token counts with the server's tokenizer) and the
 * multi-turn conversations of a ShareGPT file. A script holds only the user messages: the
 * answers in the history are the model's own, generated during the run.
 *
 * @module
 */

import { createRng } from "../util/rng.ts";
import { estimateTokens } from "../util/tokens.ts";
import type { ConversationScript, ScriptTurn } from "./conversations.ts";
import { PromptFitter, type PromptTokenizer } from "./exact_prompts.ts";
import { randomPrompt } from "./random.ts";
import { GPT_ROLES, HUMAN_ROLES, readSharegptFile, type SharegptTurn } from "./sharegpt.ts";
import { seededShuffle, takeCycling } from "./shuffle.ts";
import { datasetInfoOf, describeDataset, textSha256 } from "./describe.ts";
import { mapAhead } from "./map_ahead.ts";

/** Conversations fitted ahead of their start, so a start does not wait for /tokenize. */
const PREFETCH_SCRIPTS = 4;

/** Options of {@link generatedConversations}. */
export interface GeneratedConversationsOptions {
  /** User messages per conversation (≥ 1). */
  turns: number;
  /** Tokens of each user message (≥ 1): random 3-letter words, one token each by estimate. */
  inputTokens: number;
  /** `max_tokens` of each answer (≥ 1). */
  outputTokens: number;
  /** Number of conversations; undefined = endless (bound the run with collect's count/duration). */
  count?: number;
  /** Seed of the words (default 0). */
  seed?: number;
}

function positiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${where}: ${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}

/**
 * Conversations of `turns` user messages of `inputTokens` random words each, deterministic for a
 * seed; ids `conv-0`, `conv-1`, ... Iterable several times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generatedConversations } from "./conversation_scripts.ts";
 * const [first] = generatedConversations({ turns: 3, inputTokens: 8, outputTokens: 16, count: 1 });
 * assert.equal(first.id, "conv-0");
 * assert.deepEqual(first.turns.map((t) => t.content.split(" ").length), [8, 8, 8]);
 * assert.equal(first.turns[0].max_tokens, 16);
 * ```
 */
export function generatedConversations(
  options: GeneratedConversationsOptions,
): Iterable<ConversationScript> {
  const where = "generatedConversations";
  const turns = positiveInteger(where, "turns", options.turns);
  const inputTokens = positiveInteger(where, "inputTokens", options.inputTokens);
  const outputTokens = positiveInteger(where, "outputTokens", options.outputTokens);
  const { count, seed = 0 } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`${where}: count must be an integer ≥ 0, got ${String(count)}`);
  }
  const settings = { turns, input_tokens: inputTokens, output_tokens: outputTokens, seed };
  return describeDataset({
    *[Symbol.iterator]() {
      const rng = createRng(seed);
      for (let i = 0; count === undefined || i < count; i++) {
        const messages: ScriptTurn[] = [];
        for (let t = 0; t < turns; t++) {
          messages.push({
            content: randomPrompt(rng, inputTokens),
            max_tokens: outputTokens,
            content_tokens_requested: inputTokens,
          });
        }
        yield { id: `conv-${i}`, turns: messages };
      }
    },
  }, { name: "generated-conversations", settings: { ...settings, count: count ?? null } });
}

/**
 * The scripts with each user message cut to exactly its `content_tokens_requested` tokens of the
 * server's tokenizer (the message's own tokens, without chat template); messages without a
 * requested length pass through. Conversations are fitted a few ahead of their start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactConversationTurns, generatedConversations } from "./conversation_scripts.ts";
 * import { serverTokenizer } from "./exact_prompts.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "chat" });
 *   const scripts = generatedConversations({ turns: 2, inputTokens: 12, outputTokens: 4, count: 1 });
 *   const [script] = await Array.fromAsync(exactConversationTurns(scripts, tokenizer!));
 *   for (const turn of script.turns) {
 *     assert.equal((await tokenizer!.tokenize(turn.content)).length, 12);
 *   }
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export function exactConversationTurns(
  scripts: Iterable<ConversationScript>,
  tokenizer: PromptTokenizer,
): AsyncIterable<ConversationScript> {
  // The message's own tokens: a turn is appended to a history, so no template is counted.
  const fitter = new PromptFitter({
    ...tokenizer,
    countPrompt: async (text) => (await tokenizer.tokenize(text)).length,
  });
  const exactTurn = async (turn: ScriptTurn): Promise<ScriptTurn> => {
    if (turn.content_tokens_requested === undefined) return turn;
    const fitted = await fitter.fit(turn.content, turn.content_tokens_requested);
    return { ...turn, content: fitted.prompt };
  };
  const exactScript = async (script: ConversationScript) => ({
    ...script,
    turns: await Promise.all(script.turns.map(exactTurn)),
  });
  const exact = mapAhead(scripts, exactScript, PREFETCH_SCRIPTS);
  const info = datasetInfoOf(scripts);
  return info === null ? exact : describeDataset(exact, { ...info, name: `${info.name}-exact` });
}

/** Options of {@link sharegptConversations}. */
export interface SharegptConversationsOptions {
  /** Number of conversations; default every usable one. More than the file has → repeated. */
  count?: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Shuffle the conversations (default true). */
  shuffle?: boolean;
  /** Most user messages played per conversation (default all). */
  turns?: number;
  /** Fixed `max_tokens` of every answer instead of the recorded reply's length estimate. */
  outputTokens?: number;
}

/**
 * The multi-turn conversations of a ShareGPT file: from the first human turn, each human message
 * followed by a gpt reply is one user turn, with `max_tokens` the recorded reply's length at 4
 * characters a token (or `outputTokens`). The recorded replies are never sent: the history gets
 * the model's own answers. A conversation stops at the first turn out of the human/gpt order.
 * Ids are the file's `id` (else `sharegpt-<entry>`), with `#2`, `#3`, ... on repeats.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharegptConversations } from "./conversation_scripts.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".json" });
 * Deno.writeTextFileSync(path, JSON.stringify([{ id: "x", conversations: [
 *   { from: "human", value: "Hi" }, { from: "gpt", value: "Hello there!" },
 *   { from: "human", value: "How are you?" }, { from: "gpt", value: "Fine." }] }]));
 * const [script] = sharegptConversations(path);
 * assert.deepEqual(script, { id: "x", turns: [
 *   { content: "Hi", max_tokens: 3 }, { content: "How are you?", max_tokens: 2 }] });
 * Deno.removeSync(path);
 * ```
 */
export function sharegptConversations(
  path: string,
  options: SharegptConversationsOptions = {},
): ConversationScript[] {
  const { count, seed = 0, shuffle = true, turns, outputTokens } = options;
  const where = "sharegptConversations";
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`${where}: count must be an integer ≥ 0, got ${String(count)}`);
  }
  if (turns !== undefined) positiveInteger(where, "turns", turns);
  if (outputTokens !== undefined) positiveInteger(where, "outputTokens", outputTokens);
  const { text, entries } = readSharegptFile(path);
  const usable: ConversationScript[] = [];
  entries.forEach((entry, i) => {
    const played = userTurns(entry.turns, outputTokens).slice(0, turns);
    if (played.length > 0) usable.push({ id: entry.id ?? `sharegpt-${i}`, turns: played });
  });
  if (usable.length === 0) {
    throw new Error(
      `sharegpt dataset ${path}: no usable conversation (need a human turn followed by a gpt reply) among ${entries.length} entries`,
    );
  }
  const ordered = shuffle ? seededShuffle(usable, seed) : usable;
  return describeDataset(
    count === undefined ? ordered : withRepeatIds(takeCycling(ordered, count)),
    {
      name: "sharegpt-conversations",
      path,
      sha256: textSha256(text),
      settings: {
        count: count ?? null,
        seed,
        shuffle,
        turns: turns ?? null,
        output_tokens: outputTokens ?? null,
      },
    },
  );
}

/** The (human, gpt) pairs from the first human turn on, as user turns. */
function userTurns(turns: SharegptTurn[], outputTokens: number | undefined): ScriptTurn[] {
  const played: ScriptTurn[] = [];
  let at = turns.findIndex((t) => HUMAN_ROLES.has(t.from));
  while (at >= 0 && at + 1 < turns.length) {
    const [human, reply] = [turns[at], turns[at + 1]];
    if (!HUMAN_ROLES.has(human.from) || !GPT_ROLES.has(reply.from)) break;
    const maxTokens = outputTokens ?? estimateTokens(reply.value);
    if (human.value.length === 0 || maxTokens === 0) break;
    played.push({ content: human.value, max_tokens: maxTokens });
    at += 2;
  }
  return played;
}

/** Repeated conversations get distinct ids: `id`, `id#2`, `id#3`, ... */
function withRepeatIds(scripts: ConversationScript[]): ConversationScript[] {
  const seen = new Map<string, number>();
  return scripts.map((script) => {
    const n = (seen.get(script.id) ?? 0) + 1;
    seen.set(script.id, n);
    return n === 1 ? script : { ...script, id: `${script.id}#${n}` };
  });
}
