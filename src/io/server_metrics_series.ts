/**
 * Building a {@link ServerMetricsSeries} one scrape at a time: by the scraper while a run is
 * measured, and by the `.jsonl` loader from the log's `{"type":"metrics"}` lines when the run
 * never wrote its closing line.
 *
 * @module
 */

import type { ServerMetricsSeries } from "../types.ts";

/** One scrape as the JSONL log keeps it: `{"type":"metrics",...sample}`. */
export interface ServerMetricsSample {
  /** The scraped URL (`<server>/metrics`). */
  url: string;
  /** The requested time between scrapes, ms. */
  interval_ms: number;
  /** Epoch ms the scrape was sent. */
  at_ms: number;
  /** Kept series key → value (null: not a finite number). */
  values: Record<string, number | null>;
  /** Metric family → `gauge` or `counter`, for the families of `values`. */
  types: Record<string, string>;
}

/**
 * A series with no scrape yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptySeries } from "./server_metrics_series.ts";
 * const series = emptySeries("http://127.0.0.1:8000/metrics", 500);
 * assert.deepEqual(series.at_ms, []);
 * assert.equal(series.failures, 0);
 * ```
 */
export function emptySeries(url: string, intervalMs: number): ServerMetricsSeries {
  return {
    url,
    interval_ms: intervalMs,
    at_ms: [],
    values: {},
    types: {},
    failures: 0,
    skipped: 0,
    last_error: null,
  };
}

/**
 * Appends one scrape as a new entry of every column: null for series it lacks, and earlier
 * entries null for series it is the first to have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendSample, emptySeries } from "./server_metrics_series.ts";
 * const series = emptySeries("http://h/metrics", 100);
 * appendSample(series, { at_ms: 1, values: { "vllm:a": 1 }, types: { "vllm:a": "gauge" } });
 * appendSample(series, { at_ms: 2, values: { "vllm:b": 5 }, types: { "vllm:b": "counter" } });
 * assert.deepEqual(series.values, { "vllm:a": [1, null], "vllm:b": [null, 5] });
 * assert.deepEqual(series.at_ms, [1, 2]);
 * ```
 */
export function appendSample(
  series: ServerMetricsSeries,
  sample: Pick<ServerMetricsSample, "at_ms" | "values" | "types">,
): void {
  const n = series.at_ms.length;
  series.at_ms.push(sample.at_ms);
  for (const [key, value] of Object.entries(sample.values)) {
    const name = key.split("{", 1)[0];
    if (sample.types[name] !== undefined) series.types[name] ??= sample.types[name];
    const column = series.values[key] ??= new Array(n).fill(null);
    column.push(value !== null && Number.isFinite(value) ? value : null);
  }
  for (const column of Object.values(series.values)) {
    if (column.length === n) column.push(null);
  }
}
