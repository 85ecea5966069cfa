/**
 * Inter-token latency over the run's wall-clock time (p50 / p90 / p99 per time bin).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { numbers, requireColumns, successMask, type TableLike } from "./columns.ts";
import { chunkRequestStarts, runKeys, runStarts, statRunEncoding } from "./lines.ts";
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

/** Options of {@link itlOverTime}. */
export interface ItlOverTimeOptions extends ChartOptions {
  /** Number of time bins at most (default 60); the bin width is a nice number of seconds. */
  maxBins?: number;
}

/**
 * How inter-token latency evolves during a run: the chunk table's gaps (`gap_ms`) binned by the
 * chunk's arrival time (seconds since the run's first request), drawn as p50/p90/p99 lines per
 * bin (one color per statistic; with several runs, one color per run and a dash per statistic).
 * Rows with `success === false` are left out when the table has a `success` column (the chunk
 * table of src/table has none, so gaps of partial streams are included).
 * Aggregated before embedding, so the spec stays small; each bin's number of gaps is in the
 * tooltip (percentiles of sparse bins are noisy). Empty input gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { itlOverTime } from "./itl_over_time.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two requests with gaps of 10 ms; in real use, toChunkTable(run)
 * const chunks = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = itlOverTime(chunks);
 * assert.deepEqual(spec.title, {
 *   text: "Inter-token latency over time",
 *   subtitle: "6 gaps in bins of 0.0025 s",
 *   anchor: "start",
 * });
 * const points = (spec.data as { values: { ms: number }[] }).values;
 * assert.ok(points.every((p) => p.ms === 10));
 * ```
 */
export function itlOverTime(chunkTable: TableLike, options: ItlOverTimeOptions = {}): VegaLiteSpec {
  requireColumns(chunkTable, ["wall_ms", "gap_ms"], "plot.itlOverTime");
  const width = size("plot.itlOverTime", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.itlOverTime", "height", options.height, DEFAULT_HEIGHT);
  const maxBins = positiveInt("plot.itlOverTime", "maxBins", options.maxBins ?? 60);
  const title = options.title ?? "Inter-token latency over time";
  const keys = runKeys(chunkTable);
  const t0 = runStarts(keys, chunkRequestStarts(chunkTable));
  const wall = numbers(chunkTable, "wall_ms");
  const gap = numbers(chunkTable, "gap_ms");
  const keep = successMask(chunkTable);
  const t: number[] = [], g: number[] = [], k: string[] = [];
  let tMax = 0;
  for (let i = 0; i < gap.length; i++) {
    if (!keep[i] || gap[i] === null || wall[i] === null || !t0.has(keys[i])) continue;
    const ts = (wall[i]! - t0.get(keys[i])!) / 1000;
    t.push(ts);
    g.push(gap[i]!);
    k.push(keys[i]);
    if (ts > tMax) tMax = ts;
  }
  if (g.length === 0) {
    return noDataSpec(title, "no inter-token gaps (gap_ms) in the table", { width });
  }
  const bins = niceBins(0, tMax, maxBins);
  const { runs, rows } = percentilesByBin(
    k,
    t.map((ts) => binIndex(bins, ts)),
    g,
    "t",
    (b) => tidy(bins.start + (b + 0.5) * bins.step),
  );
  return {
    ...base(
      "Inter-token latency percentiles per time bin",
      title,
      `${fmtCount(g.length)} gaps in bins of ${tidy(bins.step)} s`,
      width,
      height,
    ),
    data: { values: rows },
    mark: runs.length > 1
      ? { type: "line", strokeWidth: 1.6 }
      : { type: "line", point: { size: 12 }, strokeWidth: 1.6 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time since first request (s)" },
      y: { field: "ms", type: "quantitative", title: "ITL (ms)" },
      ...statRunEncoding("percentile", BIN_STATS.map((s) => s[0]), runs),
      detail: { field: "run" },
      tooltip: [
        ...(runs.length > 1 ? [{ field: "run", title: "run" }] : []),
        { field: "t", title: "bin centre (s)" },
        { field: "stat", title: "percentile" },
        { field: "ms", title: "ITL (ms)", format: ".2f" },
        { field: "n", title: "gaps in bin" },
      ],
    },
  };
}
