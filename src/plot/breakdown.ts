/**
 * Per-request latency breakdown: where each request's end-to-end time went.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { hasColumn, numbers, requireColumns, successMask, type TableLike } from "./columns.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { positiveInt } from "../util/options.ts";
import { tidy } from "./stats.ts";
import { failedNote, fmtCount } from "./values.ts";

/** Options of {@link breakdown}. */
export interface BreakdownOptions extends ChartOptions {
  /**
   * One bar per request up to this many requests (default 120); beyond, requests are grouped into
   * this many runs of consecutive requests (by start time) and each bar shows the group's mean.
   */
  maxBars?: number;
  /** Show each phase as a share of the bar's E2E latency (0–100 %) instead of milliseconds. */
  normalize?: boolean;
}

/** The stacked phases, bottom to top, with their colors. */
export const BREAKDOWN_PHASES = [
  { key: "client_overhead", label: "client overhead", color: "#9e9e9e" },
  { key: "queue", label: "server queue", color: "#f58518" },
  { key: "prefill", label: "server prefill", color: "#e45756" },
  { key: "decode", label: "server decode", color: "#54a24b" },
  { key: "other", label: "other (frontend, network)", color: "#c9c9c9" },
] as const;

const COLUMNS = [
  "start_ms",
  "e2e_ms",
  "server_queue_ms",
  "server_prefill_ms",
  "server_decode_ms",
  "client_overhead_ms",
];

/**
 * Stacked bars, one per successful request ordered by start time, splitting its E2E latency into
 * client overhead (TTFT − server TTFT), server queue, prefill and decode (from vLLM's span), and
 * the remainder of E2E ("other": server frontend work and network after the last token). Requests
 * without a joined span are left out; if none has one the chart says "no data". Above `maxBars`
 * requests, consecutive requests are averaged per bar. Throws a `TypeError` naming missing columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { breakdown } from "./breakdown.ts";
 * import { render } from "./render.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // one request joined to its span; in real use, toTable(await enrich(run, source))
 * const table = toTable(makeRun([makeRecord({
 *   span_status: "found", server_queue_ms: 1, server_prefill_ms: 9, server_decode_ms: 30,
 *   server_ttft_ms: 15, server_e2e_ms: 45, server_inference_ms: 39, client_overhead_ms: 5,
 *   server_frontend_ms: 5,
 * })]));
 * const spec = breakdown(table);
 * assert.deepEqual((spec.data as { values: unknown[] }).values, [
 *   { x0: 0, x1: 1, index: 0, client_overhead: 5, queue: 1, prefill: 9, decode: 30, other: 5 },
 * ]);
 * const svg = await render(spec);
 * assert.match(svg, /^<svg /);
 * ```
 */
export function breakdown(table: TableLike, options: BreakdownOptions = {}): VegaLiteSpec {
  requireColumns(table, COLUMNS, "plot.breakdown");
  const width = size("plot.breakdown", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.breakdown", "height", options.height, DEFAULT_HEIGHT);
  const maxBars = positiveInt("plot.breakdown", "maxBars", options.maxBars ?? 120);
  const title = options.title ?? "Latency breakdown per request";
  const keep = successMask(table);
  const [start, e2e, queue, prefill, decode, overhead] = COLUMNS.map((c) => numbers(table, c));
  const index = hasColumn(table, "index") ? numbers(table, "index") : null;
  const rows: { start: number; index: number; phases: number[] }[] = [];
  let noSpan = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    if (queue[i] === null || prefill[i] === null || decode[i] === null || start[i] === null) {
      noSpan++;
      continue;
    }
    const ph = [Math.max(0, overhead[i] ?? 0), queue[i]!, prefill[i]!, decode[i]!];
    const sum = ph.reduce((a, b) => a + b, 0);
    ph.push(e2e[i] === null ? 0 : Math.max(0, e2e[i]! - sum));
    rows.push({ start: start[i]!, index: index?.[i] ?? i, phases: ph });
  }
  if (rows.length === 0) {
    return noDataSpec(
      title,
      noSpan > 0
        ? "no request has server-side times: run enrich() with a trace source"
        : "no successful requests",
      { width },
    );
  }
  rows.sort((a, b) => a.start - b.start);
  const per = Math.ceil(rows.length / maxBars);
  const data: Record<string, number>[] = [];
  for (let from = 0; from < rows.length; from += per) {
    const group = rows.slice(from, from + per);
    // x: 0-based position by start time; `index`: the request's own (0-based) index column
    const bar: Record<string, number> = {
      x0: from,
      x1: from + group.length,
      index: group[0].index,
    };
    if (per > 1) bar.n = group.length;
    const means = BREAKDOWN_PHASES.map((_, k) =>
      group.reduce((a, r) => a + r.phases[k], 0) / group.length
    );
    const total = means.reduce((a, b) => a + b, 0);
    BREAKDOWN_PHASES.forEach((p, k) => {
      bar[p.key] = tidy(options.normalize ? (total > 0 ? means[k] / total : 0) : means[k]);
    });
    data.push(bar);
  }
  const subtitle = [
    per > 1
      ? `${
        fmtCount(rows.length)
      } requests by start time; each bar is the mean of ${per} consecutive requests`
      : `${fmtCount(rows.length)} requests by start time`,
    noSpan > 0 ? `${fmtCount(noSpan)} without a server span left out` : "",
    failedNote(keep.filter((k) => !k).length),
  ].filter((s) => s).join(" · ");
  const gap = per > 1 || rows.length > 60 ? 0 : 0.1;
  return {
    ...base(
      "Stacked latency phases per request: client overhead, server queue, prefill, decode, other",
      title,
      subtitle,
      width,
      height,
    ),
    data: { values: data },
    transform: [
      { fold: BREAKDOWN_PHASES.map((p) => p.key), as: ["phase_key", "ms"] },
      {
        calculate: `indexof(${
          JSON.stringify(BREAKDOWN_PHASES.map((p) => p.key))
        }, datum.phase_key)`,
        as: "order",
      },
      {
        calculate: `${JSON.stringify(BREAKDOWN_PHASES.map((p) => p.label))}[datum.order]`,
        as: "phase",
      },
      {
        stack: "ms",
        groupby: ["x0"],
        sort: [{ field: "order", order: "ascending" }],
        as: ["ms_start", "ms_end"],
      },
      { calculate: `datum.x0 + ${gap}`, as: "bar_start" },
      { calculate: `datum.x1 - ${gap}`, as: "bar_end" },
    ],
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "bar_start",
        type: "quantitative",
        title: "requests by start time",
        scale: { domain: [0, rows.length], nice: false, zero: false },
        axis: { format: "d" },
      },
      x2: { field: "bar_end" },
      y: options.normalize
        ? {
          field: "ms_start",
          type: "quantitative",
          title: "share of E2E latency",
          axis: { format: "%" },
          scale: { domain: [0, 1] },
        }
        : { field: "ms_start", type: "quantitative", title: "time (ms)" },
      y2: { field: "ms_end" },
      color: {
        field: "phase",
        type: "nominal",
        title: "phase",
        scale: {
          domain: BREAKDOWN_PHASES.map((p) => p.label),
          range: BREAKDOWN_PHASES.map((p) => p.color),
        },
      },
      tooltip: [
        { field: "index", title: per > 1 ? "index of the first" : "index" },
        ...(per > 1 ? [{ field: "n", title: "requests averaged" }] : []),
        { field: "phase", title: "phase" },
        options.normalize
          ? { field: "ms", title: "share of E2E", format: ".1%" }
          : { field: "ms", title: "time (ms)", format: ".2f" },
      ],
    },
  };
}
