/**
 * Prompts of an exact token count, measured by the server's own tokenizer: vLLM's
 * `POST /tokenize` and `POST /detokenize` (the "Tokenizer API"; the simulator serves both too).
 *
 * A random prompt of `n` tokens is made by tokenizing its random words, keeping the first ids,
 * turning them back into text, and counting that text as the request will be counted (the
 * completions prompt with its special tokens, or the chat message with the chat template).
 * Detokenizing and tokenizing again can merge or split pieces at the cut, so the cut is moved
 * until the count is exact (a few rounds at most); the cut that worked for a length is cached and
 * tried first for the next prompt of that length.
 *
 * @module
 */

import type { Endpoint, RequestSpec } from "../types.ts";
import { mapAhead } from "./map_ahead.ts";

/** A server's tokenizer, as the prompt builder uses it. */
export interface PromptTokenizer {
  /** The ids of a text, without special tokens. */
  tokenize(text: string): Promise<number[]>;
  /** The text of ids. */
  detokenize(ids: readonly number[]): Promise<string>;
  /** The prompt tokens the server will count for a request carrying this text. */
  countPrompt(text: string): Promise<number>;
}

/** Where the tokenizer is. */
export interface ServerTokenizerOptions {
  /** Server base URL (without `/v1`). */
  url: string;
  /** Model name sent with each call; omitted when undefined or "auto" (the served model). */
  model?: string;
  /** How the requests will be sent: completions prompts or chat messages. */
  endpoint: Endpoint;
  /** Headers sent with each call (authorization). */
  headers?: Record<string, string>;
}

/** The server answered the Tokenizer API with something unusable. */
export class TokenizerError extends Error {
  /** Creates the error with its message. */
  constructor(message: string) {
    super(message);
    this.name = "TokenizerError";
  }
}

/**
 * The server's tokenizer, or null when it has none (`/tokenize` answers 404 or 405, as servers
 * other than vLLM do). Any other failure throws a {@link TokenizerError} saying what and where.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverTokenizer } from "./exact_prompts.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "completions" });
 *   assert.ok(tokenizer !== null); // null: the server has no /tokenize
 *   assert.equal(await tokenizer.countPrompt("abc def ghi jkl "), 4);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function serverTokenizer(
  options: ServerTokenizerOptions,
): Promise<PromptTokenizer | null> {
  const base = options.url.replace(/\/+$/, "").replace(/\/v1$/, "");
  const model = options.model === undefined || options.model === "auto"
    ? {}
    : { model: options.model };
  const call = async (path: string, body: Record<string, unknown>): Promise<unknown> => {
    const where = `POST ${base}${path}`;
    let response: Response;
    try {
      response = await fetch(base + path, {
        method: "POST",
        headers: { ...options.headers, "content-type": "application/json" },
        body: JSON.stringify({ ...model, ...body }),
      });
    } catch (error) {
      throw new TokenizerError(`${where} failed: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new TokenizerError(`${where} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TokenizerError(`${where} answered non-JSON: ${text.slice(0, 200)}`);
    }
  };
  const ids = (value: unknown, where: string): number[] => {
    const tokens = (value as { tokens?: unknown })?.tokens;
    if (!Array.isArray(tokens) || !tokens.every(Number.isInteger)) {
      throw new TokenizerError(`${where} answered without a list of token ids`);
    }
    return tokens as number[];
  };
  const probe = await fetch(`${base}/tokenize`, {
    method: "POST",
    headers: { ...options.headers, "content-type": "application/json" },
    body: JSON.stringify({ ...model, prompt: "probe" }),
  }).catch((error) => {
    throw new TokenizerError(`POST ${base}/tokenize failed: ${(error as Error).message}`);
  });
  await probe.body?.cancel();
  if (probe.status === 404 || probe.status === 405) return null;
  return {
    tokenize: async (text) =>
      ids(await call("/tokenize", { prompt: text, add_special_tokens: false }), "/tokenize"),
    detokenize: async (tokens) => {
      const answer = await call("/detokenize", { tokens });
      const prompt = (answer as { prompt?: unknown })?.prompt;
      if (typeof prompt !== "string") throw new TokenizerError("/detokenize answered no prompt");
      return prompt;
    },
    countPrompt: async (text) => {
      const body = options.endpoint === "chat"
        ? { messages: [{ role: "user", content: text }], add_generation_prompt: true }
        : { prompt: text };
      const count = (await call("/tokenize", body) as { count?: unknown })?.count;
      if (!Number.isInteger(count)) throw new TokenizerError("/tokenize answered no count");
      return count as number;
    },
  };
}

/** A prompt and the server's count of it. */
export interface FittedPrompt {
  prompt: string;
  /** Prompt tokens the server counts for it (equal to the target unless it could not be met). */
  tokens: number;
}

/** Rounds of cut-and-count before settling for the closest count. */
const MAX_ROUNDS = 6;

