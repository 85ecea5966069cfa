/**
 * The requests of a bench invocation, from --dataset and its flags.
 *
 * @module
 */

import type { RequestSpec } from "../types.ts";
import { randomDataset } from "../datasets/random.ts";
import { sharegptDataset } from "../datasets/sharegpt.ts";
import { jsonlDataset } from "../datasets/jsonl.ts";
import { repeatEndlessly } from "../datasets/shuffle.ts";
import { exactTraceDataset, readTrace, traceDataset } from "../datasets/trace.ts";
import { exactSharedPrefixes, sharedPrefixDataset } from "../datasets/shared_prefix.ts";
import {
  exactPromptLengths,
  prebuildExactPrompts,
  type PromptTokenizer,
  serverTokenizer,
  TokenizerError,
} from "../datasets/exact_prompts.ts";
import { parseServerUrl } from "../collect/options.ts";
import type { BenchArgs } from "./bench_args.ts";
import { conversationRequests } from "./bench_conversations.ts";

/**
 * An endless sequence of requests for `collect` (bounded by its count or duration): random
 * prompts, or the file's requests repeated. Files are read (and checked) here, so a bad file
 * fails before anything is sent. With a shard, collect takes every N-th request, so shards
 * send different prompts from the same seeded sequence.
 */
export function benchRequests(
  args: BenchArgs,
): Iterable<RequestSpec> | AsyncIterable<RequestSpec> {
  const withIgnoreEos = (specs: RequestSpec[]) =>
    args.ignoreEos
      ? specs.map((s) => ({ ...s, params: { ...s.params, ignore_eos: true } }))
      : specs;
  switch (args.dataset) {
    case "random":
      if (args.prefixTokens !== null) return sharedPrefixDataset(sharedPrefixOptions(args));
      return randomDataset({
        inputTokens: args.inputTokens,
        outputTokens: args.outputTokens,
        rangeRatio: args.rangeRatio,
        seed: args.seed,
        ignoreEos: args.ignoreEos,
      });
    case "sharegpt":
      return repeatEndlessly(withIgnoreEos(sharegptDataset(args.datasetPath!, {
        seed: args.seed,
        outputTokens: args.outputTokensGiven ? args.outputTokens : undefined,
      })));
    case "jsonl": {
      const specs = jsonlDataset(args.datasetPath!);
      const sized = args.outputTokensGiven
        ? specs.map((s) => ({ ...s, max_tokens: args.outputTokens }))
        : specs;
      return repeatEndlessly(withIgnoreEos(sized));
    }
    case "trace": // once through, each request at its recorded time
      return traceDataset(readTrace(args.datasetPath!), traceOptions(args));
    case "conversations": // turn by turn, each after the previous answer (src/datasets/conversations.ts)
      return conversationRequests(args);
  }
}

/** The shared-prefix workload's settings from the flags. */
function sharedPrefixOptions(
  args: Pick<
    BenchArgs,
    "prefixTokens" | "prefixGroups" | "inputTokens" | "outputTokens" | "seed" | "ignoreEos"
  >,
) {
  return {
    prefixTokens: args.prefixTokens!,
    prefixGroups: args.prefixGroups,
    inputTokens: args.inputTokens,
    outputTokens: args.outputTokens,
    seed: args.seed,
    ignoreEos: args.ignoreEos,
  };
}

/** The trace replay's settings from the flags. */
function traceOptions(args: Pick<BenchArgs, "timeScale" | "seed" | "ignoreEos">) {
  return { timeScale: args.timeScale, seed: args.seed, ignoreEos: args.ignoreEos };
}

/**
 * The random dataset's prompts cut to exactly their requested length in the server's own tokens
 * (its `POST /tokenize`, see src/datasets/exact_prompts.ts), and a trace's blocks and prompts
 * fitted likewise, all before the run (src/datasets/trace.ts); other datasets as they are. With
 * --requests the prompts are fitted before the run; with --duration, a few ahead while it runs. A
 * server without /tokenize keeps the estimate (4 characters a token), and `warn` says so.
 */
export async function tokenizedRequests(
  requests: Iterable<RequestSpec> | AsyncIterable<RequestSpec>,
  args: Pick<
    BenchArgs,
    | "dataset"
    | "datasetPath"
    | "timeScale"
    | "seed"
    | "ignoreEos"
    | "prefixTokens"
    | "prefixGroups"
    | "inputTokens"
    | "outputTokens"
    | "model"
    | "endpoint"
    | "apiKey"
    | "requests"
    | "shard"
    | "turns"
    | "thinkTimeMs"
    | "thinkTimeDistribution"
    | "outputTokensGiven"
  >,
  url: string,
  warn: (message: string) => void,
): Promise<Iterable<RequestSpec> | AsyncIterable<RequestSpec>> {
  const generated = args.dataset === "conversations" && args.datasetPath === null;
  if (args.dataset !== "random" && args.dataset !== "trace" && !generated) return requests;
  const address = parseServerUrl(url);
  const headers: Record<string, string> = {};
  if (args.apiKey !== null) headers.authorization = `Bearer ${args.apiKey}`;
  else if (address.basicAuth !== null) headers.authorization = `Basic ${btoa(address.basicAuth)}`;
  let tokenizer: PromptTokenizer | null;
  try {
    tokenizer = await serverTokenizer({
      url: address.base,
      model: args.model,
      endpoint: args.endpoint,
      headers,
    });
  } catch (error) {
    if (!(error instanceof TokenizerError)) throw error;
    warn(`${error.message}: ${args.dataset} prompt lengths are estimated at 4 characters a token`);
    return requests;
  }
  if (tokenizer === null) {
    warn(
      `the server has no POST /tokenize: ${args.dataset} prompt lengths are estimated at 4 characters ` +
        "a token; prompt_tokens shows what the server counted",
    );
    return requests;
  }
  if (args.dataset === "conversations") return conversationRequests(args, tokenizer);
  if (args.dataset === "trace") {
    return await exactTraceDataset(readTrace(args.datasetPath!), tokenizer, traceOptions(args));
  }
  let specs = requests as Iterable<RequestSpec>; // random: benchRequests gave a sync iterable
  if (args.prefixTokens !== null) {
    // Each group's prefix exact on its own, then each whole prompt cut at its end.
    const prefixes = await exactSharedPrefixes(tokenizer, sharedPrefixOptions(args));
    specs = sharedPrefixDataset({ ...sharedPrefixOptions(args), prefixes });
  }
  // With a known count, every prompt the runs will take is fitted before the first is sent (a
  // shard takes every N-th spec: its share spans the whole sequence, plus one stride).
  if (args.requests === null) return exactPromptLengths(specs, tokenizer);
  return await prebuildExactPrompts(specs, tokenizer, args.requests + (args.shard?.count ?? 0));
}
