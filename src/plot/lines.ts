/**
 * Shared pieces of the over-time and by-position charts: per-run grouping of chunk rows,
 * relative time, and the "one line per statistic" layout.
 *
 * @module
 */

import { hasColumn, numbers, strings, type TableLike } from "./columns.ts";

/** The series key of each row: `label` if the table has it, else `run_id`, else `""`. */
export function runKeys(table: TableLike): string[] {
  const n = table.numRows();
  if (hasColumn(table, "label")) return strings(table, "label").map((s) => s ?? "(none)");
  if (hasColumn(table, "run_id")) return strings(table, "run_id").map((s) => s ?? "(none)");
  return new Array(n).fill("");
}

/**
 * Start of each run in epoch ms: the earliest `start` value among the run's rows (`null`
 * entries ignored).
 */
export function runStarts(keys: string[], start: (number | null)[]): Map<string, number> {
  const t0 = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const s = start[i];
    if (s === null) continue;
    const cur = t0.get(keys[i]);
    if (cur === undefined || s < cur) t0.set(keys[i], s);
  }
  return t0;
}

/**
 * Epoch ms at which each chunk's request started (`wall_ms − t_ms`), or the chunk's own
 * `wall_ms` when the table has no `t_ms`.
 */
export function chunkRequestStarts(table: TableLike): (number | null)[] {
  const wall = numbers(table, "wall_ms");
  if (!hasColumn(table, "t_ms")) return wall;
  const t = numbers(table, "t_ms");
  return wall.map((w, i) => (w === null || t[i] === null ? w : w - t[i]!));
}

/**
 * Color/dash encodings for "statistic × run" lines: one run → color by statistic; several runs →
 * color by run and dash by statistic.
 */
export function statRunEncoding(
  statTitle: string,
  stats: string[],
  runs: string[],
): Record<string, unknown> {
  if (runs.length <= 1) {
    return {
      color: {
        field: "stat",
        type: "nominal",
        title: statTitle,
        scale: { domain: stats },
      },
    };
  }
  return {
    color: { field: "run", type: "nominal", title: "run", sort: null },
    strokeDash: { field: "stat", type: "nominal", title: statTitle, scale: { domain: stats } },
  };
}
