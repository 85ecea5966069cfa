/**
 * Splitting a table's rows into groups by the values of some columns, in one pass.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { readColumn } from "./columns.ts";

/** Rows of a table split by group: `keys[g]` holds group g's values of `names`. */
export interface RowGroups {
  names: string[];
  keys: unknown[][];
  rows: Uint32Array[];
}

/**
 * Groups the table's rows (filter and order applied) by the values of `names`, groups in order
 * of first appearance. Values compare as in a Map (NaN equals NaN). No names: one group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { groupRows } from "./groups.ts";
 * const g = groupRows(table({ a: ["x", "y", "x"] }), ["a"]);
 * assert.deepEqual(g.keys, [["x"], ["y"]]);
 * assert.deepEqual(g.rows.map((r) => [...r]), [[0, 2], [1]]);
 * ```
 */
export function groupRows(table: ColumnTable, names: readonly string[]): RowGroups {
  const indices = table.indices(true);
  if (names.length === 0) return { names: [], keys: [[]], rows: [indices] };
  const columns = names.map((name) => readColumn(table, name, "summarize"));
  if (indices.length > 0 && columns.every((column) => isConstant(column, indices))) {
    // The common case (one run): a single group, found without a Map lookup per row.
    return { names: [...names], keys: [columns.map((c) => c[indices[0]])], rows: [indices] };
  }
  // Per row: the group id, found through one nested Map per key column.
  const groupOf = new Uint32Array(indices.length);
  const keys: unknown[][] = [];
  const sizes: number[] = [];
  const root = new Map<unknown, unknown>();
  const last = columns.length - 1;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    let node = root;
    for (let c = 0; c < last; c++) {
      const value = columns[c][row];
      let next = node.get(value) as Map<unknown, unknown> | undefined;
      if (next === undefined) node.set(value, next = new Map());
      node = next;
    }
    const value = columns[last][row];
    let group = node.get(value) as number | undefined;
    if (group === undefined) {
      group = keys.length;
      node.set(value, group);
      keys.push(columns.map((column) => column[row]));
      sizes.push(0);
    }
    groupOf[i] = group;
    sizes[group]++;
  }
  const rows = sizes.map((size) => new Uint32Array(size));
  const fill = new Uint32Array(sizes.length);
  for (let i = 0; i < indices.length; i++) {
    const group = groupOf[i];
    rows[group][fill[group]++] = indices[i];
  }
  return { names: [...names], keys, rows };
}

/** Whether the column holds the same value (NaN equal to NaN) on all the given rows. */
function isConstant(column: ArrayLike<unknown>, rows: Uint32Array): boolean {
  const first = column[rows[0]];
  for (let i = 1; i < rows.length; i++) {
    const v = column[rows[i]];
    if (v !== first && !(v !== v && first !== first)) return false;
  }
  return true;
}