/**
 * Fits random texts to exact token counts with one tokenizer, remembering per target length how
 * many raw ids gave that length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PromptFitter, serverTokenizer } from "./exact_prompts.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "completions" });
 *   const fitted = await new PromptFitter(tokenizer!).fit("abc def ghi jkl mno pqr", 4);
 *   assert.deepEqual(fitted, { prompt: "abc def ghi jkl ", tokens: 4 });
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export class PromptFitter {
  readonly #tokenizer: PromptTokenizer;
  /** Target length → raw ids that gave it last time. */
  readonly #cutByLength = new Map<number, number>();

  /** A fitter asking the given tokenizer. */
  constructor(tokenizer: PromptTokenizer) {
    this.#tokenizer = tokenizer;
  }

  /** A prefix of `text` (repeated if too short) that the server counts as `target` tokens. */
  async fit(text: string, target: number): Promise<FittedPrompt> {
    if (!Number.isInteger(target) || target < 1) {
      throw new RangeError(`PromptFitter.fit: target must be an integer ≥ 1, got ${target}`);
    }
    let ids = await this.#tokenizer.tokenize(text);
    if (ids.length === 0) throw new RangeError("PromptFitter.fit: the text has no tokens");
    let cut = Math.max(1, this.#cutByLength.get(target) ?? target);
    let best: FittedPrompt | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      while (ids.length < cut) ids = ids.concat(ids); // long enough to cut
      const prompt = await this.#tokenizer.detokenize(ids.slice(0, cut));
      const tokens = await this.#tokenizer.countPrompt(prompt);
      if (best === null || Math.abs(tokens - target) < Math.abs(best.tokens - target)) {
        best = { prompt, tokens };
      }
      if (tokens === target) {
        this.#cutByLength.set(target, cut);
        break;
      }
      const next = Math.max(1, cut + target - tokens);
      if (next === cut) break; // the template alone is longer than the target
      cut = next;
    }
    return best!;
  }
}

/** Options of {@link exactPromptLengths}. */
export interface ExactPromptOptions {
  /** Prompts built ahead of the one asked for, so the load generator does not wait. Default 16. */
  prefetch?: number;
}

/**
 * The specs with each prompt cut to exactly its requested length in the server's tokens
 * (`prompt_tokens_requested`, else `prompt_tokens_estimate`): `prompt_tokens_estimate` becomes the
 * server's count. Specs without a string prompt or a length pass through unchanged. Iterable
 * several times (each iteration starts the specs again).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactPromptLengths, serverTokenizer } from "./exact_prompts.ts";
 * import { randomDataset } from "./random.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "chat" });
 *   const random = randomDataset({ inputTokens: 32, outputTokens: 16, count: 3 });
 *   const specs = await Array.fromAsync(exactPromptLengths(random, tokenizer!));
 *   for (const spec of specs) {
 *     assert.equal(await tokenizer!.countPrompt(spec.prompt!), 32);
 *     assert.equal(spec.prompt_tokens_estimate, 32);
 *   }
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export function exactPromptLengths(
  specs: Iterable<RequestSpec>,
  tokenizer: PromptTokenizer,
  options: ExactPromptOptions = {},
): AsyncIterable<RequestSpec> {
  const prefetch = options.prefetch ?? 16;
  if (!Number.isInteger(prefetch) || prefetch < 1) {
    throw new RangeError(`exactPromptLengths: prefetch must be an integer ≥ 1, got ${prefetch}`);
  }
  const fitter = new PromptFitter(tokenizer);
  const exact = async (spec: RequestSpec): Promise<RequestSpec> => {
    const target = spec.prompt_tokens_requested ?? spec.prompt_tokens_estimate;
    if (typeof spec.prompt !== "string" || target === undefined) return spec;
    const fitted = await fitter.fit(spec.prompt, target);
    return {
      ...spec,
      prompt: fitted.prompt,
      prompt_tokens_requested: target,
      prompt_tokens_estimate: fitted.tokens,
    };
  };
  return mapAhead(specs, exact, prefetch);
}

/**
 * As {@link exactPromptLengths}, with the first `count` prompts fitted now, before any request is
 * sent, so the server's tokenizer is not busy with /tokenize calls during the measured run; any
 * prompt after them is fitted when needed. Each iteration yields the same prebuilt prompts first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prebuildExactPrompts, serverTokenizer } from "./exact_prompts.ts";
 * import { randomDataset } from "./random.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "chat" });
 *   const random = randomDataset({ inputTokens: 64, outputTokens: 16, count: 3 });
 *   const specs = await prebuildExactPrompts(random, tokenizer!, 2); // 2 now, the rest later
 *   const lengths = (await Array.fromAsync(specs)).map((s) => s.prompt_tokens_estimate);
 *   assert.deepEqual(lengths, [64, 64, 64]);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function prebuildExactPrompts(
  specs: Iterable<RequestSpec>,
  tokenizer: PromptTokenizer,
  count: number,
  options: ExactPromptOptions = {},
): Promise<AsyncIterable<RequestSpec>> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`prebuildExactPrompts: count must be an integer ≥ 0, got ${count}`);
  }
  const head: RequestSpec[] = [];
  if (count > 0) {
    for await (const spec of exactPromptLengths(specs, tokenizer, options)) {
      if (head.push(spec) === count) break;
    }
  }
  const rest = exactPromptLengths(skipFirst(specs, head.length), tokenizer, options);
  return {
    async *[Symbol.asyncIterator]() {
      yield* head;
      if (head.length === count) yield* rest;
    },
  };
}

/** The specs after the first `count`, taken from a fresh iteration each time. */
function skipFirst(specs: Iterable<RequestSpec>, count: number): Iterable<RequestSpec> {
  return {
    *[Symbol.iterator]() {
      let index = 0;
      for (const spec of specs) if (index++ >= count) yield spec;
    },
  };
}
