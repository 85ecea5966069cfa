/**
 * A latency metric by conversation turn (p50 / p90 / p99 per turn): the prefix-cache effect of
 * multi-turn chats, where each turn's prompt repeats the previous turns.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { numbers, requireColumns, successMask, type TableLike } from "./columns.ts";
import { columnTitle, metricColumn, metricName } from "./labels.ts";
import { runKeys, statRunEncoding } from "./lines.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { BIN_STATS, percentilesByBin } from "./stats.ts";
import { fmtCount } from "./values.ts";

/** Options of {@link byTurn}. */
export interface ByTurnOptions extends ChartOptions {
  /** The request table's metric column (default `ttft_ms`; `"ttft"` means `ttft_ms`). */
  metric?: string;
}

/**
 * How a metric changes along conversations: the request table's `metric` (default `ttft_ms`)
 * grouped by `turn` (1 = the first user message), drawn as p50/p90/p99 lines per turn and per
 * run. A later turn carries a longer history, so without a prefix cache its TTFT grows with the
 * turn; with one, the history is a cache hit and TTFT stays nearly flat. The tooltip shows how
 * many requests each turn holds (conversations that failed or were cut by the run's end reach
 * fewer turns). Failed requests and rows without a turn (not a conversation's) are left out.
 * Aggregated before embedding. No turn values gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { byTurn } from "./by_turn.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two conversations of two turns; in real use, toTable(run) of a conversations run
 * const table = toTable(makeRun([
 *   makeRecord({ index: 0, conversation_id: "a", turn: 1, ttft_ms: 40 }),
 *   makeRecord({ index: 1, conversation_id: "b", turn: 1, ttft_ms: 60 }),
 *   makeRecord({ index: 2, conversation_id: "a", turn: 2, ttft_ms: 20 }),
 *   makeRecord({ index: 3, conversation_id: "b", turn: 2, ttft_ms: 20 }),
 * ]));
 * const spec = byTurn(table);
 * const points = (spec.data as { values: { stat: string; turn: number; ms: number }[] }).values;
 * assert.deepEqual(points.filter((p) => p.stat === "p50").map((p) => [p.turn, p.ms]), [
 *   [1, 50],
 *   [2, 20],
 * ]);
 * ```
 */
export function byTurn(table: TableLike, options: ByTurnOptions = {}): VegaLiteSpec {
  const metric = metricColumn(options.metric ?? "ttft_ms", "plot.byTurn");
  requireColumns(table, ["turn", metric], "plot.byTurn");
  const width = size("plot.byTurn", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.byTurn", "height", options.height, DEFAULT_HEIGHT);
  const name = metricName(metric);
  const title = options.title ?? `${name} by conversation turn`;
  const keys = runKeys(table);
  const turn = numbers(table, "turn");
  const value = numbers(table, metric);
  const keep = successMask(table);
  const runOf: string[] = [], turnOf: number[] = [], values: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!keep[i] || turn[i] === null || value[i] === null) continue;
    runOf.push(keys[i]);
    turnOf.push(turn[i]!);
    values.push(value[i]!);
  }
  if (values.length === 0) {
    return noDataSpec(title, `no successful conversation turns with ${metric}`, { width });
  }
  const { runs, rows } = percentilesByBin(runOf, turnOf, values, "turn", (t) => t);
  return {
    ...base(
      `${name} percentiles by conversation turn`,
      title,
      `${fmtCount(values.length)} requests, turns 1–${Math.max(...turnOf)}`,
      width,
      height,
    ),
    data: { values: rows },
    mark: { type: "line", point: { size: 18 }, strokeWidth: 1.6 },
    encoding: {
      x: {
        field: "turn",
        type: "quantitative",
        title: "conversation turn (1 = first user message)",
        axis: { tickMinStep: 1, format: "d" },
        scale: { zero: false },
      },
      y: { field: "ms", type: "quantitative", title: columnTitle(metric) },
      ...statRunEncoding("percentile", BIN_STATS.map((s) => s[0]), runs),
      detail: { field: "run" },
      tooltip: [
        ...(runs.length > 1 ? [{ field: "run", title: "run" }] : []),
        { field: "turn", title: "turn" },
        { field: "stat", title: "percentile" },
        { field: "ms", title: columnTitle(metric), format: ".2f" },
        { field: "n", title: "requests" },
      ],
    },
  };
}
