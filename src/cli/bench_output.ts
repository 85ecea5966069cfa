/**
 * What `deno task bench` writes and prints: each run as JSON and CSV, the summary of all runs
 * as CSV, an HTML report with charts, and the summary table on stdout.
 *
 * @module
 */

import { join } from "node:path";
import type { ColumnTable } from "../deps/arquero.ts";
import type { RequestRecord, Run } from "../types.ts";
import { saveNew, writeNew } from "./run_files.ts";
import { timestampedName } from "../io/timestamped_name.ts";
import { formatCsvRow } from "../io/csv.ts";
import { neutralizeFormula } from "../io/csv_format.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { formatSummary } from "../display/format_summary.ts";
import { report } from "../plot/report.ts";
import { alignColumns } from "../display/text_table.ts";
import { formatNumber } from "../display/format_value.ts";
import type { BenchArgs } from "./bench_args.ts";

/**
 * The line bench prints after enrich: how many requests got their server span, and how —
 * verified by trace context (`found`) or by `gen_ai.request.id` (`found_by_request_id`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinedLine } from "./bench_output.ts";
 * const statuses = ["found", "found", "found_by_request_id", "not_found"] as const;
 * assert.equal(
 *   joinedLine(statuses.map((span_status) => ({ span_status }))),
 *   "server spans joined: 3 of 4 requests (2 by trace context, 1 by request id)",
 * );
 * ```
 */
export function joinedLine(requests: readonly Pick<RequestRecord, "span_status">[]): string {
  const byTrace = requests.filter((r) => r.span_status === "found").length;
  const byRequestId = requests.filter((r) => r.span_status === "found_by_request_id").length;
  return `server spans joined: ${byTrace + byRequestId} of ${requests.length} requests ` +
    `(${byTrace} by trace context, ${byRequestId} by request id)`;
}

/** `<UTC time>_<label>` (src/io's timestamped name without its extension). */
export function timestampedBase(label: string): string {
  return timestampedName(label, "json").replace(/\.json$/, "");
}

/**
 * A summary table as CSV: a header row, then one row per run; lists and objects as JSON; text
 * that a spreadsheet would run as a formula (a label or model starting with `=`, `-`...) gets a
 * `'` in front.
 */
export function summaryCsv(summary: ColumnTable): string {
  const names = summary.columnNames();
  const cell = (value: unknown): string | null =>
    value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))
      ? null
      : typeof value === "object"
      ? JSON.stringify(value)
      : typeof value === "string"
      ? neutralizeFormula(value)
      : String(value);
  return formatCsvRow(names) +
    summary.objects().map((row) =>
      formatCsvRow(names.map((n) => cell((row as Record<string, unknown>)[n])))
    ).join("");
}

/**
 * Saves a run as `<base>.json` and `<base>.csv` (never over an existing file: a taken name gets a
 * `-2`… suffix); returns the paths.
 */
export async function writeRunFiles(run: Run, base: string): Promise<string[]> {
  return [await saveNew(run, base, "json"), await saveNew(run, base, "csv")];
}

/**
 * The summary (one row per run) of some runs with the invocation's percentiles and SLOs, over the
 * steady state only with --steady-state.
 */
export function summaryOf(
  runs: Run[],
  args: Pick<BenchArgs, "percentiles" | "slo"> & Partial<Pick<BenchArgs, "steadyState">>,
) {
  return summarize(toTable(runs), {
    percentiles: args.percentiles ?? undefined,
    slo: Object.keys(args.slo).length > 0 ? args.slo : undefined,
    steadyState: args.steadyState === true,
  });
}

/** Prints the full summary (every metric's statistics) of `runs`. */
export function printSummary(runs: Run[], args: BenchArgs, write: (text: string) => void): void {
  write(formatSummary(summaryOf(runs, args)) + "\n");
}

/** Columns of the one-line-per-run sweep table: [summary column, header]. */
const SWEEP_COLUMNS: [string, string][] = [
  ["label", "run"],
  ["requests", "requests"],
  ["failed", "failed"],
  ["request_throughput", "req/s"],
  ["output_throughput", "out tok/s"],
  ["goodput", "goodput req/s"],
  ["ttft_ms_p50", "TTFT p50 ms"],
  ["ttft_ms_p99", "TTFT p99 ms"],
  ["tpot_ms_p50", "TPOT p50 ms"],
  ["tpot_ms_p99", "TPOT p99 ms"],
  ["e2e_ms_p99", "E2E p99 ms"],
  ["server_queue_ms_p50", "queue p50 ms"],
];

/**
 * One line per run with the headline numbers, for comparing the points of a sweep at a glance.
 * Columns the summary lacks (e.g. goodput without --slo, server times without traces) are left out.
 */
export function formatSweepTable(summary: ColumnTable): string {
  const rows = summary.objects() as Record<string, unknown>[];
  const columns = SWEEP_COLUMNS.filter(([name]) =>
    summary.columnNames().includes(name) &&
    rows.some((r) => r[name] !== null && r[name] !== undefined)
  );
  const cell = (value: unknown) =>
    typeof value === "number"
      ? formatNumber(value)
      : value === null || value === undefined
      ? ""
      : String(value);
  return alignColumns(
    columns.map(([, header]) => header),
    rows.map((row) => columns.map(([name]) => cell(row[name]))),
    columns.map(([name]) => name !== "label"),
  );
}

/** Prints the one-line-per-run table of a sweep. */
export function printSweepTable(runs: Run[], args: BenchArgs, write: (text: string) => void): void {
  write(formatSweepTable(summaryOf(runs, args)) + "\n");
}

/** Subfolder of --out for the summary CSV and the report, so `loadAll(out)` sees only runs. */
export const REPORTS_DIR = "reports";

/**
 * Writes the summary CSV and the HTML report of all runs of the invocation into
 * `<out>/reports/` (kept apart from the run files: `loadAll(out)` reads every CSV of `out` as a
 * run); returns the paths.
 */
export async function writeSweepFiles(runs: Run[], args: BenchArgs): Promise<string[]> {
  await Deno.mkdir(join(args.out, REPORTS_DIR), { recursive: true });
  const base = join(args.out, REPORTS_DIR, timestampedBase(`${args.label}-summary`));
  const summary = summaryOf(runs, args);
  const csvPath = await writeNew(base, "csv", summaryCsv(summary));
  const slo = Object.keys(args.slo).length > 0 ? args.slo : undefined;
  const html = await report({ runs, summary, slo, title: `vllm-metrics ${args.label}` });
  const htmlPath = await writeNew(base, "html", html);
  return [csvPath, htmlPath];
}
