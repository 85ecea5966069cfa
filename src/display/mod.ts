/**
 * Display: rich Jupyter output (via `Symbol.for("Jupyter.display")`, never `Deno.jupyter`) and
 * terminal text for runs, tables, summaries and single requests.
 *
 * @module
 */

export {
  displayable,
  type DisplayableOptions,
  JUPYTER_DISPLAY,
  type MimeBundle,
} from "./displayable.ts";
export { tableBundle, type TableBundleOptions } from "./table_bundle.ts";
export { showTable } from "./show_table.ts";
export { runBundle, showRun } from "./show_run.ts";
export { showSummary, summaryBundle } from "./summary_bundle.ts";
export { sideBySide } from "./side_by_side.ts";
export { formatMetrics } from "./format_metrics.ts";
export { formatSummary } from "./format_summary.ts";
export { formatMs } from "./format_duration.ts";
