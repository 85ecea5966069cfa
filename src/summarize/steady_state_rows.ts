/**
 * `summarize(table, { steadyState: true })`: each group's rows cut to the requests sent in the
 * run's steady state (the table's `steady_state` column), with the count left out.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { readColumn } from "./columns.ts";

/** Each group's steady-state rows, and how many of its rows were left out. */
export interface SteadyStateRows {
  rows: Uint32Array[];
  excluded: number[];
}

/**
 * Keeps the rows whose `steady_state` is true. Throws a TypeError when the table has no
 * `steady_state` column, and a RangeError naming the run when a row's is null (its run had no
 * concurrency limit, so no plateau to find).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { steadyStateRows } from "./steady_state_rows.ts";
 * const t = table({ run_id: ["a", "a", "a"], steady_state: [false, true, false] });
 * const kept = steadyStateRows(t, [Uint32Array.of(0, 1, 2)]);
 * assert.deepEqual([...kept.rows[0]], [1]);
 * assert.deepEqual(kept.excluded, [2]);
 * ```
 */
export function steadyStateRows(table: ColumnTable, groups: Uint32Array[]): SteadyStateRows {
  if (!table.column("steady_state")) {
    throw new TypeError(
      "summarize: steadyState needs the steady_state column (a table made by toTable)",
    );
  }
  const steady = readColumn(table, "steady_state", "summarize");
  const runIds = table.column("run_id") ? readColumn(table, "run_id", "summarize") : null;
  const rows = groups.map((group) =>
    group.filter((row) => {
      const value = steady[row];
      if (value === null || value === undefined) {
        throw new RangeError(
          `summarize: steadyState needs runs with a concurrency limit (meta.load.concurrency); run ${
            runIds?.[row] ?? "?"
          } has none`,
        );
      }
      return value === true;
    })
  );
  return { rows, excluded: groups.map((group, g) => group.length - rows[g].length) };
}
