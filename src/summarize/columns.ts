/**
 * Reading arquero columns fast: direct index access for array and typed-array columns.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";

/** Random access to a column's values by (unfiltered) row index. */
export type Indexable = ArrayLike<unknown>;

/**
 * The column's data with index access (`values[row]`), for the row indices `table.indices()`
 * returns. Arrays and typed arrays are used as they are; other column types (e.g. Arrow) are
 * copied once. Throws a TypeError naming the column when it does not exist.
 */
export function readColumn(table: ColumnTable, name: string, fn: string): Indexable {
  const column = table.column(name);
  if (column === undefined) {
    throw new TypeError(
      `${fn}: the table has no column "${name}" (columns: ${table.columnNames().join(", ")})`,
    );
  }
  if (Array.isArray(column) || ArrayBuffer.isView(column)) return column as Indexable;
  const size = table.totalRows();
  const copy = new Array<unknown>(size);
  for (let i = 0; i < size; i++) copy[i] = column.at(i);
  return copy;
}

/** The value as a number when it is a finite number, else NaN (null, undefined, NaN, text). */
export function finiteOrNaN(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : NaN;
}
