/**
 * Requests in flight over time (client view), plus queued and running requests on the server.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { hasColumn, numbers, requireColumns, type TableLike } from "./columns.ts";
import { runKeys, runStarts, statRunEncoding } from "./lines.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { positiveInt } from "../util/options.ts";
import { meanOccupancy, niceBins, tidy } from "./stats.ts";
import { fmtCount } from "./values.ts";

/** Options of {@link inFlight}. */
export interface InFlightOptions extends ChartOptions {
  /** Number of time bins at most (default 120); the bin width is a nice number of seconds. */
  maxBins?: number;
}

const SERIES = ["in flight (client)", "queued (server)", "running (server)"];

/**
 * How many requests were open at each moment: the time-weighted mean count per time bin of
 * requests between `start_ms` and `end_ms` (client view, failed requests included), and, when
 * the table has server times, of requests waiting in vLLM's queue (`server_start_ms` →
 * + `server_queue_ms`) and running (→ + prefill + decode). Computed before embedding (one row
 * per bin and series). With several runs: one color per run, one dash per series. Throws a
 * `TypeError` naming missing columns; empty input gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inFlight } from "./in_flight.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two 50 ms requests started 100 ms apart; in real use, toTable(run)
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * const spec = inFlight(table);
 * assert.deepEqual(spec.title, {
 *   text: "Requests in flight",
 *   subtitle: "2 requests, mean per bin of 0.002 s · no server times: client view only",
 *   anchor: "start",
 * });
 * ```
 */
export function inFlight(table: TableLike, options: InFlightOptions = {}): VegaLiteSpec {
  requireColumns(table, ["start_ms"], "plot.inFlight");
  if (!hasColumn(table, "end_ms")) requireColumns(table, ["e2e_ms"], "plot.inFlight");
  const width = size("plot.inFlight", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.inFlight", "height", options.height, DEFAULT_HEIGHT);
  const maxBins = positiveInt("plot.inFlight", "maxBins", options.maxBins ?? 120);
  const title = options.title ?? "Requests in flight";
  const n = table.numRows();
  const col = (c: string) => hasColumn(table, c) ? numbers(table, c) : new Array(n).fill(null);
  const start = numbers(table, "start_ms");
  const endCol = col("end_ms");
  const e2e = col("e2e_ms");
  const sStart = col("server_start_ms");
  const queue = col("server_queue_ms");
  const prefill = col("server_prefill_ms");
  const decode = col("server_decode_ms");
  const keys = runKeys(table);
  const t0 = runStarts(keys, start);
  const runs = [...t0.keys()];
  const intervals = new Map<string, [number, number][][]>(
    runs.map((r) => [r, [[], [], []]]),
  );
  let tMax = 0, requests = 0, server = 0;
  for (let i = 0; i < n; i++) {
    if (start[i] === null) continue;
    const base0 = t0.get(keys[i])!;
    const rel = (ms: number) => (ms - base0) / 1000;
    const end = endCol[i] ?? (e2e[i] !== null ? start[i]! + e2e[i]! : null);
    if (end === null) continue;
    const sets = intervals.get(keys[i])!;
    sets[0].push([rel(start[i]!), rel(end)]);
    tMax = Math.max(tMax, rel(end));
    requests++;
    if (sStart[i] !== null && queue[i] !== null) {
      const q = sStart[i]! + queue[i]!;
      const r = q + (prefill[i] ?? 0) + (decode[i] ?? 0);
      sets[1].push([rel(sStart[i]!), rel(q)]);
      sets[2].push([rel(q), rel(r)]);
      tMax = Math.max(tMax, rel(r));
      server++;
    }
  }
  if (requests === 0) {
    return noDataSpec(title, "no requests with start and end times", { width });
  }
  const bins = niceBins(0, tMax, maxBins);
  const series = server > 0 ? SERIES : SERIES.slice(0, 1);
  const rows: Record<string, unknown>[] = [];
  for (const run of runs) {
    const sets = intervals.get(run)!;
    series.forEach((stat, s) => {
      if (sets[s].length === 0) return;
      const mean = meanOccupancy(sets[s], bins);
      mean.forEach((v, b) => {
        rows.push({ run, stat, t: tidy(bins.start + b * bins.step), n: tidy(v) });
      });
    });
  }
  return {
    ...base(
      "Time-weighted mean number of requests in flight per time bin",
      title,
      `${fmtCount(requests)} requests, mean per bin of ${tidy(bins.step)} s` +
        (server === 0 ? " · no server times: client view only" : ""),
      width,
      height,
    ),
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time since first request (s)" },
      y: { field: "n", type: "quantitative", title: "requests (time-weighted mean)" },
      ...statRunEncoding("series", series, runs),
      detail: { field: "run" },
      tooltip: [
        ...(runs.length > 1 ? [{ field: "run", title: "run" }] : []),
        { field: "stat", title: "series" },
        { field: "t", title: "bin start (s)" },
        { field: "n", title: "requests", format: ".2f" },
      ],
    },
  };
}
