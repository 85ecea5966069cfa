/**
 * Reading columns out of tables for the charts. Works on any arquero `ColumnTable` (or anything
 * with the same three methods), so src/plot does not depend on how the tables are built.
 *
 * @module
 */

/** The part of an arquero table the charts use. */
export interface TableLike {
  /** Names of the table's columns. */
  columnNames(): string[];
  /** Number of rows (after any filter). */
  numRows(): number;
  /** The values of one column, one per row. */
  array(name: string): ArrayLike<unknown>;
}

/**
 * Throws a `TypeError` naming the chart and every missing column when `table` lacks one, and
 * which table the chart takes when it was given another kind (a request table where chunks are
 * needed: "use toChunkTable(runs)"; chunks or a summary where requests are needed; requests where
 * a summary is needed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { requireColumns } from "./columns.ts";
 * const t = aq.table({ ttft_ms: [1] });
 * requireColumns(t, ["ttft_ms"], "plot.histogram"); // ok
 * assert.throws(() => requireColumns(t, ["success"], "plot.histogram"), {
 *   name: "TypeError",
 *   message: 'plot.histogram: column "success" not found in the table (it has: ttft_ms)',
 * });
 * const requests = aq.table({ ttft_ms: [1], e2e_ms: [2] });
 * assert.throws(
 *   () => requireColumns(requests, ["wall_ms", "gap_ms"], "plot.itlOverTime"),
 *   /takes the chunk table \(one row per streamed chunk\): use toChunkTable\(runs\)/,
 * );
 * ```
 */
export function requireColumns(table: TableLike, names: string[], where: string): void {
  if (
    table === null || typeof table !== "object" || typeof table.columnNames !== "function" ||
    typeof table.array !== "function"
  ) {
    throw new TypeError(`${where}: expected an arquero table, got ${describe(table)}`);
  }
  const have = new Set(table.columnNames());
  const missing = names.filter((n) => !have.has(n));
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(", ");
    const hint = tableKindHint(have, missing);
    const names = [...have];
    const shown = names.length > 12
      ? `${names.slice(0, 12).join(", ")}, … (${names.length} in all)`
      : names.join(", ") || "no columns";
    throw new TypeError(
      `${where}: ${hint ? `${hint}. ` : ""}column${missing.length > 1 ? "s" : ""} ${list} ` +
        `not found in the table (it has: ${shown})`,
    );
  }
}

/** Columns only the chunk table (toChunkTable) has. */
const CHUNK_ONLY = ["wall_ms", "gap_ms", "chunk"];

/** Which table the chart takes, when `have` looks like another kind of table; else "". */
function tableKindHint(have: Set<string>, missing: string[]): string {
  const isRequests = have.has("ttft_ms") && have.has("e2e_ms");
  const isChunks = have.has("gap_ms") && !have.has("ttft_ms");
  const isSummary = have.has("requests") && have.has("succeeded");
  if (missing.some((m) => CHUNK_ONLY.includes(m)) && !isChunks) {
    return "this chart takes the chunk table (one row per streamed chunk): use toChunkTable(runs)";
  }
  if (isRequests && missing.some((m) => /_p\d+(\.\d+)?$|_mean$|_throughput$/.test(m))) {
    return "this chart takes a summary (one row per run): use summarize(table)";
  }
  if (isChunks || isSummary) {
    return `this chart takes the request table (one row per request): use toTable(runs), not ${
      isChunks ? "toChunkTable" : "a summary"
    }`;
  }
  return "";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** Whether the table has a column. */
export function hasColumn(table: TableLike, name: string): boolean {
  return table.columnNames().includes(name);
}

/** A column as numbers, with `null` for null/undefined/NaN and non-numbers. */
export function numbers(table: TableLike, name: string): (number | null)[] {
  const a = table.array(name);
  const out: (number | null)[] = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = typeof v === "number" && Number.isFinite(v)
      ? v
      : typeof v === "bigint"
      ? Number(v)
      : v instanceof Date
      ? v.getTime()
      : null;
  }
  return out;
}

/** A column as strings (`null` stays `null`; other values are stringified). */
export function strings(table: TableLike, name: string): (string | null)[] {
  const a = table.array(name);
  const out: (string | null)[] = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = v === null || v === undefined ? null : String(v);
  }
  return out;
}

/**
 * Which rows to keep: when the table has a `success` column, only rows where it is not `false`
 * (failed requests are excluded from latency charts); otherwise every row.
 */
export function successMask(table: TableLike): boolean[] {
  const n = table.numRows();
  if (!hasColumn(table, "success")) return new Array(n).fill(true);
  const a = table.array("success");
  const out = new Array<boolean>(n);
  for (let i = 0; i < n; i++) out[i] = a[i] !== false;
  return out;
}

/**
 * Group keys per row from an optional column (`null` → `"(none)"`); all rows share one group
 * `""` when `column` is undefined.
 */
export function groupKeys(table: TableLike, column: string | undefined): string[] {
  const n = table.numRows();
  if (column === undefined) return new Array(n).fill("");
  return strings(table, column).map((s) => s ?? "(none)");
}

/** Distinct values in first-seen order. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/**
 * Adds every finite number of a list column's cells (each an array or typed array, e.g.
 * `itl_ms`) to `sink(row, value)`, skipping rows not in `keep`.
 */
export function forEachListValue(
  table: TableLike,
  name: string,
  keep: boolean[],
  sink: (row: number, value: number) => void,
): void {
  const a = table.array(name);
  for (let i = 0; i < a.length; i++) {
    if (!keep[i]) continue;
    const cell = a[i] as ArrayLike<unknown> | null | undefined;
    if (cell === null || cell === undefined || typeof cell !== "object") continue;
    for (let j = 0; j < cell.length; j++) {
      const v = cell[j];
      if (typeof v === "number" && Number.isFinite(v)) sink(i, v);
    }
  }
}

/**
 * A view of some rows of a table (in the given order), for charts that show one run of a
 * multi-run table.
 */
export function subsetRows(table: TableLike, rows: number[]): TableLike {
  return {
    columnNames: () => table.columnNames(),
    numRows: () => rows.length,
    array: (name: string) => {
      const a = table.array(name);
      return rows.map((i) => a[i]);
    },
  };
}
