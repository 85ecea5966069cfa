/**
 * Throughput–latency trade-off curve of a sweep.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { groupKeys, numbers, requireColumns, type TableLike } from "./columns.ts";
import { loadLabels } from "./load_labels.ts";
import { columnTitle } from "./labels.ts";
import { axisDomain } from "./domain.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { tidy } from "./stats.ts";

/** Options of {@link throughputVsLatency}. */
export interface ThroughputVsLatencyOptions extends ChartOptions {
  /** Latency column on the x axis (default `"tpot_ms_p50"`). */
  latency?: string;
  /** Throughput column on the y axis (default `"output_throughput"`, tok/s). */
  throughput?: string;
  /** The series column: one curve per value (e.g. `"model"`). */
  color?: string;
}

/**
 * The classic serving trade-off: one point per sweep step (a row of `summarize()`), latency on x,
 * throughput on y, joined in load order and labelled with the load (`c=8` or `4 req/s`) when the
 * summary has `concurrency` or `rate`. The upper-left is better. Throws a `TypeError` naming
 * missing columns; no usable rows gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { throughputVsLatency } from "./throughput_vs_latency.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // runs at concurrency 1 and 4; in real use, summarize(toTable(runs)) of a sweep
 * const runs = [1, 4].map((c) =>
 *   makeRun([makeRecord({ run_id: `c${c}`, ttft_ms: 10 * c })], {
 *     label: `c=${c}`, load: { concurrency: c, burstiness: 1, warmup: 0, seed: 0 },
 *   })
 * );
 * const summary = summarize(toTable(runs));
 * const spec = throughputVsLatency(summary, { latency: "ttft_ms_p99" });
 * assert.deepEqual((spec.data as { values: unknown[] }).values, [
 *   { latency: 10, throughput: 80, order: 1, load: "c=1" }, // output tokens/s
 *   { latency: 40, throughput: 80, order: 4, load: "c=4" },
 * ]);
 * ```
 */
export function throughputVsLatency(
  summary: TableLike,
  options: ThroughputVsLatencyOptions = {},
): VegaLiteSpec {
  const latency = options.latency ?? "tpot_ms_p50";
  const throughput = options.throughput ?? "output_throughput";
  requireColumns(
    summary,
    [latency, throughput, ...(options.color ? [options.color] : [])],
    "plot.throughputVsLatency",
  );
  const width = size("plot.throughputVsLatency", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.throughputVsLatency", "height", options.height, DEFAULT_HEIGHT);
  const title = options.title ?? "Throughput vs latency";
  const n = summary.numRows();
  const lat = numbers(summary, latency);
  const thr = numbers(summary, throughput);
  const loads = loadLabels(summary);
  const groups = groupKeys(summary, options.color);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    if (lat[i] === null || thr[i] === null) continue;
    rows.push({
      latency: tidy(lat[i]!),
      throughput: tidy(thr[i]!),
      order: loads[i].value ?? i,
      load: loads[i].text,
      ...(options.color ? { group: groups[i] } : {}),
    });
  }
  if (rows.length === 0) {
    return noDataSpec(title, `no rows with both ${latency} and ${throughput}`, { width });
  }
  const xTitle = columnTitle(latency);
  const yTitle = columnTitle(throughput);
  const xDomain = axisDomain(rows.map((r) => r.latency as number), "latency");
  const color = options.color
    ? { color: { field: "group", type: "nominal", title: options.color, sort: null } }
    : { color: { value: "#4c78a8" } };
  return {
    ...base(
      `Throughput (${throughput}) against latency (${latency})`,
      title,
      [`${rows.length} points, joined in load order · upper left is better`, xDomain.note]
        .filter((s) => s).join(" · "),
      width,
      height,
    ),
    data: { values: rows },
    layer: [
      {
        mark: { type: "line", point: { size: 45, filled: true }, strokeWidth: 1.8 },
        encoding: {
          x: { field: "latency", type: "quantitative", title: xTitle, scale: xDomain.scale },
          y: { field: "throughput", type: "quantitative", title: yTitle },
          order: { field: "order", type: "quantitative" },
          ...color,
          ...(options.color ? { detail: { field: "group" } } : {}),
          tooltip: [
            { field: "load", title: "load" },
            { field: "latency", title: xTitle, format: ".2f" },
            { field: "throughput", title: yTitle, format: ".1f" },
            ...(options.color ? [{ field: "group", title: options.color }] : []),
          ],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 7, dy: -9, fontSize: 10, color: "#444" },
        encoding: {
          x: { field: "latency", type: "quantitative" },
          y: { field: "throughput", type: "quantitative" },
          text: { field: "load" },
        },
      },
    ],
  };
}
