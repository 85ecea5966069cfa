/**
 * The charts of the HTML report, as Vega-Lite specs grouped under headings: a pure function of
 * the tables (no rendering, no I/O). A chart that cannot be built becomes an error spec carrying
 * its message, so one bad chart never takes down the report.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { breakdown } from "./breakdown.ts";
import { distinct, hasColumn, numbers, strings, subsetRows, type TableLike } from "./columns.ts";
import { compare } from "./compare.ts";
import { ecdf } from "./ecdf.ts";
import { histogram } from "./histogram.ts";
import { inFlight } from "./in_flight.ts";
import { itlByPosition } from "./itl_by_position.ts";
import { itlOverTime } from "./itl_over_time.ts";
import { columnTitle } from "./labels.ts";
import { sweep } from "./sweep.ts";
import { throughputOverTime } from "./throughput_over_time.ts";
import { throughputVsLatency } from "./throughput_vs_latency.ts";
import { timeline } from "./timeline.ts";

/** A chart in the report: its heading and spec (an error spec when the chart could not be built). */
export interface Figure {
  heading: string;
  spec: VegaLiteSpec;
}

/** Charts shown together under one heading. */
export interface FigureGroup {
  heading: string;
  figures: Figure[];
}

/** The tables the charts are drawn from (the chart part of `ReportTables`). */
export interface FigureTables {
  /** Requests table (`toTable(run | runs)`). */
  table: TableLike;
  /** Summary table; sweep charts when it has several load levels. */
  summary?: TableLike;
  /** Chunk table; ITL-over-time, ITL-by-position and throughput charts. */
  chunks?: TableLike;
  /** Most runs to draw per-run charts for (default 4). */
  maxRunCharts?: number;
}

/** The four latency metrics the report shows first. */
export const QUICK_METRICS = ["ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"];

/** The distinct run labels of a requests table ("(none)" for a missing label). */
export function runLabels(table: TableLike): string[] {
  return hasColumn(table, "label")
    ? distinct(strings(table, "label").map((s) => s ?? "(none)"))
    : [];
}

/**
 * The report's charts, in order: latency distributions (one run) or comparisons by label
 * (several), load and streaming, per run (breakdown and timeline), and the sweep when the
 * summary has several load levels. Empty groups are kept (the page leaves them out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportFigures } from "./report_figures.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const groups = reportFigures({ table });
 * assert.deepEqual(groups.map((g) => g.heading), [
 *   "Latency distributions",
 *   "Load and streaming",
 *   "Per run",
 * ]);
 * assert.deepEqual(groups[0].figures.map((f) => f.heading), ["TTFT", "TPOT", "ITL", "E2E latency"]);
 * ```
 */
export function reportFigures(tables: FigureTables): FigureGroup[] {
  const { table, summary, chunks } = tables;
  const groups = [
    { heading: "Latency distributions", figures: latencyFigures(table) },
    { heading: "Load and streaming", figures: loadFigures(table, chunks) },
    perRunFigures(table, tables.maxRunCharts ?? 4),
  ];
  if (summary && loadLevels(summary) > 1) groups.push(sweepFigures(summary));
  return groups;
}

/** Whether a figure's spec stands for a chart that could not be built. */
export function isErrorSpec(spec: VegaLiteSpec): boolean {
  return spec.$schema === "error";
}

/** A figure: the chart `make` builds, or an error spec with the message it threw. */
function attempt(heading: string, make: () => VegaLiteSpec): Figure {
  try {
    return { heading, spec: make() };
  } catch (e) {
    return { heading, spec: errorSpec(e) };
  }
}

function errorSpec(e: unknown): VegaLiteSpec {
  return { $schema: "error", description: e instanceof Error ? e.message : String(e) };
}

