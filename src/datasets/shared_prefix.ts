/**
 * Shared-prefix workloads without a trace, as SGLang's generated-shared-prefix dataset and
 * GuideLLM's prefix buckets make them: `prefixGroups` system prompts of `prefixTokens` tokens,
 * each followed in its group's requests by `inputTokens` tokens of the request's own. Request i
 * belongs to group `i mod prefixGroups` and is tagged `prefix-group-<g>`, so summaries and charts
 * can split TTFT by group, and a server's prefix cache reuses each group's prefix.
 *
 * The prefix and the rest are one prompt (one user message on the chat endpoint), so
 * `exactPromptLengths` (./exact_prompts.ts) can fit its whole length by cutting its end, never
 * the prefix.
 *
 * @module
 */

import { describeDataset } from "./describe.ts";
import type { RequestSpec } from "../types.ts";
import { createRng } from "../util/rng.ts";
import type { PromptTokenizer } from "./exact_prompts.ts";
import { blockWords, firstIds } from "./blocks.ts";
import { randomPrompt } from "./random.ts";

/** Options of {@link sharedPrefixDataset}. */
export interface SharedPrefixOptions {
  /** Tokens of each group's shared prefix (≥ 1). */
  prefixTokens: number;
  /** Number of groups, each with its own prefix (≥ 1). */
  prefixGroups: number;
  /** Tokens of each request's own text after the prefix (≥ 1). */
  inputTokens: number;
  /** Output budget in tokens, sent as `max_tokens` (≥ 1). */
  outputTokens: number;
  /** Number of requests; undefined = an endless sequence. */
  count?: number;
  /** Seed of prefixes and texts (default 0). */
  seed?: number;
  /** Also send `ignore_eos: true` (vLLM only). */
  ignoreEos?: boolean;
  /**
   * The groups' prefix texts, e.g. fitted by {@link exactSharedPrefixes}; default: each
   * `prefixTokens` words of 4 characters (one estimated token each).
   */
  prefixes?: readonly string[];
}

/** Seed offset of the prefixes (apart from trace blocks and the requests' own words). */
const PREFIX_SEED = 0x1b873593;

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`sharedPrefixDataset: ${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}

/**
 * Requests in `prefixGroups` groups sharing a prefix each, deterministic for a seed, iterable
 * several times with the same requests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedPrefixDataset } from "./shared_prefix.ts";
 * const [a, b, c] = sharedPrefixDataset({
 *   prefixTokens: 8, prefixGroups: 2, inputTokens: 4, outputTokens: 16, count: 3,
 * });
 * assert.deepEqual([a.tag, b.tag, c.tag], ["prefix-group-0", "prefix-group-1", "prefix-group-0"]);
 * assert.equal(a.prompt!.slice(0, 32), c.prompt!.slice(0, 32)); // 8 tokens of 4 characters
 * assert.notEqual(a.prompt!.slice(32), c.prompt!.slice(32));
 * ```
 */
export function sharedPrefixDataset(options: SharedPrefixOptions): Iterable<RequestSpec> {
  const prefixTokens = positiveInteger("prefixTokens", options.prefixTokens);
  const groups = positiveInteger("prefixGroups", options.prefixGroups);
  const inputTokens = positiveInteger("inputTokens", options.inputTokens);
  const outputTokens = positiveInteger("outputTokens", options.outputTokens);
  const { count, seed = 0 } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`sharedPrefixDataset: count must be an integer ≥ 0, got ${count}`);
  }
  const prefixes = options.prefixes ?? estimatedPrefixes(seed, prefixTokens, groups);
  if (prefixes.length !== groups || prefixes.some((p) => typeof p !== "string" || p === "")) {
    throw new RangeError(
      `sharedPrefixDataset: prefixes must be ${groups} non-empty strings, one per group`,
    );
  }
  const params: Record<string, unknown> = options.ignoreEos ? { ignore_eos: true } : {};
  const settings = {
    prefix_tokens: prefixTokens,
    prefix_groups: groups,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    seed,
    count: count ?? null,
    ignore_eos: options.ignoreEos === true,
  };
  return describeDataset({
    *[Symbol.iterator]() {
      const rng = createRng(seed);
      for (let i = 0; count === undefined || i < count; i++) {
        const group = i % groups;
        yield {
          prompt: prefixes[group] + randomPrompt(rng, inputTokens),
          max_tokens: outputTokens,
          params: { ...params },
          tag: `prefix-group-${group}`,
          prompt_tokens_estimate: prefixTokens + inputTokens,
          prompt_tokens_requested: prefixTokens + inputTokens,
        };
      }
    },
  }, { name: "shared-prefix", settings });
}

/** Each group's prefix as words of one estimated token each. */
function estimatedPrefixes(seed: number, tokens: number, groups: number): string[] {
  return Array.from({ length: groups }, (_, g) => blockWords(seed ^ PREFIX_SEED, g, tokens));
}

/**
 * The groups' prefixes exactly `prefixTokens` token ids each in the server's tokenizer: the text
 * of the first ids of each group's words, for {@link SharedPrefixOptions.prefixes}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactSharedPrefixes } from "./shared_prefix.ts";
 * import { serverTokenizer } from "./exact_prompts.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "completions" });
 *   const prefixes = await exactSharedPrefixes(tokenizer!, { prefixTokens: 40, prefixGroups: 2 });
 *   assert.deepEqual(
 *     await Promise.all(prefixes.map(async (p) => (await tokenizer!.tokenize(p)).length)),
 *     [40, 40],
 *   );
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function exactSharedPrefixes(
  tokenizer: PromptTokenizer,
  options: Pick<SharedPrefixOptions, "prefixTokens" | "prefixGroups" | "seed">,
): Promise<string[]> {
  const tokens = positiveInteger("prefixTokens", options.prefixTokens);
  const groups = positiveInteger("prefixGroups", options.prefixGroups);
  const words = estimatedPrefixes(options.seed ?? 0, tokens, groups);
  return await Promise.all(words.map(async (text, g) => {
    const ids = firstIds(await tokenizer.tokenize(text), tokens, `prefix of group ${g}`);
    return await tokenizer.detokenize(ids);
  }));
}
