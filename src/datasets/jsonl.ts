/**
 * The JSONL dataset: your own requests, one JSON object per line.
 *
 * Each line is `{ "prompt": "..." }` (completions style) or `{ "messages": [...] }` (chat
 * style), optionally with `max_tokens` and `tag`; every other key (temperature, stop, seed,
 * ignore_eos, ...) is passed through to the request body. Blank lines are skipped.
 *
 * @module
 */

import type { ChatMessage, RequestSpec } from "../types.ts";
import { estimateTokens } from "../util/tokens.ts";
import { describeDataset, textSha256 } from "./describe.ts";
import { readDatasetText } from "./read_text.ts";
import { describeJson as describe, parseJsonLines } from "./json_lines.ts";
import { seededShuffle, takeCycling } from "./shuffle.ts";

/** Options of {@link jsonlDataset}. */
export interface JsonlDatasetOptions {
  /** Number of requests. Default: every line. More than the file has → lines are repeated. */
  count?: number;
  /** Shuffle the lines with `seed` before taking `count` (default false: file order). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

function messageText(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  if (!Array.isArray(message.content)) return "";
  return message.content
    .map((part) => (part as { text?: unknown })?.text)
    .filter((t): t is string => typeof t === "string")
    .join(" ");
}

/** Turns one line's object into a request; throws a message (without location) when it is bad. */
function parseLine(value: Record<string, unknown>): RequestSpec {
  const { prompt, messages, max_tokens, tag, ...params } = value;
  if (prompt !== undefined && messages !== undefined) {
    throw `has both "prompt" and "messages"; give one`;
  }
  if (prompt === undefined && messages === undefined) {
    throw `needs "prompt" (a string) or "messages" (an array of {role, content})`;
  }
  if (max_tokens !== undefined && (!Number.isInteger(max_tokens) || (max_tokens as number) < 1)) {
    throw `"max_tokens" must be an integer ≥ 1, got ${JSON.stringify(max_tokens)}`;
  }
  if (tag !== undefined && typeof tag !== "string") {
    throw `"tag" must be a string, got ${describe(tag)}`;
  }
  const spec: RequestSpec = { params };
  if (max_tokens !== undefined) spec.max_tokens = max_tokens as number;
  if (tag !== undefined) spec.tag = tag as string;
  if (prompt !== undefined) {
    if (typeof prompt !== "string" || prompt.length === 0) {
      throw `"prompt" must be a non-empty string, got ${describe(prompt)}`;
    }
    spec.prompt = prompt;
    spec.prompt_tokens_estimate = estimateTokens(prompt);
  } else {
    if (!Array.isArray(messages) || messages.length === 0) {
      throw `"messages" must be a non-empty array, got ${describe(messages)}`;
    }
    messages.forEach((m: unknown, i: number) => {
      const role = (m as { role?: unknown } | null)?.role;
      if (m === null || typeof m !== "object" || Array.isArray(m) || typeof role !== "string") {
        throw `messages[${i}] must be an object with a string "role", got ${
          JSON.stringify(m)?.slice(0, 80)
        }`;
      }
    });
    spec.messages = messages as ChatMessage[];
    spec.prompt_tokens_estimate = estimateTokens(spec.messages.map(messageText).join("\n"));
  }
  return spec;
}

/**
 * Reads a JSONL file of requests. Throws an Error naming the file, the line and what is wrong
 * at the first bad line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonlDataset } from "./jsonl.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".jsonl" });
 * Deno.writeTextFileSync(path, '{"prompt": "Hello", "max_tokens": 8, "temperature": 0}\n');
 * const [first] = jsonlDataset(path);
 * assert.equal(first.prompt, "Hello");
 * assert.deepEqual(first.params, { temperature: 0 }); // unknown keys become sampling params
 * Deno.removeSync(path);
 * ```
 */
export function jsonlDataset(path: string, options: JsonlDatasetOptions = {}): RequestSpec[] {
  const { count, shuffle = false, seed = 0 } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`jsonlDataset: count must be an integer ≥ 0, got ${String(count)}`);
  }
  const text = readDatasetText(path, "jsonl");
  const specs = parseJsonLines(text, path, "jsonl", parseLine);
  const ordered = shuffle ? seededShuffle(specs, seed) : specs;
  return describeDataset(count === undefined ? ordered : takeCycling(ordered, count), {
    name: "jsonl",
    path,
    sha256: textSha256(text),
    settings: { count: count ?? null, seed, shuffle },
  });
}
