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
import type { BenchArgs } from "./bench_args.ts";

/**
 * An endless sequence of requests for `collect` (bounded by its count or duration): random
 * prompts, or the file's requests repeated. Files are read (and checked) here, so a bad file
 * fails before anything is sent. With a shard, collect takes every N-th request, so shards
 * send different prompts from the same seeded sequence.
 */
export function benchRequests(args: BenchArgs): Iterable<RequestSpec> {
  const withIgnoreEos = (specs: RequestSpec[]) =>
    args.ignoreEos
      ? specs.map((s) => ({ ...s, params: { ...s.params, ignore_eos: true } }))
      : specs;
  switch (args.dataset) {
    case "random":
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
  }
}
