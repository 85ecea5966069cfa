/**
 * The load of each sweep step, as the charts label it.
 *
 * @module
 */

import { hasColumn, numbers, type TableLike } from "./columns.ts";
import { tidy } from "./stats.ts";

/**
 * Per row of a summary: its load as a label (`"4 req/s"` from `rate`, else `"c=8"` from
 * `concurrency`, else `""`) and as a number to order by (rate, else concurrency, else null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { loadLabels } from "./load_labels.ts";
 * const summary = aq.table({ concurrency: [8, null], rate: [null, 4] });
 * assert.deepEqual(loadLabels(summary), [
 *   { text: "c=8", value: 8 },
 *   { text: "4 req/s", value: 4 },
 * ]);
 * ```
 */
export function loadLabels(summary: TableLike): { text: string; value: number | null }[] {
  const n = summary.numRows();
  const column = (name: string) =>
    hasColumn(summary, name) ? numbers(summary, name) : new Array<null>(n).fill(null);
  const conc = column("concurrency");
  const rate = column("rate");
  return Array.from({ length: n }, (_, i) => {
    if (rate[i] !== null) return { text: `${tidy(rate[i]!)} req/s`, value: rate[i] };
    if (conc[i] !== null) return { text: `c=${tidy(conc[i]!)}`, value: conc[i] };
    return { text: "", value: null };
  });
}
