/**
 * Request timeline: every request's phases over wall-clock time, client and server together.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { hasColumn, numbers, requireColumns, strings, type TableLike } from "./columns.ts";
import { base, type ChartOptions, DEFAULT_WIDTH, noDataSpec, size } from "./spec.ts";
import { optionMessage, positiveInt } from "../util/options.ts";
import { tidy } from "./stats.ts";
import { fmtCount } from "./values.ts";

/** Options of {@link timeline}. */
export interface TimelineOptions extends ChartOptions {
  /** Which run to show when the table holds several (a `run_id`; default the first one). */
  run?: string;
  /** Requests drawn at most (default 100); above, every k-th request by start time is drawn. */
  maxRequests?: number;
}

/** Phases drawn by {@link timeline}, with their colors. */
export const TIMELINE_PHASES = [
  { key: "client_wait", label: "client: waiting for first token", color: "#9ecae1" },
  { key: "client_stream", label: "client: streaming", color: "#2b6ca3" },
  { key: "server_queue", label: "server: queue", color: "#f58518" },
  { key: "server_prefill", label: "server: prefill", color: "#e45756" },
  { key: "server_decode", label: "server: decode", color: "#54a24b" },
  { key: "failed", label: "failed request", color: "#222222" },
] as const;

/**
 * A Gantt-style chart of one run: y = the request's 0-based `index`, x = seconds since the run's
 * first request. Each request row has two bars side by side, so neither hides the other: above,
 * what the client saw (start → first token → end, light then dark blue); below, what the server's
 * span reports (arrival → queue → prefill → decode). Failed requests are black bars (at least a
 * sliver wide) with a cross at their start. Above `maxRequests`, every k-th request is drawn
 * (stated in the subtitle). The legend lists only the phases present; every bar has a tooltip.
 * Requests without server times show only the client bar. Throws a `TypeError` naming missing
 * columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeline } from "./timeline.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two 50 ms requests started 100 ms apart; in real use, toTable(run)
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const spec = timeline(table, { maxRequests: 50 });
 * // per request: row y, start s, end e and first token f, in s since the first start
 * assert.deepEqual((spec.data as { values: unknown[] }).values, [
 *   { y: 0, s: 0, e: 0.05, f: 0.02 },
 *   { y: 1, s: 0.1, e: 0.15, f: 0.13 },
 * ]);
 * ```
 */
