/**
 * Makes arquero tables display as HTML tables in Jupyter and as aligned text in `console.log`.
 *
 * Importing this module (mod.ts does, through src/display/mod.ts) installs the display once on
 * arquero's `ColumnTable.prototype`, so every table shows this way, including the new tables
 * arquero verbs return (`table.select(...)`, `filter`, `derive`, ...). A table `summarize`
 * returned (it carries the summary mark, src/summarize/summary_mark.ts) shows with the summary
 * view. Objects with their own display (comparisons, `showSummary`) keep it: an own property
 * wins over the prototype's.
 *
 * @module
 */

import { ColumnTable } from "../deps/arquero.ts";
import { displayable, JUPYTER_DISPLAY } from "./displayable.ts";
import { tableBundle } from "./table_bundle.ts";
import { summaryBundle } from "./summary_bundle.ts";
import { formatSummary } from "./format_summary.ts";
import { isSummary } from "../summarize/summary_mark.ts";

/**
 * Installs the table display on `ColumnTable.prototype` (non-enumerable, configurable symbol
 * properties; once: a second call changes nothing). Returns whether it was installed now.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "../deps/arquero.ts";
 * import { installTableDisplay } from "./show_table.ts";
 * installTableDisplay(); // already done when this module was imported
 * const derived = table({ ttft_ms: [12.5, 14], index: [0, 1] }).select("ttft_ms");
 * const bundle = (derived as unknown as Record<symbol, () => Record<string, string>>)[
 *   Symbol.for("Jupyter.display")
 * ]();
 * assert.match(bundle["text/html"], /<th style="text-align:right">ttft_ms<\/th>/);
 * assert.equal(Deno.inspect(derived), "ttft_ms\n-------\n  12.50\n     14\n2 rows × 1 column");
 * ```
 */
export function installTableDisplay(): boolean {
  const proto = ColumnTable.prototype as unknown as Record<symbol, unknown>;
  if (Object.hasOwn(proto, JUPYTER_DISPLAY)) return false;
  const hidden = { enumerable: false, configurable: true, writable: true };
  Object.defineProperty(proto, JUPYTER_DISPLAY, {
    ...hidden,
    value: function (this: ColumnTable) {
      return isSummary(this) ? summaryBundle(this) : tableBundle(this);
    },
  });
  Object.defineProperty(proto, Symbol.for("Deno.customInspect"), {
    ...hidden,
    value: function (this: ColumnTable) {
      return isSummary(this) ? formatSummary(this) : String(tableBundle(this)["text/plain"]);
    },
  });
  return true;
}

installTableDisplay();

/**
 * Attaches rich display to `table` (non-enumerable symbols on that object) and returns it. Every
 * arquero table already displays this way (see {@link installTableDisplay}); use this to show
 * another number of rows (`limit`, default 20).
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
