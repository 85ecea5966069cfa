/**
 * Output throughput over the run's wall-clock time.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { hasColumn, numbers, requireColumns, type TableLike } from "./columns.ts";
import { chunkRequestStarts, runKeys, runStarts } from "./lines.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { positiveInt } from "../util/options.ts";
import { binIndex, niceBins, tidy } from "./stats.ts";
import { fmtCount } from "./values.ts";

/** Options of {@link throughputOverTime}. */
export interface ThroughputOverTimeOptions extends ChartOptions {
  /** Number of time bins at most (default 60); the bin width is a nice number of seconds. */
  maxBins?: number;
}

/**
 * Output tokens per second over time, from the chunk table: tokens of the chunks arriving in each
 * time bin (seconds since the run's first request) divided by the bin width. When the table's
 * `tokens` column is not filled for every chunk (no continuous usage stats), chunks are counted
 * instead and the axis says "chunks/s" (≈ tokens/s when each chunk carries one token). One line
 * per run. Aggregated before embedding. Empty input gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { throughputOverTime } from "./throughput_over_time.ts";
 * import { toChunkTable } from "../table/to_chunk_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two requests of 4 chunks; in real use, toChunkTable(run)
 * const chunks = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = throughputOverTime(chunks);
 * assert.deepEqual(spec.title, {
 *   text: "Output throughput over time",
 *   subtitle: "8 chunks in bins of 0.0025 s · token counts unknown: counting chunks",
 *   anchor: "start",
 * });
 * ```
 */
export function throughputOverTime(
  chunkTable: TableLike,
  options: ThroughputOverTimeOptions = {},
): VegaLiteSpec {
  requireColumns(chunkTable, ["wall_ms"], "plot.throughputOverTime");
  const width = size("plot.throughputOverTime", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.throughputOverTime", "height", options.height, DEFAULT_HEIGHT);
  const maxBins = positiveInt("plot.throughputOverTime", "maxBins", options.maxBins ?? 60);
  const title = options.title ?? "Output throughput over time";
  const keys = runKeys(chunkTable);
  const t0 = runStarts(keys, chunkRequestStarts(chunkTable));
  const wall = numbers(chunkTable, "wall_ms");
  const tokens = hasColumn(chunkTable, "tokens")
    ? numbers(chunkTable, "tokens")
    : new Array(wall.length).fill(null);
  const useTokens = wall.length > 0 && tokens.every((v, i) => wall[i] === null || v !== null);
  const unit = useTokens ? "tok/s" : "chunks/s";
  let tMax = 0, count = 0;
  const t = wall.map((w, i) => {
    if (w === null || !t0.has(keys[i])) return null;
    const ts = (w - t0.get(keys[i])!) / 1000;
    if (ts > tMax) tMax = ts;
    count++;
    return ts;
  });
  if (count === 0) return noDataSpec(title, "no chunks with wall_ms in the table", { width });
  const bins = niceBins(0, tMax, maxBins);
  const runs: string[] = [];
  const sums = new Map<string, Float64Array>();
  for (let i = 0; i < t.length; i++) {
    if (t[i] === null) continue;
    let s = sums.get(keys[i]);
    if (!s) {
      sums.set(keys[i], s = new Float64Array(bins.count));
      runs.push(keys[i]);
    }
    s[binIndex(bins, t[i]!)] += useTokens ? tokens[i]! : 1;
  }
  const rows: Record<string, unknown>[] = [];
  for (const run of runs) {
    const s = sums.get(run)!;
    // Bins after the run's last chunk are omitted rather than drawn as zero.
    let last = s.length - 1;
    while (last > 0 && s[last] === 0) last--;
    for (let b = 0; b <= last; b++) {
      rows.push({
        run,
        t: tidy(bins.start + b * bins.step),
        t_end: tidy(bins.start + (b + 1) * bins.step),
        rate: tidy(s[b] / bins.step),
      });
    }
  }
  const multi = runs.length > 1;
  return {
    ...base(
      `Output throughput (${unit}) per time bin`,
      title,
      `${fmtCount(count)} chunks in bins of ${tidy(bins.step)} s` +
        (useTokens ? "" : " · token counts unknown: counting chunks"),
      width,
      height,
    ),
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time since first request (s)" },
      y: {
        field: "rate",
        type: "quantitative",
        title: useTokens ? "output throughput (tok/s)" : "output chunks/s (≈ tok/s)",
      },
      ...(multi
        ? { color: { field: "run", type: "nominal", title: "run", sort: null } }
        : { color: { value: "#4c78a8" } }),
      tooltip: [
        ...(multi ? [{ field: "run", title: "run" }] : []),
        { field: "t", title: "from (s)" },
        { field: "t_end", title: "to (s)" },
        { field: "rate", title: unit, format: ".1f" },
      ],
    },
  };
}
