/**
 * Makes an arquero table display as an HTML table in Jupyter and as aligned text in `console.log`.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { displayable } from "./displayable.ts";
import { tableBundle } from "./table_bundle.ts";

/**
 * Attaches rich display to `table` (non-enumerable symbols on that object) and returns it.
 * Tables made by `toTable`, `toChunkTable` and `summarize` already display this way; use this for
 * tables derived from them with arquero verbs (which return new, plain tables).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { showTable } from "./show_table.ts";
 * const t = showTable(table({ ttft_ms: [12.5, 14] })); // last expression of a cell → HTML table
 * assert.equal(Deno.inspect(t), "ttft_ms\n-------\n  12.50\n     14\n2 rows × 1 column");
 * ```
 */
export function showTable(table: ColumnTable, options: { limit?: number } = {}): ColumnTable {
  return displayable(table, () => tableBundle(table, options), {
    text: () => String(tableBundle(table, options)["text/plain"]),
  });
}
