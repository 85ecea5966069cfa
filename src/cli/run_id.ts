/**
 * Run ids that the N shards of one distributed run agree on without talking to each other.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { BenchArgs } from "./bench_args.ts";

/**
 * A run id derived from the flags that define the load (not --shard, --out, --api-key, ...),
 * so every shard started with the same flags gets the same id: `<label>-<12 hex>`.
 * Two invocations with identical flags on different days get the same id too — pass
 * --run-id to tell them apart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deriveRunId } from "./run_id.ts";
 * import { parseBenchArgs } from "./bench_args.ts";
 * const first = deriveRunId(parseBenchArgs(["--rate", "4", "--shard", "0/2"]));
 * const second = deriveRunId(parseBenchArgs(["--rate", "4", "--shard", "1/2"]));
 * assert.match(first, /^bench-[0-9a-f]{12}$/);
 * assert.equal(second, first); // both shards of one run agree
 * ```
 */
export function deriveRunId(args: BenchArgs): string {
  const defining = {
    url: args.url,
    model: args.model,
    endpoint: args.endpoint,
    dataset: args.dataset,
    datasetPath: args.datasetPath,
    inputTokens: args.inputTokens,
    outputTokens: args.outputTokens,
    rangeRatio: args.rangeRatio,
    ignoreEos: args.ignoreEos,
    requests: args.requests,
    durationS: args.durationS,
    concurrencies: args.concurrencies.map((c) => c ?? null),
    rates: args.rates.map((r) => r ?? null),
    burstiness: args.burstiness,
    warmup: args.warmup,
    seed: args.seed,
    stream: args.stream,
    extraBody: args.extraBody,
    label: args.label,
    shardCount: args.shard?.count ?? 1,
  };
  const hash = createHash("sha256").update(JSON.stringify(defining)).digest("hex").slice(0, 12);
  return `${args.label}-${hash}`;
}
