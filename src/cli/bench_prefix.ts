/**
 * The shared-prefix part of a bench summary: TTFT by prefix group and the server's prefix-cache
 * hit rate over the run.
 *
 * @module
 */

import type { Run } from "../types.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { prefixCacheUse } from "../summarize/prefix_cache.ts";
import { alignColumns } from "../display/text_table.ts";
import { formatNumber } from "../display/format_value.ts";

/** Summary columns of the by-group table: [column, header]. */
const GROUP_COLUMNS: [string, string][] = [
  ["tag", "group"],
  ["requests", "requests"],
  ["ttft_ms_mean", "TTFT mean ms"],
  ["ttft_ms_p50", "TTFT p50 ms"],
  ["ttft_ms_p99", "TTFT p99 ms"],
];

/**
 * Lines saying the run's prefix-cache hit rate (from `/metrics`, or why it is unknown) and a
 * table of TTFT per `tag` (one row per prefix group).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPrefixGroups } from "./bench_prefix.ts";
 * import { collect } from "../collect/collect.ts";
 * import { sharedPrefixDataset } from "../datasets/shared_prefix.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator();
 * try {
 *   const requests = sharedPrefixDataset({
 *     prefixTokens: 64, prefixGroups: 2, inputTokens: 8, outputTokens: 2, count: 4,
 *   });
 *   const run = await collect({ url: sim.url, requests, concurrency: 1 });
 *   const text = formatPrefixGroups(run);
 *   assert.match(text, /prefix cache: unknown/); // collect alone does not scrape /metrics
 *   assert.match(text, /prefix-group-1 +2 /);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export function formatPrefixGroups(run: Run): string {
  const use = prefixCacheUse(run.meta);
  const rate = use === null
    ? "prefix cache: unknown (no vllm:prefix_cache_* counters scraped from /metrics)"
    : use.hit_rate === null
    ? "prefix cache: no prompt tokens queried"
    : `prefix cache hit rate ${formatNumber(use.hit_rate * 100)} % ` +
      `(${use.hit_tokens} of ${use.queried_tokens} prompt tokens, from /metrics)`;
  const summary = summarize(toTable([run]), { groupby: "tag", metrics: ["ttft_ms"] });
  const rows = (summary.objects() as Record<string, unknown>[]).map((row) =>
    GROUP_COLUMNS.map(([name]) => {
      const value = row[name];
      return typeof value === "number" ? formatNumber(value) : String(value ?? "");
    })
  );
  const table = alignColumns(
    GROUP_COLUMNS.map(([, header]) => header),
    rows,
    GROUP_COLUMNS.map(([name]) => name !== "tag"),
  );
  return `${rate}\nTTFT by prefix group:\n${table}`;
}
