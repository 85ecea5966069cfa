/**
 * The server's prefix-cache hit rate over a run, from the `/metrics` scrapes taken before and
 * after it: vLLM counts `vllm:prefix_cache_queries_total` and `vllm:prefix_cache_hits_total` in
 * prompt tokens.
 *
 * @module
 */

import type { RunMeta } from "../types.ts";

/** Prompt tokens the prefix cache was asked for and found during a run. */
export interface PrefixCacheUse {
  /** Prompt tokens looked up in the cache (`vllm:prefix_cache_queries_total` delta). */
  queried_tokens: number;
  /** Of those, tokens found cached (`vllm:prefix_cache_hits_total` delta). */
  hit_tokens: number;
  /** hit_tokens / queried_tokens; null when nothing was queried. */
  hit_rate: number | null;
}

const QUERIES = "vllm:prefix_cache_queries_total";
const HITS = "vllm:prefix_cache_hits_total";

/**
 * The run's prefix-cache use (after − before, summed over the series of every engine and
 * model), or null without scrapes or without those counters (prefix caching off, another server).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prefixCacheUse } from "./prefix_cache.ts";
 * const snapshot = (queries: number, hits: number) => ({
 *   at_ms: 0,
 *   values: {
 *     'vllm:prefix_cache_queries_total{engine="0"}': queries,
 *     'vllm:prefix_cache_hits_total{engine="0"}': hits,
 *   },
 * });
 * const use = prefixCacheUse({ prometheus: { before: snapshot(100, 0), after: snapshot(500, 300) } });
 * assert.deepEqual(use, { queried_tokens: 400, hit_tokens: 300, hit_rate: 0.75 });
 * ```
 */
export function prefixCacheUse(meta: Pick<RunMeta, "prometheus">): PrefixCacheUse | null {
  if (meta.prometheus === null) return null;
  const { before, after } = meta.prometheus;
  const delta = (family: string): number | null => {
    const keys = Object.keys(after.values).filter((k) =>
      k === family || k.startsWith(family + "{")
    );
    if (keys.length === 0) return null;
    return keys.reduce((sum, key) => sum + after.values[key] - (before.values[key] ?? 0), 0);
  };
  const queried = delta(QUERIES);
  const hits = delta(HITS);
  if (queried === null || hits === null) return null;
  return {
    queried_tokens: queried,
    hit_tokens: hits,
    hit_rate: queried > 0 ? hits / queried : null,
  };
}
