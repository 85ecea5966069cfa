/**
 * The table sections of the HTML report, before the charts: the runs, warnings, the summary (with
 * the SLOs goodput used), failed requests by error kind, input/output lengths and the Prometheus
 * counters' change. Pure functions of the tables; every user string is escaped.
 *
 * @module
 */

import type { Run } from "../types.ts";
import type { SloOptions } from "../summarize/mod.ts";
import { checkSlo } from "../summarize/goodput.ts";
import { hasColumn, strings, type TableLike } from "./columns.ts";
import { type Cell, formatValue, htmlTable } from "./html.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatTags } from "../display/show_run.ts";
import { columnTitle } from "./labels.ts";
import { QUICK_METRICS } from "./report_figures.ts";
import { section } from "./report_page.ts";
import { lengthsTable, prometheusTable, sloSentence } from "./report_tables.ts";
import { quantileSorted } from "./stats.ts";
import { metricGroups } from "./values.ts";

/** The tables the sections are drawn from (the table part of `ReportTables`). */
export interface SectionTables {
  /** Requests table. */
  table: TableLike;
  /** Summary table; without it, a percentile table of the requests is shown. */
  summary?: TableLike;
  /** The runs' metadata: the "Runs" table, warnings and Prometheus counters. */
  runs?: Run[];
  /** The SLOs goodput used (stated under the summary). */
  slo?: SloOptions;
}

/**
 * The report's table sections (HTML, in order); those without content are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableSections } from "./report_sections.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const table = toTable(makeRun([makeRecord()]));
 * const [summary] = tableSections({ table });
 * assert.match(summary, /^<section><h2>Summary<\/h2>/);
 * ```
 */
export function tableSections(input: SectionTables): string[] {
  const { table, summary, runs } = input;
  const sections: string[] = [];
  if (runs && runs.length > 0) {
    sections.push(section("Runs", runsTable(runs)));
    const warnings = warningsList(runs);
    if (warnings) sections.push(section("Warnings", warnings));
  }
  const slo = input.slo === undefined ? undefined : checkSlo(input.slo);
  sections.push(
    section(
      "Summary",
      summary ? summaryTable(summary) : quickSummary(table),
      summary
        ? sloSentence(slo, hasColumn(summary, "goodput") && !allNull(summary, "goodput")) ?? ""
        : "Percentiles over successful requests (pass a summarize() table for throughput and goodput).",
    ),
  );
  const errors = errorsTable(table);
  if (errors) sections.push(section("Failed requests by error kind", errors));
  const lengths = lengthsTable(table);
  if (lengths) sections.push(section("Input and output lengths (tokens)", lengths));
  const counters = runs ? prometheusTable(runs) : null;
  if (counters) {
    sections.push(
      section(
        "Prometheus counters",
        counters,
        "Change of each counter between the scrapes before and after the run (histogram buckets left out).",
      ),
    );
  }
  return sections;
}

const SUMMARY_COLUMNS = [
  "label",
  "requests",
  "succeeded",
  "failed",
  "joined_by_trace_context",
  "joined_by_request_id",
  "duration_s",
  "concurrency",
  "rate",
  "request_throughput",
  "output_throughput",
  "goodput",
  "ttft_ms_p50",
  "ttft_ms_p99",
  "tpot_ms_p50",
  "tpot_ms_p99",
  "itl_ms_p50",
  "itl_ms_p99",
  "e2e_ms_p50",
  "e2e_ms_p99",
];

function runsTable(runs: Run[]): string {
  const headers = [
    "label",
    "run id",
    "model",
    "endpoint",
    "URL",
    "concurrency",
    "rate (req/s)",
    "requests",
    "duration (s)",
    "started",
    "tags",
  ];
  const rows = runs.map((r): Cell[] => {
    const m = r.meta;
    return [
      { text: m.label },
      { text: m.run_id },
      { text: m.model },
      { text: m.endpoint },
      { text: m.url },
      { ...formatValue(m.load?.concurrency ?? null) },
      { ...formatValue(m.load?.rate ?? null) },
      { text: String(r.requests.length), numeric: true },
      { ...formatValue(m.duration_ms / 1000) },
      { text: m.created_at },
      { text: formatTags(m.metadata) },
    ];
  });
  return `<div class="scroll">${htmlTable(headers, rows)}</div>`;
}

