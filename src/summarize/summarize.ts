/**
 * Per-group statistics, throughput and goodput of a request table, as `vllm bench serve` reports
 * them (see docs/metrics.md "Aggregates").
 *
 * @module
 */

import { type ColumnTable, table as makeTable } from "../deps/arquero.ts";
import { checkPercentile } from "./percentile.ts";
import { percentileColumn } from "./percentile_column.ts";
import { describe, type MetricStats } from "./describe.ts";
import { describePooled } from "./describe_pooled.ts";
import { groupRows } from "./groups.ts";
import { finiteOrNaN, type Indexable, readColumn } from "./columns.ts";
import { checkSlo, type SloOptions } from "./goodput.ts";
import { groupTotals, type TotalsColumns, totalsColumns } from "./group_totals.ts";
import { tokenLengthStats } from "./token_lengths.ts";
import { errorCounts } from "./error_counts.ts";
import { type PeakColumns, peakConcurrentRequests, peakOutputTokensPerS } from "./peaks.ts";
import { markSummary } from "./summary_mark.ts";
import { steadyStateRows } from "./steady_state_rows.ts";

/** Options of {@link summarize}. */
export interface SummarizeOptions {
  /** Percentiles reported per metric, each in [0, 100] (default [50, 90, 95, 99]). */
  percentiles?: number[];
  /**
   * Group columns, one name or a list (default: the table's arquero groups if it is grouped, else
   * ["run_id", "label"]); `[]` for one group over all rows.
   */
  groupby?: string | string[];
  /**
   * SLOs for goodput (as `vllm bench serve --goodput`); without it goodput is null. Keys
   * `ttft_ms`, `tpot_ms`, `e2e_ms`, or `ttft`, `tpot`, `e2e` as in plot options.
   */
  slo?: SloOptions;
  /**
   * Metric columns (default: ttft_ms, ttfot_ms when some request reasoned first, tpot_ms,
   * itl_ms, e2e_ms, then every server_*_ms column except server_start_ms that has a value). A
   * list-valued column (itl_ms) is pooled.
   */
  metrics?: string[];
  /**
   * Summarize only the requests sent in their run's steady state (the table's `steady_state`
   * column: in-flight count at ≥ 95 % of the run's concurrency, as vllm-bench), leaving out the
   * ramp-up and the drain; the column `steady_state_excluded` says how many per group. Needs
   * runs with a concurrency limit (else a RangeError naming the run). Default false.
   */
  steadyState?: boolean;
}

const DEFAULT_PERCENTILES = [50, 90, 95, 99];

/** The group columns: `groupby` as a list (one name is a list of one), or the default. */
function groupColumns(table: ColumnTable, groupby: string | string[] | undefined): string[] {
  if (groupby === undefined) {
    return table.isGrouped()
      ? table.groups().names
      : DEFAULT_GROUPBY.filter((n) => table.column(n));
  }
  const names = typeof groupby === "string" ? [groupby] : groupby;
  if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) {
    throw new TypeError(
      `summarize: groupby must be a column name or a list of them, got ${JSON.stringify(groupby)}`,
    );
  }
  return names;
}
const DEFAULT_GROUPBY = ["run_id", "label"];
const CLIENT_METRICS = [
  "ttft_ms",
  "tpot_ms",
  "itl_ms",
  "e2e_ms",
  "ttst_ms",
];
/** A rate per request, summarized without a `_count` column (displays take those for ms). */
const PER_USER = "output_tokens_per_s_per_user";

