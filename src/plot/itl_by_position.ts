/**
 * Inter-token latency by position in the response (p50 / p90 / p99 per position bin).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { numbers, requireColumns, successMask, type TableLike } from "./columns.ts";
import { runKeys, statRunEncoding } from "./lines.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { positiveInt } from "../util/options.ts";
import { BIN_STATS, binIndex, niceBins, percentilesByBin, tidy } from "./stats.ts";
import { fmtCount } from "./values.ts";

/** Options of {@link itlByPosition}. */
export interface ItlByPositionOptions extends ChartOptions {
  /** Number of position bins at most (default 64); one bin per chunk position when they fit. */
  maxBins?: number;
}

/**
 * Whether gaps grow along the response: the chunk table's `gap_ms` grouped by the chunk's
 * position (`chunk`, 0-based; chunk 0 has no gap), drawn as p50/p90/p99 lines per position bin.
 * Late positions are reached only by long responses, so the tooltip shows how many gaps each bin
 * holds. Rows with `success === false` are left out when the table has a `success` column (the
 * chunk table of src/table has none, so gaps of partial streams are included). Aggregated before
 * embedding. Empty input gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { itlByPosition } from "./itl_by_position.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two requests with gaps of 10 ms; in real use, toChunkTable(run)
 * const chunks = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = itlByPosition(chunks, { maxBins: 32 });
 * const points = (spec.data as { values: { stat: string; pos: number; ms: number }[] }).values;
 * assert.deepEqual(points.filter((p) => p.stat === "p50").map((p) => [p.pos, p.ms]), [
 *   [1, 10], // the gap after the first token
 *   [2, 10],
 *   [3, 10],
 * ]);
 * ```
 */
export function itlByPosition(
  chunkTable: TableLike,
  options: ItlByPositionOptions = {},
): VegaLiteSpec {
  requireColumns(chunkTable, ["chunk", "gap_ms"], "plot.itlByPosition");
  const width = size("plot.itlByPosition", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.itlByPosition", "height", options.height, DEFAULT_HEIGHT);
  const maxBins = positiveInt("plot.itlByPosition", "maxBins", options.maxBins ?? 64);
  const title = options.title ?? "Inter-token latency by position in the response";
  const keys = runKeys(chunkTable);
  const chunk = numbers(chunkTable, "chunk");
  const gap = numbers(chunkTable, "gap_ms");
  // Rows of failed requests are left out when the table says which ones failed.
  const keep = successMask(chunkTable);
  for (let i = 0; i < gap.length; i++) if (!keep[i]) gap[i] = null;
  let maxPos = 0, total = 0;
  for (let i = 0; i < gap.length; i++) {
    if (gap[i] === null || chunk[i] === null) continue;
    total++;
    if (chunk[i]! > maxPos) maxPos = chunk[i]!;
  }
  if (total === 0) return noDataSpec(title, "no inter-token gaps (gap_ms) in the table", { width });
  // Integer positions: bins are whole numbers of chunks starting at position 1.
  const bins = niceBins(1, maxPos + 1, maxBins);
  const step = Math.max(1, Math.ceil(bins.step));
  const intBins = { start: 1, step, count: Math.floor(maxPos / step) + 1 };
  const runOf: string[] = [], binOf: number[] = [], values: number[] = [];
  for (let i = 0; i < gap.length; i++) {
    if (gap[i] === null || chunk[i] === null) continue;
    runOf.push(keys[i]);
    binOf.push(binIndex(intBins, chunk[i]!));
    values.push(gap[i]!);
  }
  const { runs, rows } = percentilesByBin(runOf, binOf, values, "pos", (b) => {
    const from = intBins.start + b * step;
    return step === 1 ? from : tidy(from + (step - 1) / 2);
  });
  return {
    ...base(
      "Inter-token latency percentiles by chunk position",
      title,
      `${fmtCount(total)} gaps` + (step > 1 ? `, positions in bins of ${step}` : ""),
      width,
      height,
    ),
    data: { values: rows },
    mark: runs.length > 1
      ? { type: "line", strokeWidth: 1.6 }
      : { type: "line", point: { size: 12 }, strokeWidth: 1.6 },
    encoding: {
      x: {
        field: "pos",
        type: "quantitative",
        title: "position in response (chunk #, ≈ output token #)",
        scale: { zero: false },
      },
      y: { field: "ms", type: "quantitative", title: "ITL before this chunk (ms)" },
      ...statRunEncoding("percentile", BIN_STATS.map((s) => s[0]), runs),
      detail: { field: "run" },
      tooltip: [
        ...(runs.length > 1 ? [{ field: "run", title: "run" }] : []),
        { field: "pos", title: "position" },
        { field: "stat", title: "percentile" },
        { field: "ms", title: "ITL (ms)", format: ".2f" },
        { field: "n", title: "gaps in bin" },
      ],
    },
  };
}
