/**
 * A summary table as aligned terminal text.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import { summaryBlocks } from "./summary_blocks.ts";
import { alignColumns } from "./text_table.ts";

/**
 * Aligned plain text of a `summarize` result: per group a title line (group values), counts,
 * throughput and goodput, then a metric × statistic table with units in the header
 * (`mean (ms)`, `p99 (ms)`, `count`). No colour codes, so it reads the same with NO_COLOR.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./format_summary.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * console.log(formatSummary(summarize(toTable(makeRun([makeRecord()])))));
 * ```
 */
export function formatSummary(summary: ColumnTable): string {
  return summaryBlocks(summary).map((block) =>
    [
      block.title,
      ...block.facts.map((f) => `  ${f}`),
      "",
      alignColumns(block.header, block.rows, block.header.map((_, i) => i > 0)),
    ].join("\n")
  ).join("\n\n");
}