/**
 * One row per group with counts, throughput, goodput and statistics per metric.
 *
 * Columns: the group columns; `requests`, `succeeded`, `failed`; with `steadyState`,
 * `steady_state_excluded` (requests of the ramp-up and drain left out; every other column is over
 * the steady-state requests only); `errors_by_kind` (the failed
 * requests by `error_kind`, e.g. `"http_error 2, timeout 1"`; null when none failed);
 * `joined_by_trace_context` and
 * `joined_by_request_id` (requests whose server span was joined by trace context, span_status
 * `found`, or by `gen_ai.request.id`, `found_by_request_id`; null when the group was not enriched); `duration_s` (first `start_ms`
 * to last `end_ms` among the group's requests, failed ones included — the table carries no run
 * duration); `request_throughput` (succeeded / duration_s, req/s), `output_throughput`
 * (Σ completion_tokens of succeeded / duration_s, tok/s), `total_token_throughput`
 * ((Σ prompt_tokens + Σ completion_tokens of succeeded) / duration_s, tok/s);
 * `peak_output_tokens_per_s` (most output tokens in one 1-second bucket) and
 * `peak_concurrent_requests` (most requests open at one instant), see ./peaks.ts;
 * `total_input_tokens`, `input_tokens_mean`, `input_tokens_p50`, `input_tokens_p99` and the same
 * for `output` (prompt_tokens and completion_tokens of succeeded requests, as vllm bench's totals);
 * `goodput`
 * (good requests / duration_s, req/s; null without `slo`) and `good_fraction` (good / requests);
 * `concurrency` and `rate` when constant within the group (else null); and per metric m:
 * `m_mean`, `m_std` (population, ddof = 0), `m_min`, `m_p50`… (numpy linear; p99.9 → `m_p99_9`),
 * `m_max`, `m_count`; and `output_tokens_per_s_per_user_mean`, `_std`, `_min`, `_p50`…, `_max`
 * (1000 / TPOT per request; no `_count`, as it is a rate, not a latency).
 *
 * Only successful requests enter the metric statistics; TPOT only from requests with ≥ 2 output
 * tokens; ITL is pooled over all gaps of all successful requests of the group (vllm bench's way).
 * Missing values are null in the summary (not NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarize } from "./summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // three requests (e.g. `await load("run.json")`) with TTFT 20, 30 and 400 ms
 * const run = makeRun([
 *   makeRecord({ index: 0, ttft_ms: 20, e2e_ms: 50 }),
 *   makeRecord({ index: 1, ttft_ms: 30, e2e_ms: 60 }),
 *   makeRecord({ index: 2, ttft_ms: 400, e2e_ms: 430 }),
 * ]);
 * const summary = summarize(toTable(run), { slo: { ttft_ms: 200 } });
 * const row = summary.objects()[0] as Record<string, number | null>;
 * assert.equal(row.succeeded, 3);
 * assert.equal(row.ttft_ms_p50, 30);
 * assert.equal(row.ttft_ms_max, 400);
 * assert.equal(row.good_fraction, 2 / 3); // two of three meet the SLO
 * ```
 */
export function summarize(table: ColumnTable, options: SummarizeOptions = {}): ColumnTable {
  const percentiles = options.percentiles ?? DEFAULT_PERCENTILES;
  if (!Array.isArray(percentiles)) {
    throw new TypeError(`summarize: percentiles must be an array, got ${percentiles}`);
  }
  for (const p of percentiles) checkPercentile(p, "summarize");
  const slo = options.slo === undefined ? undefined : checkSlo(options.slo);
  const groupby = groupColumns(table, options.groupby);
  const metrics = options.metrics ?? defaultMetrics(table);
  const groups = groupRows(table.isGrouped() ? table.ungroup() : table, groupby);
  if (options.steadyState !== undefined && typeof options.steadyState !== "boolean") {
    throw new TypeError(`summarize: steadyState must be a boolean, got ${options.steadyState}`);
  }
  const steady = options.steadyState ? steadyStateRows(table, groups.rows) : null;

  const read = (name: string) => readColumn(table, name, "summarize");
  const columnsForTotals: TotalsColumns = totalsColumns(table, "summarize", slo !== undefined);
  const carried = ["concurrency", "rate"].filter((n) => !groupby.includes(n) && table.column(n));
  const spanStatus = table.column("span_status") ? read("span_status") : null;
  const errorKind = table.column("error_kind") ? read("error_kind") : null;
  const peakColumns = readPeakColumns(table, columnsForTotals);
  const perUser = table.column(PER_USER) && !metrics.includes(PER_USER) ? read(PER_USER) : null;

  const out: Record<string, unknown[]> = {};
  const add = (name: string, value: unknown) => (out[name] ??= []).push(value);
  const metricColumns = metrics.map((name) => ({ name, values: read(name) }));
  // One buffer, shared by all groups, for copying a list metric's pooled values (describePooled).
  const pooledScratch = { buffer: new Float64Array(0) };

  groups.rows.forEach((allRows, g) => {
    const rows = steady ? steady.rows[g] : allRows;
    groups.names.forEach((name, c) => add(name, nullIfNaN(groups.keys[g][c])));
    const t = groupTotals(rows, columnsForTotals, slo);
    const durationS = t.last_ms > t.first_ms ? (t.last_ms - t.first_ms) / 1000 : null;
    const perSecond = (count: number) => (durationS ? count / durationS : null);
    add("requests", t.requests);
    add("succeeded", t.succeeded);
    add("failed", t.requests - t.succeeded);
    if (steady) add("steady_state_excluded", steady.excluded[g]);
    add("errors_by_kind", errorCounts(columnsForTotals.success, errorKind, rows));
    const joins = spanStatus ? joinCounts(spanStatus, rows) : null;
    add("joined_by_trace_context", joins?.byTraceContext ?? null);
    add("joined_by_request_id", joins?.byRequestId ?? null);
    add("duration_s", durationS);
    add("request_throughput", perSecond(t.succeeded));
    add("output_throughput", perSecond(t.output_tokens));
    add("total_token_throughput", perSecond(t.input_tokens + t.output_tokens));
    add(
      "peak_output_tokens_per_s",
      peakColumns && peakOutputTokensPerS(t.succeeded_rows, peakColumns),
    );
    add("peak_concurrent_requests", peakColumns && peakConcurrentRequests(rows, peakColumns));
    addLengths(add, "input", tokenLengthStats(columnsForTotals.prompt_tokens, t.succeeded_rows));
    addLengths(
      add,
      "output",
      tokenLengthStats(columnsForTotals.completion_tokens, t.succeeded_rows),
    );
    add("goodput", slo ? perSecond(t.good) : null);
    add("good_fraction", slo && t.requests > 0 ? t.good / t.requests : null);
    for (const name of carried) add(name, constantValue(read(name), rows));
    // One scratch buffer for the group's scalar metrics, reused: each is summarized before the next
    // is copied in.
    const okRows = t.succeeded_rows;
    const scratch = new Float64Array(okRows.length);
    for (const metric of metricColumns) {
      const stats = metricStats(
        metric.name,
        metric.values,
        okRows,
        columnsForTotals.completion_tokens,
        percentiles,
        scratch,
        pooledScratch,
      );
      add(`${metric.name}_mean`, stats.mean);
      add(`${metric.name}_std`, stats.std);
      add(`${metric.name}_min`, stats.min);
      percentiles.forEach((p, i) => add(percentileColumn(metric.name, p), stats.percentiles[i]));
      add(`${metric.name}_max`, stats.max);
      add(`${metric.name}_count`, stats.count);
    }
    if (perUser) {
      addPerUser(
        add,
        describe(
          metricValues(PER_USER, perUser, okRows, columnsForTotals.completion_tokens, scratch),
          percentiles,
        ),
        percentiles,
      );
    }
  });
  if (groups.rows.length === 0) {
    // Keep the schema for an empty table: no rows, same columns.
    for (const name of groups.names) out[name] ??= [];
  }
  return markSummary(makeTable(out));
}