function latencyFigures(table: TableLike): Figure[] {
  if (runLabels(table).length > 1) {
    return [
      ...QUICK_METRICS.map((m) =>
        attempt(`${columnTitle(m)} by run`, () => compare(table, { metric: m, color: "label" }))
      ),
      attempt("TTFT ECDF by run", () => ecdf(table, { metric: "ttft_ms", color: "label" })),
    ];
  }
  return [
    attempt("TTFT", () => ecdf(table, { metric: "ttft_ms" })),
    attempt("TPOT", () => histogram(table, { metric: "tpot_ms" })),
    attempt("ITL", () => histogram(table, { metric: "itl_ms" })),
    attempt("E2E latency", () => ecdf(table, { metric: "e2e_ms" })),
  ];
}

function loadFigures(table: TableLike, chunks: TableLike | undefined): Figure[] {
  const figures = [attempt("Requests in flight", () => inFlight(table))];
  if (chunks) {
    figures.push(
      attempt("Output throughput over time", () => throughputOverTime(chunks)),
      attempt("ITL over time", () => itlOverTime(chunks)),
      attempt("ITL by position", () => itlByPosition(chunks)),
    );
  }
  return figures;
}

/** A latency breakdown (when the run has server times) and a timeline for each of the first runs. */
function perRunFigures(table: TableLike, maxRunCharts: number): FigureGroup {
  const figures: Figure[] = [];
  const runIds = hasColumn(table, "run_id")
    ? strings(table, "run_id").map((s) => s ?? "")
    : new Array(table.numRows()).fill("");
  const runOrder = distinct(runIds);
  for (const run of runOrder.slice(0, maxRunCharts)) {
    const rows: number[] = [];
    runIds.forEach((r, i) => r === run && rows.push(i));
    const sub = subsetRows(table, rows);
    const name = runOrder.length > 1 ? runName(table, rows[0], run) : "";
    const suffix = name ? `: ${name}` : "";
    if (hasServerTimes(sub)) {
      const title = `Latency breakdown${suffix}`;
      figures.push(attempt(title, () => breakdown(sub, { title })));
    }
    figures.push(
      attempt(`Timeline${suffix}`, () => timeline(sub, { title: `Request timeline${suffix}` })),
    );
  }
  const heading = runOrder.length > maxRunCharts
    ? `Per run (first ${maxRunCharts} of ${runOrder.length})`
    : "Per run";
  return { heading, figures };
}

function sweepFigures(summary: TableLike): FigureGroup {
  const x = loadColumn(summary);
  const figures = [
    attempt("Latency vs load", () => sweep(summary, { x, y: presentColumns(summary) })),
  ];
  if (hasColumn(summary, "output_throughput") && hasColumn(summary, "tpot_ms_p50")) {
    figures.push(attempt("Throughput vs latency", () => throughputVsLatency(summary)));
  }
  return { heading: "Sweep", figures };
}

function runName(table: TableLike, row: number, runId: string): string {
  if (hasColumn(table, "label")) {
    const l = table.array("label")[row];
    if (l !== null && l !== undefined) return String(l);
  }
  return runId;
}

function hasServerTimes(table: TableLike): boolean {
  return hasColumn(table, "server_queue_ms") &&
    numbers(table, "server_queue_ms").some((v) => v !== null);
}

function loadColumn(summary: TableLike): "concurrency" | "rate" {
  const levels = (c: string) =>
    hasColumn(summary, c) ? new Set(numbers(summary, c).filter((v) => v !== null)).size : 0;
  return levels("rate") > levels("concurrency") ? "rate" : "concurrency";
}

function loadLevels(summary: TableLike): number {
  const c = loadColumn(summary);
  return hasColumn(summary, c) ? new Set(numbers(summary, c).filter((v) => v !== null)).size : 0;
}

function presentColumns(summary: TableLike): string[] {
  const wanted = ["ttft_ms_p50", "ttft_ms_p99", "tpot_ms_p50", "tpot_ms_p99"];
  const have = wanted.filter((c) => hasColumn(summary, c));
  return have.length > 0 ? have : wanted;
}
