/**
 * Scrapes vLLM's `/metrics` on a timer while a run is measured, keeping every vLLM gauge and
 * counter as a time series. It runs beside the requests and never waits on them, nor they on it.
 *
 * @module
 */

import type { ServerMetricsSeries } from "../types.ts";
import { scrapePrometheus } from "../enrich/prometheus.ts";
import { nowMs } from "../util/clock.ts";

/** Options of {@link startMetricsScraper}. */
export interface MetricsScraperOptions {
  /** The server's base URL (`/metrics` is appended) or the `/metrics` URL itself. */
  url: string;
  /** Time between scrapes, ms (> 0). */
  intervalMs: number;
}

/** A running scraper. */
export interface MetricsScraper {
  /** Stops scraping (a scrape under way is aborted) and returns the series so far. */
  stop(): Promise<ServerMetricsSeries>;
}

/** Whether a series is kept: vLLM's gauges and counters, not histograms or `_created` stamps. */
function kept(key: string, types: Record<string, string>): boolean {
  const name = key.split("{", 1)[0];
  if (!name.startsWith("vllm:") || name.endsWith("_created")) return false;
  const type = types[name] ?? types[name.replace(/_total$/, "")];
  return type === "gauge" || type === "counter";
}

/**
 * Starts scraping `url` now and then every `intervalMs`, one scrape at a time: a tick that comes
 * while the previous scrape is still running is skipped (and counted), so a slow server never
 * piles up scrapes. Each scrape times out after `max(intervalMs, 1000)` ms. A failed scrape is
 * counted, its message kept, and scraping goes on; nothing here ever throws into the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startMetricsScraper } from "./metrics_scraper.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const scraper = startMetricsScraper({ url: sim.url, intervalMs: 50 });
 *   await new Promise((resolve) => setTimeout(resolve, 200));
 *   const series = await scraper.stop();
 *   assert.ok(series.at_ms.length >= 1);
 *   assert.equal(series.types["vllm:num_requests_running"], "gauge");
 *   assert.equal(series.failures, 0);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export function startMetricsScraper(options: MetricsScraperOptions): MetricsScraper {
  const { url, intervalMs } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`scrapeInterval must be a number of ms > 0 or "off", got ${intervalMs}`);
  }
  const series: ServerMetricsSeries = {
    url: url.replace(/\/+$/, "").replace(/(?<!\/metrics)$/, "/metrics"),
    interval_ms: intervalMs,
    at_ms: [],
    values: {},
    types: {},
    failures: 0,
    skipped: 0,
    last_error: null,
  };
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running !== null) {
      series.skipped++;
      return;
    }
    running = scrapeOnce(series, controller.signal, Math.max(intervalMs, 1000))
      .finally(() => running = null);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
      return series;
    },
  };
}

/** One scrape, appended to `series`; failures are counted, never thrown. */
async function scrapeOnce(
  series: ServerMetricsSeries,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  const at = nowMs();
  try {
    const snapshot = await scrapePrometheus(series.url, { timeoutMs, signal });
    if (signal.aborted) return; // stopped while answering: the run is over
    appendSample(series, at, snapshot.values, snapshot.types ?? {});
  } catch (error) {
    if (signal.aborted) return;
    series.failures++;
    series.last_error = error instanceof Error ? error.message : String(error);
  }
}

/** Appends one scrape's kept series as a new column entry (null for series it lacks). */
function appendSample(
  series: ServerMetricsSeries,
  at: number,
  values: Record<string, number>,
  types: Record<string, string>,
): void {
  const n = series.at_ms.length;
  series.at_ms.push(at);
  for (const [key, value] of Object.entries(values)) {
    if (!kept(key, types)) continue;
    const name = key.split("{", 1)[0];
    series.types[name] ??= types[name] ?? types[name.replace(/_total$/, "")];
    const column = series.values[key] ??= new Array(n).fill(null);
    column.push(Number.isFinite(value) ? value : null);
  }
  for (const column of Object.values(series.values)) {
    if (column.length === n) column.push(null);
  }
}