/** `output_tokens_per_s_per_user_mean`, `_std`, `_min`, `_p50`…, `_max` (no `_count`). */
function addPerUser(
  add: (name: string, value: unknown) => void,
  stats: MetricStats,
  percentiles: readonly number[],
): void {
  add(`${PER_USER}_mean`, stats.mean);
  add(`${PER_USER}_std`, stats.std);
  add(`${PER_USER}_min`, stats.min);
  percentiles.forEach((p, i) => add(percentileColumn(PER_USER, p), stats.percentiles[i]));
  add(`${PER_USER}_max`, stats.max);
}

/** The columns the peaks need, or null when the table lacks ttft_ms or itl_ms. */
function readPeakColumns(table: ColumnTable, totals: TotalsColumns): PeakColumns | null {
  if (!table.column("ttft_ms") || !table.column("itl_ms")) return null;
  const read = (name: string) => readColumn(table, name, "summarize");
  const end = totals.end_ms ?? Float64Array.from(
    { length: totals.start_ms.length },
    (_, i) => (totals.start_ms[i] as number) + (totals.e2e_ms[i] as number),
  );
  return {
    start_ms: totals.start_ms,
    ttft_ms: read("ttft_ms"),
    itl_ms: read("itl_ms"),
    completion_tokens: totals.completion_tokens,
    chunk_tokens: table.column("chunk_tokens") ? read("chunk_tokens") : null,
    end_ms: end,
  };
}

/**
 * The default metric list for `table`: client metrics present (`ttfot_ms` after `ttft_ms` when
 * some row reasoned), then server_*_ms with values.
 */
export function defaultMetrics(table: ColumnTable): string[] {
  const names = table.columnNames();
  const rows = table.indices();
  const server = names.filter((name) =>
    name.startsWith("server_") && name.endsWith("_ms") && name !== "server_start_ms" &&
    hasValue(readColumn(table, name, "summarize"), rows)
  );
  const client = CLIENT_METRICS.filter((name) => names.includes(name));
  if (client[0] === "ttft_ms" && anyReasoning(table, rows)) client.splice(1, 0, "ttfot_ms");
  return [...client, ...server];
}

/**
 * Whether some row reasoned before its output: `reasoning_chunks` > 0, or a `ttfot_ms` other than
 * its `ttft_ms`. Without reasoning `ttfot_ms` equals `ttft_ms`, and summarizing it would only
 * repeat TTFT.
 */
function anyReasoning(table: ColumnTable, rows: Uint32Array): boolean {
  const read = (name: string) => table.column(name) ? readColumn(table, name, "summarize") : null;
  const chunks = read("reasoning_chunks");
  const ttfot = read("ttfot_ms");
  const ttft = read("ttft_ms");
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (chunks !== null && finiteOrNaN(chunks[row]) > 0) return true;
    const output = ttfot === null ? NaN : finiteOrNaN(ttfot[row]);
    if (Number.isFinite(output) && output !== finiteOrNaN(ttft?.[row])) return true;
  }
  return false;
}

