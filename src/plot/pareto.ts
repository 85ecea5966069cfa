/**
 * Interactivity against throughput over a sweep, with its Pareto front.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { groupKeys, numbers, requireColumns, type TableLike } from "./columns.ts";
import { loadLabels } from "./load_labels.ts";
import { columnTitle } from "./labels.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { tidy } from "./stats.ts";

/** Options of {@link pareto}. */
export interface ParetoOptions extends ChartOptions {
  /** Per-user rate on the x axis (default `"output_tokens_per_s_per_user_p50"`, tok/s). */
  interactivity?: string;
  /** Throughput column on the y axis (default `"output_throughput"`, tok/s). */
  throughput?: string;
  /** The series column: one front per value (e.g. `"model"`). */
  color?: string;
}

interface Point {
  interactivity: number;
  throughput: number;
  load: string;
  front: boolean;
  group?: string;
}

/**
 * The interactivity–throughput trade-off of a sweep (AIPerf's and vllm bench sweep's Pareto plot):
 * one point per sweep step (a row of `summarize()`), output tokens/s per user on x, the server's
 * output throughput on y, labelled with the load (`c=8` or `4 req/s`). The Pareto front (points
 * no other point beats on both axes) is joined by a line; the upper right is better. Throws a
 * `TypeError` naming missing columns; no usable rows gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { pareto } from "./pareto.ts";
 * // in real use, summarize(toTable(runs)) of a sweep
 * const summary = aq.table({
 *   concurrency: [1, 4, 16],
 *   output_tokens_per_s_per_user_p50: [90, 60, 20],
 *   output_throughput: [90, 200, 180],
 * });
 * const values = (pareto(summary).data as { values: { load: string; front: boolean }[] }).values;
 * // c=16 is beaten by c=4 on both axes
 * assert.deepEqual(values.map((v) => [v.load, v.front]), [
 *   ["c=1", true], ["c=4", true], ["c=16", false],
 * ]);
 * ```
 */
export function pareto(summary: TableLike, options: ParetoOptions = {}): VegaLiteSpec {
  const interactivity = options.interactivity ?? "output_tokens_per_s_per_user_p50";
  const throughput = options.throughput ?? "output_throughput";
  requireColumns(
    summary,
    [interactivity, throughput, ...(options.color ? [options.color] : [])],
    "plot.pareto",
  );
  const width = size("plot.pareto", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.pareto", "height", options.height, DEFAULT_HEIGHT);
  const title = options.title ?? "Interactivity vs throughput";
  const points = sweepPoints(summary, interactivity, throughput, options.color);
  if (points.length === 0) {
    return noDataSpec(title, `no rows with both ${interactivity} and ${throughput}`, { width });
  }
  markFronts(points);
  const xTitle = columnTitle(interactivity);
  const yTitle = columnTitle(throughput);
  const color = options.color
    ? { color: { field: "group", type: "nominal", title: options.color, sort: null } }
    : { color: { value: "#4c78a8" } };
  const x = { field: "interactivity", type: "quantitative", title: xTitle, scale: { zero: false } };
  const y = { field: "throughput", type: "quantitative", title: yTitle };
  const onFront = points.filter((p) => p.front).length;
  return {
    ...base(
      `Throughput (${throughput}) against interactivity (${interactivity}), Pareto front joined`,
      title,
      `${points.length} points, ${onFront} on the Pareto front (line) · upper right is better`,
      width,
      height,
    ),
    data: { values: points },
    layer: [
      {
        transform: [{ filter: "datum.front" }],
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: {
          x,
          y,
          order: { field: "interactivity", type: "quantitative" },
          ...color,
          ...(options.color ? { detail: { field: "group" } } : {}),
        },
      },
      {
        mark: { type: "point", size: 50, filled: true },
        encoding: {
          x,
          y,
          ...color,
          opacity: { condition: { test: "datum.front", value: 1 }, value: 0.4 },
          tooltip: [
            { field: "load", title: "load" },
            { field: "interactivity", title: xTitle, format: ".1f" },
            { field: "throughput", title: yTitle, format: ".1f" },
            { field: "front", title: "on the Pareto front" },
            ...(options.color ? [{ field: "group", title: options.color }] : []),
          ],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 7, dy: -9, fontSize: 10, color: "#444" },
        encoding: { x, y, text: { field: "load" } },
      },
    ],
  };
}

/** One point per summary row with both values, labelled with its load. */
function sweepPoints(
  summary: TableLike,
  interactivity: string,
  throughput: string,
  by: string | undefined,
): Point[] {
  const xs = numbers(summary, interactivity);
  const ys = numbers(summary, throughput);
  const loads = loadLabels(summary);
  const groups = groupKeys(summary, by);
  const points: Point[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === null || ys[i] === null) continue;
    points.push({
      interactivity: tidy(xs[i]!),
      throughput: tidy(ys[i]!),
      load: loads[i].text,
      front: false,
      ...(by ? { group: groups[i] } : {}),
    });
  }
  return points;
}

/** Sets `front` on every point that no point of its group beats on both axes. */
function markFronts(points: Point[]): void {
  for (const p of points) {
    p.front = !points.some((q) =>
      q !== p && q.group === p.group && q.interactivity >= p.interactivity &&
      q.throughput >= p.throughput &&
      (q.interactivity > p.interactivity || q.throughput > p.throughput)
    );
  }
}
