/**
 * The random dataset: synthetic prompts of a target token length, as `vllm bench serve
 * --dataset-name random` makes, but built from text rather than token ids.
 *
 * Approximation: prompts are made of 3-letter words plus a space (4 characters per word), so
 * `estimateTokens` (src/util/tokens.ts, 4 characters per token) counts exactly one token per
 * word. A real tokenizer differs: English BPE vocabularies average roughly 4 characters per
 * token, but random letter triples often split into 2 tokens, so the server's `prompt_tokens`
 * can be larger than `inputTokens`. `exactPromptLengths` (./exact_prompts.ts) cuts each prompt to
 * exactly its length with the server's own tokenizer (`POST /tokenize`). Records keep the
 * requested length (`prompt_tokens_requested`) next to the server's count (`prompt_tokens`).
 *
 * @module
 */

import type { RequestSpec } from "../types.ts";
import { createRng, type Rng } from "../util/rng.ts";
import { describeDataset } from "./describe.ts";

/** Options of {@link randomDataset}. */
export interface RandomDatasetOptions {
  /** Target prompt length in tokens (≥ 1). */
  inputTokens: number;
  /** Output budget in tokens, sent as `max_tokens` (≥ 1). */
  outputTokens: number;
  /**
   * Lengths are drawn uniformly from [len·(1 − r), len·(1 + r)], as vLLM's `--random-range-ratio`.
   * 0 (default) = every request has exactly the target lengths. Must be in [0, 1).
   */
  rangeRatio?: number;
  /** Number of requests; undefined = an endless sequence (bound it with collect's count/duration). */
  count?: number;
  /** Seed for prompts and lengths (default 0). Same seed, same requests. */
  seed?: number;
  /** Also send `ignore_eos: true` (vLLM only) so each request generates exactly max_tokens. */
  ignoreEos?: boolean;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function requirePositiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`randomDataset: ${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}

/** A prompt of exactly `tokens` 4-character words (the last without its trailing space). */
export function randomPrompt(rng: Rng, tokens: number): string {
  const words: string[] = new Array(tokens);
  for (let i = 0; i < tokens; i++) {
    words[i] = LETTERS[rng.int(0, 25)] + LETTERS[rng.int(0, 25)] + LETTERS[rng.int(0, 25)];
  }
  return words.join(" ");
}

function lengthDrawer(rng: Rng, target: number, rangeRatio: number): () => number {
  if (rangeRatio === 0) return () => target;
  const low = Math.max(1, Math.floor(target * (1 - rangeRatio)));
  const high = Math.max(low, Math.ceil(target * (1 + rangeRatio)));
  return () => rng.int(low, high);
}

/**
 * Synthetic requests with prompts of (about) `inputTokens` tokens and `max_tokens` =
 * `outputTokens`, deterministic for a seed. The result can be iterated several times and gives
 * the same requests each time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomDataset } from "./random.ts";
 * const [first] = randomDataset({ inputTokens: 8, outputTokens: 16, count: 1 });
 * assert.equal(first.prompt?.length, 31);
 * assert.equal(first.max_tokens, 16);
 * ```
 */
export function randomDataset(options: RandomDatasetOptions): Iterable<RequestSpec> {
  const inputTokens = requirePositiveInteger("inputTokens", options.inputTokens);
  const outputTokens = requirePositiveInteger("outputTokens", options.outputTokens);
  const rangeRatio = options.rangeRatio ?? 0;
  if (typeof rangeRatio !== "number" || !(rangeRatio >= 0 && rangeRatio < 1)) {
    throw new RangeError(`randomDataset: rangeRatio must be in [0, 1), got ${String(rangeRatio)}`);
  }
  const count = options.count;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`randomDataset: count must be an integer ≥ 0, got ${String(count)}`);
  }
  const seed = options.seed ?? 0;
  const params: Record<string, unknown> = options.ignoreEos ? { ignore_eos: true } : {};
  const settings = {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    range_ratio: rangeRatio,
    seed,
    count: count ?? null,
    ignore_eos: options.ignoreEos === true,
  };
  return describeDataset({
    *[Symbol.iterator]() {
      const rng = createRng(seed);
      const inputLength = lengthDrawer(rng, inputTokens, rangeRatio);
      const outputLength = lengthDrawer(rng, outputTokens, rangeRatio);
      for (let i = 0; count === undefined || i < count; i++) {
        const promptTokens = inputLength();
        yield {
          prompt: randomPrompt(rng, promptTokens),
          max_tokens: outputLength(),
          params: { ...params },
          tag: "random",
          prompt_tokens_estimate: promptTokens,
          prompt_tokens_requested: promptTokens,
        };
      }
    },
  }, { name: "random", settings });
}
