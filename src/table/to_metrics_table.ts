/**
 * The server's state over a run as a table: one row per scrape of `/metrics` and vLLM series.
 *
 * @module
 */

import { type ColumnTable, table } from "../deps/arquero.ts";
import type { Run } from "../types.ts";
import { asRuns } from "./runs.ts";

/**
 * One row per scrape and series of `meta.server_metrics` (collected with `scrapeInterval`), long
 * format: `run_id`, `label`, `at_ms` (epoch ms of the scrape), `t_s` (seconds since the run's
 * first request started, else its `started_ms`: the time axis of `plot.inFlight`), `metric` (the
 * name, e.g.
 * `vllm:kv_cache_usage_perc`), `series` (name with labels), `type` (`gauge` or `counter`) and
 * `value` (a counter's running total; null when the series was absent from that scrape). A run
 * without server metrics adds no rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toMetricsTable } from "./to_metrics_table.ts";
 * import { makeRun } from "./_fixtures.ts";
 * const run = makeRun([]); // in real use, a run collected with scrapeInterval
 * run.meta.server_metrics = {
 *   url: "http://127.0.0.1:8000/metrics", interval_ms: 1000, at_ms: [run.meta.started_ms + 500],
 *   values: { 'vllm:num_requests_running{engine="0"}': [3] },
 *   types: { "vllm:num_requests_running": "gauge" }, failures: 0, skipped: 0, last_error: null,
 * };
 * const [row] = toMetricsTable(run).objects() as Record<string, unknown>[];
 * assert.deepEqual(
 *   { t_s: row.t_s, metric: row.metric, type: row.type, value: row.value },
 *   { t_s: 0.5, metric: "vllm:num_requests_running", type: "gauge", value: 3 },
 * );
 * ```
 */
export function toMetricsTable(input: Run | Run[]): ColumnTable {
  const runs = asRuns(input, "toMetricsTable");
  const c: Record<string, unknown[]> = {
    run_id: [],
    label: [],
    at_ms: [],
    t_s: [],
    metric: [],
    series: [],
    type: [],
    value: [],
  };
  for (const run of runs) {
    const scraped = run.meta.server_metrics;
    if (!scraped) continue;
    const t0 = firstStartMs(run);
    for (const [series, values] of Object.entries(scraped.values)) {
      const metric = series.split("{", 1)[0];
      const type = scraped.types[metric] ?? null;
      scraped.at_ms.forEach((at, i) => {
        c.run_id.push(run.meta.run_id);
        c.label.push(run.meta.label);
        c.at_ms.push(at);
        c.t_s.push((at - t0) / 1000);
        c.metric.push(metric);
        c.series.push(series);
        c.type.push(type);
        c.value.push(values[i] ?? null);
      });
    }
  }
  return table(c);
}

/** The earliest request start of `run`, or its `started_ms` when it has no request. */
function firstStartMs(run: Run): number {
  let first = Infinity;
  for (const r of run.requests) if (r.start_ms < first) first = r.start_ms;
  return first === Infinity ? run.meta.started_ms : first;
}
