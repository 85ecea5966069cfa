/**
 * The ShareGPT dataset: real conversations, as `vllm bench serve --dataset-name sharegpt` uses
 * them (e.g. `ShareGPT_V3_unfiltered_cleaned_split.json`).
 *
 * File format: a JSON array of `{ id?, conversations: [{ from: "human" | "gpt", value }] }`.
 * The first human turn is the prompt; the length of the gpt reply that follows it, estimated
 * at 4 characters per token, becomes `max_tokens` (unless `outputTokens` is given).
 * Conversations without a human turn followed by a gpt reply are skipped, as vLLM skips
 * conversations with fewer than two turns.
 *
 * @module
 */

import type { RequestSpec } from "../types.ts";
import { estimateTokens } from "../util/tokens.ts";
import { describeDataset, textSha256 } from "./describe.ts";
import { readDatasetText } from "./read_text.ts";
import { seededShuffle, takeCycling } from "./shuffle.ts";
import { jsonErrorLine, lineOf, topLevelArrayElementOffsets } from "./text_position.ts";

/** Options of {@link sharegptDataset}. */
export interface SharegptDatasetOptions {
  /**
   * Number of requests. Default: every usable conversation. More than the file has → the
   * shuffled conversations are repeated.
   */
  count?: number;
  /** Seed of the shuffle (default 0). The order is the file's own only with `shuffle: false`. */
  seed?: number;
  /** Shuffle the conversations before taking `count` (default true, as vLLM does). */
  shuffle?: boolean;
  /** Fixed `max_tokens` for every request instead of the reply-length estimate. */
  outputTokens?: number;
}

/** ShareGPT's names of the user's turns. */
export const HUMAN_ROLES: ReadonlySet<string> = new Set(["human", "user"]);
/** ShareGPT's names of the model's turns. */
export const GPT_ROLES: ReadonlySet<string> = new Set(["gpt", "assistant", "chatgpt"]);

/** One turn of a ShareGPT conversation: who spoke (`human`, `gpt`, ...) and what. */
export interface SharegptTurn {
  from: string;
  value: string;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Reads a ShareGPT JSON file into requests (prompt + max_tokens), shuffled with a seed.
 * Throws an Error naming the file and the line of the bad entry when the file is not valid
 * ShareGPT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharegptDataset } from "./sharegpt.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".json" });
 * Deno.writeTextFileSync(path, JSON.stringify([{ conversations: [
 *   { from: "human", value: "Hi there" }, { from: "gpt", value: "Hello! How can I help?" }] }]));
 * assert.deepEqual(sharegptDataset(path)[0], {
 *   prompt: "Hi there", max_tokens: 6, params: {}, tag: "sharegpt", prompt_tokens_estimate: 2,
 * });
 * Deno.removeSync(path);
 * ```
 */
export function sharegptDataset(path: string, options: SharegptDatasetOptions = {}): RequestSpec[] {
  const { count, seed = 0, shuffle = true, outputTokens } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`sharegptDataset: count must be an integer ≥ 0, got ${String(count)}`);
  }
  if (outputTokens !== undefined && (!Number.isInteger(outputTokens) || outputTokens < 1)) {
    throw new RangeError(
      `sharegptDataset: outputTokens must be an integer ≥ 1, got ${String(outputTokens)}`,
    );
  }
  const { text, entries } = readSharegptFile(path);

  const usable: RequestSpec[] = [];
  entries.forEach(({ turns }) => {
    const humanAt = turns.findIndex((t) => HUMAN_ROLES.has(t.from));
    if (humanAt < 0 || humanAt + 1 >= turns.length) return;
    const reply = turns[humanAt + 1];
    if (!GPT_ROLES.has(reply.from)) return;
    const prompt = turns[humanAt].value;
    const replyTokens = estimateTokens(reply.value);
    if (prompt.length === 0 || (outputTokens === undefined && replyTokens === 0)) return;
    usable.push({
      prompt,
      max_tokens: outputTokens ?? replyTokens,
      params: {},
      tag: "sharegpt",
      prompt_tokens_estimate: estimateTokens(prompt),
    });
  });
  if (usable.length === 0) {
    throw new Error(
      `sharegpt dataset ${path}: no usable conversation (need a human turn followed by a gpt reply) among ${entries.length} entries`,
    );
  }
  const ordered = shuffle ? seededShuffle(usable, seed) : usable;
  return describeDataset(count === undefined ? ordered : takeCycling(ordered, count), {
    name: "sharegpt",
    path,
    sha256: textSha256(text),
    settings: { count: count ?? null, seed, shuffle, output_tokens: outputTokens ?? null },
  });
}

/** One entry of a ShareGPT file: its `id` (when a string) and its checked turns. */
export interface SharegptEntry {
  id: string | null;
  turns: SharegptTurn[];
}

/**
 * The entries of a ShareGPT file, each checked: throws an Error naming the file and the line of
 * the first bad entry (invalid JSON, not an array, an entry without `conversations`, a turn that
 * is not `{from, value}` strings).
 */
export function readSharegptFile(path: string): { text: string; entries: SharegptEntry[] } {
  const text = readDatasetText(path, "sharegpt");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`sharegpt dataset ${path}${line ? `:${line}` : ""}: invalid JSON: ${reason}`);
  }
  if (!Array.isArray(data)) {
    throw new Error(
      `sharegpt dataset ${path}:1: expected a JSON array of conversations, got ${describe(data)}`,
    );
  }
  // Element offsets are only needed to put a line number on an error; computed on demand.
  let offsets: number[] | undefined;
  const where = (i: number) => {
    offsets ??= topLevelArrayElementOffsets(text);
    return `${path}:${lineOf(text, offsets[i] ?? 0)}`;
  };
  return {
    text,
    entries: data.map((entry: unknown, i: number) => ({
      id: typeof (entry as { id?: unknown })?.id === "string" ? (entry as { id: string }).id : null,
      turns: conversationTurns(entry, () => `sharegpt dataset ${where(i)} (entry ${i})`),
    })),
  };
}

function conversationTurns(entry: unknown, where: () => string): SharegptTurn[] {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new Error(`${where()}: expected an object with "conversations", got ${describe(entry)}`);
  }
  const conversations = (entry as { conversations?: unknown }).conversations;
  if (!Array.isArray(conversations)) {
    throw new Error(
      `${where()}: "conversations" must be an array, got ${
        conversations === undefined ? "nothing" : describe(conversations)
      }`,
    );
  }
  return conversations.map((turn: unknown, t: number) => {
    const { from, value } = (turn ?? {}) as { from?: unknown; value?: unknown };
    if (typeof from !== "string" || typeof value !== "string") {
      throw new Error(
        `${where()}: conversations[${t}] must be {from: string, value: string}, got ${
          JSON.stringify(turn)?.slice(0, 80)
        }`,
      );
    }
    return { from, value };
  });
}
