/**
 * The server's state over a run from its scraped `/metrics`: KV-cache usage, requests running and
 * waiting, preemptions.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { numbers, requireColumns, strings, type TableLike } from "./columns.ts";
import { runKeys } from "./lines.ts";
import { base, type ChartOptions, DEFAULT_WIDTH, noDataSpec, size } from "./spec.ts";
import { tidy } from "./stats.ts";

/** Options of {@link serverState}. */
export interface ServerStateOptions extends ChartOptions {}

/** vLLM metric → the panel and series it is drawn as. */
const SERIES: Record<string, { panel: string; series: string }> = {
  "vllm:kv_cache_usage_perc": { panel: "KV-cache usage (%)", series: "KV-cache usage" },
  "vllm:num_requests_running": { panel: "requests on the server", series: "running" },
  "vllm:num_requests_waiting": { panel: "requests on the server", series: "waiting" },
  "vllm:num_preemptions_total": {
    panel: "preemptions per scrape interval",
    series: "preemptions",
  },
};
const PANELS = [...new Set(Object.values(SERIES).map((s) => s.panel))];

interface Point {
  run: string;
  panel: string;
  series: string;
  t: number;
  v: number;
}

/**
 * Three panels over time, from the table of `toMetricsTable(run)` (scraped with
 * `scrapeInterval`): vLLM's KV-cache usage in %, requests running and waiting, and preemptions
 * between successive scrapes (the increase of `vllm:num_preemptions_total`). Series with several
 * label sets (engines) are summed per scrape, KV-cache usage averaged. The x axis is seconds
 * since the run's first request, as in `plot.inFlight`. With several runs, one color per run.
 * Throws a `TypeError` naming missing columns; no vLLM gauges gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { serverState } from "./server_state.ts";
 * // in real use, toMetricsTable(run) of a run collected with scrapeInterval
 * const metrics = aq.table({
 *   label: ["a", "a", "a", "a"],
 *   t_s: [0, 1, 0, 1],
 *   metric: ["vllm:kv_cache_usage_perc", "vllm:kv_cache_usage_perc",
 *     "vllm:num_preemptions_total", "vllm:num_preemptions_total"],
 *   value: [0.5, 0.75, 2, 5],
 * });
 * const rows = (serverState(metrics).data as { values: { series: string; v: number }[] }).values;
 * assert.deepEqual(rows.map((r) => [r.series, r.v]), [
 *   ["KV-cache usage", 50], ["KV-cache usage", 75], ["preemptions", 3], // 5 − 2 in the interval
 * ]);
 * ```
 */
export function serverState(metrics: TableLike, options: ServerStateOptions = {}): VegaLiteSpec {
  requireColumns(metrics, ["t_s", "metric", "value"], "plot.serverState");
  const width = size("plot.serverState", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.serverState", "height", options.height, 110);
  const title = options.title ?? "Server state over time";
  const points = statePoints(metrics);
  if (points.length === 0) {
    return noDataSpec(
      title,
      "no vLLM gauges in the table (collect with scrapeInterval, then toMetricsTable(run))",
      { width },
    );
  }
  const runs = [...new Set(points.map((p) => p.run))];
  const tMax = Math.max(...points.map((p) => p.t));
  const color = runs.length > 1
    ? {
      color: { field: "run", type: "nominal", title: "run", sort: null },
      strokeDash: { field: "series", type: "nominal", title: "series" },
    }
    : { color: { field: "series", type: "nominal", title: "series", sort: null } };
  const panel = (name: string, last: boolean) => ({
    width,
    height,
    transform: [{ filter: { field: "panel", equal: name } }],
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6, point: false },
    encoding: {
      x: {
        field: "t",
        type: "quantitative",
        title: last ? "time since first request (s)" : null,
        scale: { domain: [0, tidy(tMax)] },
      },
      y: { field: "v", type: "quantitative", title: name },
      ...color,
      detail: { field: "run" },
      tooltip: [
        ...(runs.length > 1 ? [{ field: "run", title: "run" }] : []),
        { field: "series", title: "series" },
        { field: "t", title: "time (s)", format: ".1f" },
        { field: "v", title: name, format: ".2f" },
      ],
    },
  });
  const shown = PANELS.filter((p) => points.some((q) => q.panel === p));
  const { width: _w, height: _h, ...top } = base(
    "vLLM's KV-cache usage, running and waiting requests and preemptions over the run",
    title,
    `${runs.length} run${runs.length > 1 ? "s" : ""}, scraped from /metrics`,
    width,
    height,
  );
  return {
    ...top,
    data: { values: points },
    vconcat: shown.map((name, i) => panel(name, i === shown.length - 1)),
    resolve: { scale: { color: "shared" } },
  };
}

/** One point per run, drawn series and scrape time; counters as increases per interval. */
function statePoints(metrics: TableLike): Point[] {
  const runs = runKeys(metrics);
  const t = numbers(metrics, "t_s");
  const names = strings(metrics, "metric");
  const values = numbers(metrics, "value");
  // run → metric → time → [sum, count]
  const sums = new Map<string, Map<string, Map<number, [number, number]>>>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === null || !(name in SERIES) || t[i] === null || values[i] === null) continue;
    const byMetric = sums.get(runs[i]) ?? new Map();
    sums.set(runs[i], byMetric);
    const byTime = byMetric.get(name) ?? new Map();
    byMetric.set(name, byTime);
    const cell = byTime.get(t[i]!) ?? [0, 0];
    cell[0] += values[i]!;
    cell[1]++;
    byTime.set(t[i]!, cell);
  }
  const points: Point[] = [];
  for (const [run, byMetric] of sums) {
    for (const [name, byTime] of byMetric) {
      const { panel, series } = SERIES[name];
      const times = [...byTime.keys()].sort((a, b) => a - b);
      let previous: number | null = null;
      for (const time of times) {
        const [sum, count] = byTime.get(time)!;
        let v = sum;
        if (name === "vllm:kv_cache_usage_perc") v = (100 * sum) / count;
        if (name === "vllm:num_preemptions_total") {
          const total = sum;
          // The increase since the last scrape; a counter that went down (restart) counts 0.
          v = previous === null ? NaN : Math.max(0, total - previous);
          previous = total;
          if (Number.isNaN(v)) continue;
        }
        points.push({ run, panel, series, t: tidy(time), v: tidy(v) });
      }
    }
  }
  return points;
}
