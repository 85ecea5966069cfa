/**
 * Extracts one latency metric from a requests table (or a chunk table for ITL), per group,
 * ready for the distribution charts.
 *
 * @module
 */

import {
  distinct,
  forEachListValue,
  groupKeys,
  hasColumn,
  numbers,
  requireColumns,
  successMask,
  type TableLike,
} from "./columns.ts";
import { metricColumn } from "./labels.ts";
import { sortNumbers } from "./stats.ts";

/** A metric's values per group, each sorted ascending. */
export interface MetricGroups {
  /** The metric column (`ttft_ms`, ... ; `itl_ms` also when read from a chunk table's `gap_ms`). */
  metric: string;
  /** Group key → ascending values (group `""` when not grouped). Insertion order = first seen. */
  groups: Map<string, Float64Array>;
  /** Number of failed requests left out (rows with `success === false`). */
  failedExcluded: number;
}

/**
 * Reads `metric` from `table`, grouped by the optional column `by`, leaving out failed requests
 * and null values. For `itl_ms`, flattens the requests table's per-request `itl_ms` lists, or
 * reads a chunk table's `gap_ms`. Throws a `TypeError` naming any missing column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { metricGroups } from "./values.ts";
 * const t = aq.table({ ttft_ms: [30, 10, null], success: [true, true, false] });
 * const { metric, groups, failedExcluded } = metricGroups(t, "ttft", undefined, "plot.ecdf");
 * assert.equal(metric, "ttft_ms");
 * assert.deepEqual(groups.get(""), Float64Array.of(10, 30)); // sorted; one group without `by`
 * assert.equal(failedExcluded, 1);
 * ```
 */
export function metricGroups(
  table: TableLike,
  metricOption: string,
  by: string | undefined,
  where: string,
): MetricGroups {
  const metric = metricColumn(metricOption, where);
  requireColumns(table, [], where);
  if (by !== undefined) requireColumns(table, [by], where);
  const keep = successMask(table);
  const failedExcluded = keep.filter((k) => !k).length;
  const keys = groupKeys(table, by);
  const buckets = new Map<string, number[]>();
  const add = (row: number, v: number) => {
    const k = keys[row];
    let b = buckets.get(k);
    if (b === undefined) buckets.set(k, b = []);
    b.push(v);
  };
  if (metric === "itl_ms" && !hasColumn(table, "itl_ms") && hasColumn(table, "gap_ms")) {
    scalar(table, "gap_ms", keep, add);
  } else if (metric === "itl_ms") {
    requireColumns(table, ["itl_ms"], where);
    forEachListValue(table, "itl_ms", keep, add);
  } else {
    requireColumns(table, [metric], where);
    scalar(table, metric, keep, add);
  }
  const groups = new Map<string, Float64Array>();
  for (const [k, v] of buckets) groups.set(k, sortNumbers(v));
  return { metric, groups, failedExcluded };
}

function scalar(
  table: TableLike,
  column: string,
  keep: boolean[],
  add: (row: number, v: number) => void,
): void {
  const values = numbers(table, column);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (keep[i] && v !== null) add(i, v);
  }
}

/**
 * The column that tells runs apart when a table holds several (`label` when each run has its own,
 * else `run_id`), or undefined for one run: distribution charts colour by it so that several runs
 * are never pooled silently.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { runColumn } from "./values.ts";
 * const two = aq.table({ run_id: ["r1", "r2"], label: ["base", "tuned"], ttft_ms: [1, 2] });
 * assert.equal(runColumn(two), "label");
 * const sameLabel = aq.table({ run_id: ["r1", "r2"], label: ["x", "x"], ttft_ms: [1, 2] });
 * assert.equal(runColumn(sameLabel), "run_id");
 * assert.equal(runColumn(aq.table({ run_id: ["r1", "r1"], ttft_ms: [1, 2] })), undefined);
 * ```
 */
export function runColumn(table: TableLike): string | undefined {
  // not a table: metricGroups then says what was expected
  if (typeof table?.columnNames !== "function") return undefined;
  const count = (column: string) =>
    hasColumn(table, column) ? distinct(Array.from(table.array(column))).length : 0;
  const runs = count("run_id");
  const labels = count("label");
  if (runs > 1) return labels === runs ? "label" : "run_id";
  return labels > 1 ? "label" : undefined;
}

/** "N failed requests excluded" (or `""` when none). */
export function failedNote(n: number): string {
  return n > 0 ? `${n} failed request${n === 1 ? "" : "s"} excluded` : "";
}

/** Formats a count with thousands separators, independent of the locale (`12,345`). */
export function fmtCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A number with at most 4 significant digits, for subtitles (`64.01505` → `64.02`). */
export function fmtNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
