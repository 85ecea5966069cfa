/**
 * Scrapes vLLM's `/metrics` on a timer while a run is measured, keeping every vLLM gauge and
 * counter as a time series. It runs beside the requests and never waits on them, nor they on it.
 *
 * @module
 */

import type { ServerMetricsSeries } from "../types.ts";
import { scrapePrometheus } from "../enrich/prometheus.ts";
import { nowMs } from "../util/clock.ts";
import {
  appendSample,
  emptySeries,
  type ServerMetricsSample,
} from "../io/server_metrics_series.ts";

/** Options of {@link startMetricsScraper}. */
export interface MetricsScraperOptions {
  /** The server's base URL (`/metrics` is appended) or the `/metrics` URL itself. */
  url: string;
  /** Time between scrapes, ms (> 0). */
  intervalMs: number;
  /** Called with each successful scrape's kept values, e.g. to log it as it comes. */
  onSample?: (sample: ServerMetricsSample) => void;
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
  const series = emptySeries(
    url.replace(/\/+$/, "").replace(/(?<!\/metrics)$/, "/metrics"),
    intervalMs,
  );
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running !== null) {
      series.skipped++;
      return;
    }
    running = scrapeOnce(series, controller.signal, Math.max(intervalMs, 1000), options.onSample)
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
  onSample: ((sample: ServerMetricsSample) => void) | undefined,
): Promise<void> {
  const at = nowMs();
  let sample: ServerMetricsSample;
  try {
    const snapshot = await scrapePrometheus(series.url, { timeoutMs, signal });
    if (signal.aborted) return; // stopped while answering: the run is over
    sample = keptSample(series, at, snapshot.values, snapshot.types ?? {});
    appendSample(series, sample);
  } catch (error) {
    if (signal.aborted) return;
    series.failures++;
    series.last_error = error instanceof Error ? error.message : String(error);
    return;
  }
  try {
    onSample?.(sample);
  } catch (error) {
    // Kept in the series, never thrown into the run; the scrape itself succeeded.
    series.last_error = `onSample threw: ${error instanceof Error ? error.message : error}`;
  }
}

/** One scrape's vLLM gauges and counters (values not finite become null). */
function keptSample(
  series: ServerMetricsSeries,
  at: number,
  values: Record<string, number>,
  types: Record<string, string>,
): ServerMetricsSample {
  const sample: ServerMetricsSample = {
    url: series.url,
    interval_ms: series.interval_ms,
    at_ms: at,
    values: {},
    types: {},
  };
  for (const [key, value] of Object.entries(values)) {
    if (!kept(key, types)) continue;
    const name = key.split("{", 1)[0];
    sample.types[name] ??= types[name] ?? types[name.replace(/_total$/, "")];
    sample.values[key] = Number.isFinite(value) ? value : null;
  }
  return sample;
}
