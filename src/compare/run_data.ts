/**
 * What the bootstrap needs of one run, read once from its request table: one {@link ValuePool}
 * per latency metric, the throughput inputs, and the point estimates (from `summarize`, so they
 * are the summary's numbers exactly).
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import type { Slo } from "../types.ts";
import { finiteOrNaN, type Indexable, readColumn } from "../summarize/columns.ts";
import { groupTotals, type TotalsColumns, totalsColumns } from "../summarize/group_totals.ts";
import { meetsSlo } from "../summarize/goodput.ts";
import { summarize } from "../summarize/summarize.ts";
import { ValuePool } from "./value_pool.ts";
import type { ThroughputInputs } from "./throughput.ts";

/** The percentiles compared (the statistics are the mean and these). */
export const COMPARED_PERCENTILES: readonly number[] = [50, 90, 99];

/** One run, ready to resample: request i is row `rows[i]` of its table. */
export interface RunData {
  /** Number of requests (rows of the table after any filter), failed ones included. */
  requests: number;
  /** Per latency metric, its values over the successful requests. */
  pools: Map<string, ValuePool>;
  rates: ThroughputInputs;
  /** The run's summary row (`summarize` over all rows, percentiles 50, 90, 99). */
  summary: Record<string, unknown>;
}

/**
 * Reads one run's table. `metrics` are latency columns present in the table (scalar, or lists
 * such as itl_ms, pooled). Only successful requests give latency values; TPOT only with ≥ 2
 * output tokens (as summarize).
 */
export function runData(table: ColumnTable, metrics: readonly string[], slo?: Slo): RunData {
  const rows = table.indices();
  const read = (name: string) => readColumn(table, name, "compareRuns");
  const success = read("success");
  const completion = read("completion_tokens");
  const pools = new Map<string, ValuePool>();
  for (const metric of metrics) {
    pools.set(metric, poolOf(metric, read(metric), rows, success, completion));
  }
  const summary = summarize(table.ungroup(), {
    groupby: [],
    metrics: [...metrics],
    percentiles: [...COMPARED_PERCENTILES],
    slo,
  }).objects()[0] as Record<string, unknown>;
  return { requests: rows.length, pools, rates: rateInputs(table, rows, slo), summary };
}

function poolOf(
  metric: string,
  column: Indexable,
  rows: Uint32Array,
  success: Indexable,
  completion: Indexable,
): ValuePool {
  const lists: (ArrayLike<number> | null)[] = new Array(rows.length).fill(null);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (success[row] !== true) continue;
    const cell = column[row];
    if (Array.isArray(cell) || ArrayBuffer.isView(cell)) {
      lists[i] = cell as ArrayLike<number>;
      continue;
    }
    if (cell != null && typeof cell !== "number") {
      throw new TypeError(`compareRuns: metric column "${metric}" holds a ${typeof cell}`);
    }
    const tokens = completion[row];
    if (metric === "tpot_ms" && typeof tokens === "number" && tokens < 2) continue;
    const value = finiteOrNaN(cell);
    if (!Number.isNaN(value)) lists[i] = [value];
  }
  return ValuePool.fromLists(lists, COMPARED_PERCENTILES);
}

/** The throughput inputs of the run (see {@link ThroughputInputs}). */
function rateInputs(table: ColumnTable, rows: Uint32Array, slo?: Slo): ThroughputInputs {
  const columns = totalsColumns(table, "compareRuns", true);
  const totals = groupTotals(rows, columns);
  const n = rows.length;
  const busyMs = new Float64Array(n);
  const succeeded = new Uint8Array(n);
  const outputTokens = new Float64Array(n);
  const good = slo ? new Uint8Array(n) : null;
  let busyTotal = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const start = finiteOrNaN(columns.start_ms[row]);
    const end = columns.end_ms
      ? finiteOrNaN(columns.end_ms[row])
      : start + finiteOrNaN(columns.e2e_ms[row]);
    busyMs[i] = end - start >= 0 ? end - start : 0;
    busyTotal += busyMs[i];
    if (columns.success[row] !== true) continue;
    succeeded[i] = 1;
    const tokens = finiteOrNaN(columns.completion_tokens[row]);
    outputTokens[i] = Number.isNaN(tokens) ? 0 : tokens;
    if (good && meetsSlo(requestOf(columns, row), slo!)) good[i] = 1;
  }
  const durationMs = totals.last_ms > totals.first_ms ? totals.last_ms - totals.first_ms : NaN;
  const rate = table.column("rate") ? readColumn(table, "rate", "compareRuns") : null;
  const openLoop = rate !== null && rows.some((row) => Number.isFinite(rate[row]));
  return {
    model: openLoop ? "arrivals" : "slots",
    durationMs,
    busyMs,
    inFlight: busyTotal / durationMs,
    succeeded,
    outputTokens,
    good,
  };
}

function requestOf(columns: TotalsColumns, row: number) {
  return {
    ttft_ms: finiteOrNaN(columns.ttft_ms![row]),
    tpot_ms: finiteOrNaN(columns.tpot_ms![row]),
    e2e_ms: finiteOrNaN(columns.e2e_ms![row]),
    completion_tokens: finiteOrNaN(columns.completion_tokens![row]),
  };
}
