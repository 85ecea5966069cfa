/**
 * A summary table (from `summarize`) laid out per group: a title, the counts and throughput, and
 * a metric × statistic grid. Shared by the text and the HTML views.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { formatNumber } from "./format_value.ts";

/** One group of a summary, ready to print. */
export interface SummaryBlock {
  /** `run_id=… label=…` from the group columns. */
  title: string;
  /** Counts, duration, throughput, goodput lines. */
  facts: string[];
  /** Header of the metric grid, units included (`metric`, `mean`, …, `count`). */
  header: string[];
  /** One row per metric: name with unit, then the statistics. */
  rows: string[][];
}

const COUNTS = [
  "requests",
  "succeeded",
  "failed",
  "duration_s",
  "request_throughput",
  "output_throughput",
  "total_token_throughput",
  "goodput",
  "good_fraction",
];

/** The summary's groups as {@link SummaryBlock}s. */
export function summaryBlocks(summary: ColumnTable): SummaryBlock[] {
  const names = summary.columnNames();
  const metrics = names
    .filter((n) => n.endsWith("_count") && names.includes(n.slice(0, -6) + "_mean"))
    .map((n) => n.slice(0, -6));
  const firstStat = names.indexOf("requests");
  const groupNames = names.slice(0, firstStat === -1 ? 0 : firstStat);
  const stats = metrics.length === 0 ? [] : names
    .filter((n) => n.startsWith(metrics[0] + "_"))
    .map((n) => n.slice(metrics[0].length + 1));
  const carried = ["concurrency", "rate"].filter((n) =>
    names.includes(n) && !groupNames.includes(n)
  );
  return (summary.objects() as Record<string, unknown>[]).map((row) => {
    const title = [...groupNames, ...carried]
      .filter((n) => row[n] != null)
      .map((n) => `${n}=${show(row[n])}`)
      .join(" ") || "all requests";
    const facts: string[] = [];
    if (COUNTS.every((n) => n in row)) {
      facts.push(
        `requests ${row.requests}  succeeded ${row.succeeded}  failed ${row.failed}${
          row.errors_by_kind ? ` (${row.errors_by_kind})` : ""
        }  duration ${show(row.duration_s)} s`,
      );
      if (row.steady_state_excluded != null) {
        facts.push(
          `steady state only: ${row.steady_state_excluded} ${
            row.steady_state_excluded === 1 ? "request" : "requests"
          } of the ramp-up and drain left out`,
        );
      }
      facts.push(
        `throughput ${show(row.request_throughput)} req/s  output ${
          show(row.output_throughput)
        } tok/s  total ${show(row.total_token_throughput)} tok/s`,
      );
      if (row.peak_output_tokens_per_s != null) {
        facts.push(
          `peak output ${show(row.peak_output_tokens_per_s)} tok/s in 1 s  peak concurrency ${
            show(row.peak_concurrent_requests)
          } in flight`,
        );
      }
      if (row.output_tokens_per_s_per_user_mean != null) {
        facts.push(
          `output tok/s per user mean ${show(row.output_tokens_per_s_per_user_mean)}  p50 ${
            show(row.output_tokens_per_s_per_user_p50)
          }  min ${show(row.output_tokens_per_s_per_user_min)}`,
        );
      }
      if (row.joined_by_trace_context != null && row.joined_by_request_id != null) {
        const joined = (row.joined_by_trace_context as number) +
          (row.joined_by_request_id as number);
        facts.push(
          `server spans joined ${joined}: ${row.joined_by_trace_context} by trace context, ${row.joined_by_request_id} by request id`,
        );
      }
      for (const what of ["input", "output"]) {
        if (row[`total_${what}_tokens`] === undefined) continue;
        facts.push(
          `${what} tokens ${show(row[`total_${what}_tokens`])}  per request mean ${
            show(row[`${what}_tokens_mean`])
          }  p50 ${show(row[`${what}_tokens_p50`])}  p99 ${show(row[`${what}_tokens_p99`])}`,
        );
      }
      if (row.goodput != null) {
        facts.push(
          `goodput ${show(row.goodput)} req/s  (${
            show(100 * (row.good_fraction as number))
          } % of requests good)`,
        );
      }
    }
    const unit = metrics.every((m) => m.endsWith("_ms")) ? " (ms)" : "";
    const header = ["metric", ...stats.map((s) => s + (s === "count" ? "" : unit))];
    const rows = metrics.map((m) => [m, ...stats.map((s) => show(row[`${m}_${s}`]))]);
    return { title, facts, header, rows };
  });
}

function show(value: unknown): string {
  if (value == null) return "–";
  return typeof value === "number" ? formatNumber(value) : String(value);
}