/**
 * Statistics of one metric over a group's successful rows (`okRows`): a list column (itl_ms)
 * pooled over all its lists (copied into `pooledScratch` unless huge), other columns through a
 * copy of their values into `scratch` (≥ okRows.length).
 */
function metricStats(
  name: string,
  column: Indexable,
  okRows: Uint32Array,
  completionTokens: Indexable,
  percentiles: readonly number[],
  scratch: Float64Array,
  pooledScratch: { buffer: Float64Array },
): MetricStats {
  if (isListColumn(column, okRows)) {
    const lists: ArrayLike<number>[] = [];
    for (let i = 0; i < okRows.length; i++) {
      const list = column[okRows[i]] as ArrayLike<number> | null;
      if (list) lists.push(list);
    }
    return describePooled(lists, percentiles, { scratch: pooledScratch });
  }
  return describe(metricValues(name, column, okRows, completionTokens, scratch), percentiles);
}

/**
 * The values of one scalar metric over a group's successful rows (`okRows`), copied to the start
 * of `values` (≥ okRows.length) and returned as a subarray of it: TPOT only where
 * completion_tokens ≥ 2 (or unknown), missing values skipped.
 */
function metricValues(
  name: string,
  column: Indexable,
  okRows: Uint32Array,
  completionTokens: Indexable,
  values: Float64Array,
): Float64Array {
  const isTpot = name === "tpot_ms";
  let k = 0;
  for (let i = 0; i < okRows.length; i++) {
    const row = okRows[i];
    const v = column[row];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      if (v != null && typeof v !== "number") {
        throw new TypeError(`summarize: metric column "${name}" holds a ${typeof v}, not numbers`);
      }
      continue;
    }
    if (isTpot) {
      const tokens = completionTokens[row];
      if (typeof tokens === "number" && tokens < 2) continue; // NaN (unknown) < 2 is false
    }
    values[k++] = v;
  }
  return values.subarray(0, k);
}

function isListColumn(column: Indexable, rows: Uint32Array): boolean {
  for (let i = 0; i < rows.length; i++) {
    const v = column[rows[i]];
    if (v != null) return Array.isArray(v) || ArrayBuffer.isView(v);
  }
  return false;
}

function hasValue(column: Indexable, rows: Uint32Array): boolean {
  if (column instanceof Float64Array) {
    // Any finite number. Over all rows (their order does not matter for "any"): a builtin calling
    // a builtin, as fast before V8 has compiled this code as after (a column without values is
    // read to its end).
    if (rows.length === column.length) return column.some(Number.isFinite);
    for (let i = 0; i < rows.length; i++) {
      const v = column[rows[i]];
      if (v - v === 0) return true;
    }
    return false;
  }
  for (let i = 0; i < rows.length; i++) {
    const v = column[rows[i]];
    if (typeof v === "number" ? Number.isFinite(v) : v != null) return true;
  }
  return false;
}

/**
 * `total_<what>_tokens`, `<what>_tokens_mean`, `_p50`, `_p99`: a group's input or output lengths
 * (no `_count` column, so displays do not take them for a latency metric).
 */
function addLengths(
  add: (name: string, value: unknown) => void,
  what: "input" | "output",
  stats: ReturnType<typeof tokenLengthStats>,
): void {
  add(`total_${what}_tokens`, stats.total);
  add(`${what}_tokens_mean`, stats.mean);
  add(`${what}_tokens_p50`, stats.p50);
  add(`${what}_tokens_p99`, stats.p99);
}

/**
 * Requests joined to their span by trace context (`found`) and by request id; null when
 * `enrich` never ran on the group (every status `not_enriched`).
 */
function joinCounts(
  spanStatus: Indexable,
  rows: Uint32Array,
): { byTraceContext: number; byRequestId: number } | null {
  let byTraceContext = 0;
  let byRequestId = 0;
  let enriched = false;
  for (let i = 0; i < rows.length; i++) {
    const status = spanStatus[rows[i]];
    if (status === "found") byTraceContext++;
    else if (status === "found_by_request_id") byRequestId++;
    if (status != null && status !== "not_enriched") enriched = true;
  }
  return enriched ? { byTraceContext, byRequestId } : null;
}

function constantValue(column: Indexable, rows: Uint32Array): unknown {
  if (rows.length === 0) return null;
  const first = column[rows[0]];
  for (let i = 1; i < rows.length; i++) {
    if (!Object.is(column[rows[i]], first)) return null;
  }
  return nullIfNaN(first);
}

function nullIfNaN(value: unknown): unknown {
  return typeof value === "number" && Number.isNaN(value) ? null : value ?? null;
}