/** Each run's `meta.warnings` (e.g. no server span at all), as a list; null when none. */
function warningsList(runs: Run[]): string | null {
  const items = runs.flatMap((r) =>
    (r.meta.warnings ?? []).map((w) =>
      `<li>${runs.length > 1 ? `<b>${escapeHtml(r.meta.label)}</b>: ` : ""}${escapeHtml(w)}</li>`
    )
  );
  return items.length > 0 ? `<ul class="warnings">${items.join("\n")}</ul>` : null;
}

function summaryTable(summary: TableLike): string {
  // Columns without any value (rate in a closed loop, goodput without SLOs) are left out.
  const cols = SUMMARY_COLUMNS.filter((c) => hasColumn(summary, c) && !allNull(summary, c));
  const arrays = cols.map((c) => summary.array(c));
  const rows: Cell[][] = [];
  for (let i = 0; i < summary.numRows(); i++) rows.push(arrays.map((a) => formatValue(a[i])));
  return `<div class="scroll">${htmlTable(cols.map(columnTitle), rows)}</div>`;
}

function allNull(table: TableLike, column: string): boolean {
  return Array.from(table.array(column)).every((v) => v === null || v === undefined);
}

/** Count and p50/p90/p99 of the four latency metrics per label, from the requests table. */
function quickSummary(table: TableLike): string {
  const by = hasColumn(table, "label") ? "label" : undefined;
  const headers = [by ?? "run", "metric", "values", "p50 (ms)", "p90 (ms)", "p99 (ms)", "max (ms)"];
  const rows: Cell[][] = [];
  for (const m of QUICK_METRICS) {
    let groups: Map<string, Float64Array>;
    try {
      groups = metricGroups(table, m, by, "report").groups;
    } catch {
      continue; // metric column absent: skip its rows
    }
    for (const [g, v] of groups) {
      const q = (p: number) => formatValue(v.length ? quantileSorted(v, p) : null);
      rows.push([
        { text: g || "all" },
        { text: columnTitle(m) },
        { text: String(v.length), numeric: true },
        q(0.5),
        q(0.9),
        q(0.99),
        q(1),
      ]);
    }
  }
  return rows.length > 0
    ? `<div class="scroll">${htmlTable(headers, rows)}</div>`
    : `<p class="note">No latency columns in the table.</p>`;
}

function errorsTable(table: TableLike): string | null {
  if (!hasColumn(table, "success")) return null;
  const success = table.array("success");
  const kinds = hasColumn(table, "error_kind")
    ? strings(table, "error_kind")
    : new Array(table.numRows()).fill(null);
  const messages = hasColumn(table, "error_message")
    ? strings(table, "error_message")
    : new Array(table.numRows()).fill(null);
  const labels = hasColumn(table, "label") ? strings(table, "label") : null;
  const groups = new Map<string, { label: string; kind: string; n: number; example: string }>();
  for (let i = 0; i < success.length; i++) {
    if (success[i] !== false) continue;
    const label = labels?.[i] ?? "";
    const kind = kinds[i] ?? "unknown";
    const key = `${label}\u0000${kind}`;
    const g = groups.get(key) ?? { label, kind, n: 0, example: messages[i] ?? "" };
    g.n++;
    groups.set(key, g);
  }
  if (groups.size === 0) return null;
  const headers = [...(labels ? ["label"] : []), "error kind", "requests", "example message"];
  const rows = [...groups.values()].sort((a, b) => b.n - a.n).map((g): Cell[] => [
    ...(labels ? [{ text: g.label }] : []),
    { text: g.kind },
    { text: String(g.n), numeric: true },
    { text: g.example.length > 300 ? g.example.slice(0, 300) + "…" : g.example },
  ]);
  return `<div class="scroll">${htmlTable(headers, rows)}</div>`;
}
