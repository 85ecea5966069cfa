/**
 * Aggregates of a request table: statistics, throughput and goodput per group.
 *
 * @module
 */

export { defaultMetrics, summarize, type SummarizeOptions } from "./summarize.ts";
export { percentile } from "./percentile.ts";
export { describe, type MetricStats } from "./describe.ts";
export { percentileColumn } from "./percentile_column.ts";
export { meetsSlo, type SloOptions } from "./goodput.ts";
export { type PrefixCacheUse, prefixCacheUse } from "./prefix_cache.ts";
