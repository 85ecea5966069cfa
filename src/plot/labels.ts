/**
 * Human-readable axis titles, with units, for the table and summary columns.
 *
 * @module
 */

import { optionMessage } from "../util/options.ts";

const NAMES: Record<string, string> = {
  ttft: "TTFT",
  tpot: "TPOT",
  itl: "ITL",
  e2e: "E2E latency",
  ttst: "time to second token",
  ttfot: "time to first output token",
  headers: "time to headers",
  lateness: "send lateness",
  first_chunk: "time to first chunk",
  last_chunk: "time to last chunk",
  gap: "ITL",
  server_queue: "server queue time",
  server_prefill: "server prefill time",
  server_decode: "server decode time",
  server_inference: "server inference time",
  server_ttft: "server TTFT",
  server_e2e: "server E2E latency",
  server_frontend: "server frontend time",
  client_overhead: "client overhead",
};

const PLAIN: Record<string, string> = {
  request_throughput: "request throughput (req/s)",
  output_throughput: "output throughput (tok/s)",
  total_token_throughput: "total token throughput (tok/s)",
  goodput: "goodput (req/s)",
  good_fraction: "good fraction",
  concurrency: "concurrency (max requests in flight)",
  rate: "request rate (req/s)",
  load_rate_rps: "request rate in force (req/s)",
  load_concurrency: "concurrency in force (requests allowed in flight)",
  duration_s: "duration (s)",
  requests: "requests",
  succeeded: "succeeded requests",
  failed: "failed requests",
  joined_by_trace_context: "spans joined by trace context",
  joined_by_request_id: "spans joined by request id",
  prompt_tokens: "prompt tokens",
  completion_tokens: "completion tokens",
  reasoning_tokens: "reasoning tokens",
  reasoning_chunks: "reasoning chunks",
  chunks: "chunks",
  peak_output_tokens_per_s: "peak output throughput (tok/s)",
  peak_concurrent_requests: "peak concurrent requests",
};

/**
 * An axis title with unit for a column name: `ttft_ms` → `TTFT (ms)`, `tpot_ms_p99` →
 * `TPOT p99 (ms)`, `output_throughput` → `output throughput (tok/s)`; unknown names are kept,
 * with the unit spelled out when they end in `_ms` or `_s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { columnTitle } from "./labels.ts";
 * assert.equal(columnTitle("ttft_ms_p99"), "TTFT p99 (ms)");
 * ```
 */
export function columnTitle(column: string): string {
  if (PLAIN[column]) return PLAIN[column];
  const m = /^(.*)_ms(?:_(mean|std|min|max|p\d+(?:_\d+)?|count))?$/.exec(column);
  if (m) {
    const name = NAMES[m[1]] ?? m[1];
    const stat = m[2]?.replace("_", ".");
    if (stat === "count") return `${name}: values`;
    return stat ? `${name} ${stat} (ms)` : `${name} (ms)`;
  }
  const u = /^output_tokens_per_s_per_user(?:_(mean|std|min|max|p\d+(?:_\d+)?))?$/.exec(column);
  if (u) return `output rate per user${u[1] ? ` ${u[1].replace("_", ".")}` : ""} (tok/s)`;
  if (column.endsWith("_s")) return `${column.slice(0, -2)} (s)`;
  return column;
}

/** The short metric name without unit: `ttft_ms` → `TTFT`. */
export function metricName(column: string): string {
  const m = /^(.*)_ms$/.exec(column);
  return m ? NAMES[m[1]] ?? m[1] : column;
}

/** The unit a column is measured in (`ms`, `s`, `req/s`, `tok/s`), or `""`. */
export function columnUnit(column: string): string {
  const t = columnTitle(column);
  const m = /\(([^()]+)\)$/.exec(t);
  return m ? m[1] : "";
}

/**
 * Normalises a metric option: `"ttft"` → `"ttft_ms"`, `"ttft_ms"` unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricColumn } from "./labels.ts";
 * assert.equal(metricColumn("tpot"), "tpot_ms");
 * ```
 */
export function metricColumn(metric: string, where = "plot"): string {
  if (typeof metric !== "string" || metric.length === 0) {
    throw new TypeError(optionMessage(where, "metric", 'a column name such as "ttft_ms"', metric));
  }
  return NAMES[metric] !== undefined ? `${metric}_ms` : metric;
}
