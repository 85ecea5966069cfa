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
 * throughput, input and output lengths (total, mean, p50, p99 tokens) and goodput, then a metric × statistic table with units in the header
 * (`mean (ms)`, `p99 (ms)`, `count`). No colour codes, so it reads the same with NO_COLOR.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSummary } from "./format_summary.ts";
 * import { summarize } from "../summarize/summarize.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const lines = formatSummary(summarize(toTable(makeRun([makeRecord()])))).split("\n");
 * assert.equal(lines[0], "run_id=run-1 label=test concurrency=4");
 * assert.equal(lines[1], "  requests 1  succeeded 1  failed 0  duration 0.0500 s");
 * assert.equal(lines[3], "  peak output 4 tok/s in 1 s  peak concurrency 1 in flight");
 * assert.equal(lines[5], "  input tokens 10  per request mean 10  p50 10  p99 10");
 * assert.match(lines[8], /^metric +mean \(ms\) +std \(ms\) +min \(ms\) +p50 \(ms\)/);
 * assert.match(lines[10], /^ttft_ms +20 +0 +20 +20 /);
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