export function timeline(table: TableLike, options: TimelineOptions = {}): VegaLiteSpec {
  const where = "plot.timeline";
  requireColumns(table, ["start_ms", "ttft_ms", "e2e_ms"], where);
  const width = size("plot.timeline", "width", options.width, DEFAULT_WIDTH);
  const maxRequests = positiveInt("plot.timeline", "maxRequests", options.maxRequests ?? 100);
  const title = options.title ?? "Request timeline";
  const n = table.numRows();
  const runIds = hasColumn(table, "run_id") ? strings(table, "run_id") : new Array(n).fill(null);
  const runs = [...new Set(runIds)];
  const run = options.run ?? runs[0];
  if (options.run !== undefined && !runs.includes(options.run)) {
    throw new RangeError(
      optionMessage(where, "run", `a run_id of the table (${runs.join(", ")})`, options.run),
    );
  }
  const col = (c: string) => hasColumn(table, c) ? numbers(table, c) : new Array(n).fill(null);
  const start = numbers(table, "start_ms");
  const ttft = numbers(table, "ttft_ms");
  const e2e = numbers(table, "e2e_ms");
  const end = col("end_ms");
  const sStart = col("server_start_ms");
  const queue = col("server_queue_ms");
  const prefill = col("server_prefill_ms");
  const decode = col("server_decode_ms");
  const index = col("index");
  const success = hasColumn(table, "success") ? table.array("success") : null;
  const labels = hasColumn(table, "label") ? strings(table, "label") : null;

  const picked: number[] = [];
  for (let i = 0; i < n; i++) if (runIds[i] === run && start[i] !== null) picked.push(i);
  if (picked.length === 0) return noDataSpec(title, "no requests with start_ms", { width });
  picked.sort((a, b) => start[a]! - start[b]!);
  const t0 = start[picked[0]]!;
  const every = Math.ceil(picked.length / maxRequests);
  const rows: Record<string, unknown>[] = [];
  picked.forEach((i, rank) => {
    if (rank % every !== 0) return;
    const s = (start[i]! - t0) / 1000;
    const endMs = end[i] ?? (e2e[i] !== null ? start[i]! + e2e[i]! : null);
    const row: Record<string, unknown> = {
      y: index[i] ?? rank,
      s: tidy(s),
      e: endMs === null ? tidy(s) : tidy((endMs - t0) / 1000),
    };
    const failed = success !== null && success[i] === false;
    if (failed) row.failed = 1;
    if (failed && endMs === null) row.no_end = 1;
    else if (ttft[i] !== null) row.f = tidy(s + ttft[i]! / 1000);
    if (!failed && sStart[i] !== null && queue[i] !== null) {
      const a = (sStart[i]! - t0) / 1000;
      const q = a + queue[i]! / 1000;
      const p = q + (prefill[i] ?? 0) / 1000;
      row.sa = tidy(a);
      row.sq = tidy(q);
      row.sp = tidy(p);
      row.sd = tidy(p + (decode[i] ?? 0) / 1000);
    }
    rows.push(row);
  });
  widenFailed(rows);
  const shown = rows.length;
  const height = size(
    "plot.timeline",
    "height",
    options.height,
    Math.min(600, Math.max(200, shown * 5)),
  );
  const runLabel = labels ? labels[picked[0]] : null;
  const subtitle = [
    runs.length > 1
      ? `run ${runLabel ?? run} (1 of ${runs.length} in the table; choose with {run})`
      : "",
    every > 1
      ? `1 request in ${every} shown (${fmtCount(shown)} of ${fmtCount(picked.length)})`
      : `${fmtCount(shown)} requests`,
    "upper bars: client view · lower bars: server span",
  ].filter((x) => x).join(" · ");
  const phase = (key: string) => TIMELINE_PHASES.find((p) => p.key === key)!.label;
  const x = (field: string) => ({
    field,
    type: "quantitative",
    title: "time since first request (s)",
    axis: { labelOverlap: true },
  });
  const yAxis = {
    type: "quantitative",
    title: "request index",
    scale: { reverse: true, zero: false, nice: false },
    axis: { format: "d", tickMinStep: 1, labelOverlap: true, tickCount: 8 },
  };
  const present = TIMELINE_PHASES.filter((p) => phasePresent(p.key, rows));
  const colorScale = {
    domain: present.map((p) => p.label),
    range: present.map((p) => p.color),
  };
  // A rect spanning [y + lo, y + hi] in request units, drawn from two calculated fields.
  const layer = (
    key: string,
    from: string,
    to: string,
    lo: number,
    hi: number,
    filter: string,
  ) => ({
    transform: [
      { filter },
      { calculate: `datum.y + ${lo}`, as: "y_lo" },
      { calculate: `datum.y + ${hi}`, as: "y_hi" },
      { calculate: JSON.stringify(phase(key)), as: "phase" },
    ],
    mark: { type: "rect" },
    encoding: {
      x: x(from),
      x2: { field: to },
      y: { ...yAxis, field: "y_lo" },
      y2: { field: "y_hi" },
      color: { datum: phase(key), type: "nominal", title: "phase", scale: colorScale },
      tooltip: [
        { field: "y", title: "index" },
        { field: "phase", title: "phase" },
        { field: from, title: "from (s)", format: ".3f" },
        { field: to, title: "to (s)", format: ".3f" },
      ],
    },
  });
  const half = 0.45 * Math.max(1, every);
  return {
    ...base(
      "Request timeline: client phases (wide) and server span phases (narrow) per request",
      title,
      subtitle,
      width,
      height,
    ),
    data: { values: rows },
    layer: [
      layer("client_wait", "s", "f", -half, 0, "datum.failed !== 1 && isValid(datum.f)"),
      layer("client_stream", "f", "e", -half, 0, "datum.failed !== 1 && isValid(datum.f)"),
      layer("server_queue", "sa", "sq", 0, half, "isValid(datum.sa)"),
      layer("server_prefill", "sq", "sp", 0, half, "isValid(datum.sa)"),
      layer("server_decode", "sp", "sd", 0, half, "isValid(datum.sa)"),
      layer("failed", "s", "e", -half, half, "datum.failed === 1"),
      {
        // Every failed request also gets a cross at its start, so even a short one stands out.
        transform: [{ filter: "datum.failed === 1" }],
        mark: { type: "point", shape: "cross", filled: true, size: 50 },
        encoding: {
          x: x("s"),
          y: { ...yAxis, field: "y" },
          color: { datum: phase("failed"), type: "nominal", title: "phase", scale: colorScale },
          tooltip: [{ field: "y", title: "index" }, { field: "s", title: "start (s)" }],
        },
      },
    ],
  };
}

/** Whether any drawn row has the phase `key`, so the legend lists only what is present. */
function phasePresent(key: string, rows: Record<string, unknown>[]): boolean {
  switch (key) {
    case "failed":
      return rows.some((r) => r.failed === 1);
    case "client_wait":
    case "client_stream":
      return rows.some((r) => r.failed !== 1 && r.f !== undefined);
    default:
      return rows.some((r) => r.sa !== undefined);
  }
}

/** Failed requests get at least 0.4% of the time axis, so a quick failure is still a visible bar. */
function widenFailed(rows: Record<string, unknown>[]): void {
  const span = Math.max(...rows.map((r) => r.e as number)) || 1;
  for (const r of rows) {
    if (r.failed === 1) r.e = tidy(Math.max(r.e as number, (r.s as number) + span * 0.004));
  }
}
