/**
 * Runs → one arquero table with one row per content chunk.
 *
 * @module
 */

import { type ColumnTable, table } from "../deps/arquero.ts";
import type { Run } from "../types.ts";
import { asRuns } from "./runs.ts";

/**
 * One row per content chunk of every request. Columns: `run_id`, `label`, `index` (request
 * index), `request_id`, `chunk` (0-based), `t_ms` (ms since the request's start), `wall_ms`
 * (epoch ms of arrival = start_ms + t_ms), `gap_ms` (since the previous content chunk; NaN for
 * chunk 0), `tokens` (tokens in the chunk; NaN when unknown), `concurrency`, `rate`.
 * Numeric columns are Float64Array with NaN for missing, as in `toTable`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toChunkTable } from "./to_chunk_table.ts";
 * import { makeRecord, makeRun } from "./_fixtures.ts";
 * // two requests of 4 chunks each (e.g. `await load("runs/run.json")`)
 * const chunks = toChunkTable(makeRun([makeRecord(), makeRecord({ index: 1 })]));
 * assert.equal(chunks.numRows(), 8);
 * assert.deepEqual(chunks.array("t_ms"), [20, 30, 40, 50, 20, 30, 40, 50]); // ms after send
 * ```
 */
export function toChunkTable(input: Run | Run[]): ColumnTable {
  const runs = asRuns(input, "toChunkTable");
  let n = 0;
  for (const run of runs) for (const r of run.requests) n += r.chunk_times_ms?.length ?? 0;
  const runId = new Array<string>(n);
  const label = new Array<string>(n);
  const index = new Float64Array(n);
  const requestId = new Array<string>(n);
  const chunk = new Float64Array(n);
  const t = new Float64Array(n);
  const wall = new Float64Array(n);
  const gap = new Float64Array(n);
  const tokens = new Float64Array(n);
  const concurrency = new Float64Array(n);
  const rate = new Float64Array(n);
  let row = 0;
  for (const run of runs) {
    const runConcurrency = run.meta.load?.concurrency ?? NaN;
    const runRate = run.meta.load?.rate ?? NaN;
    for (const record of run.requests) {
      const times = record.chunk_times_ms ?? [];
      const chunkTokens = record.chunk_tokens;
      for (let c = 0; c < times.length; c++, row++) {
        runId[row] = record.run_id;
        label[row] = run.meta.label;
        index[row] = record.index;
        requestId[row] = record.request_id;
        chunk[row] = c;
        t[row] = times[c];
        wall[row] = record.start_ms + times[c];
        gap[row] = c === 0 ? NaN : times[c] - times[c - 1];
        tokens[row] = chunkTokens?.[c] ?? NaN;
        concurrency[row] = runConcurrency;
        rate[row] = runRate;
      }
    }
  }
  return table({
    run_id: runId,
    label,
    index,
    request_id: requestId,
    chunk,
    t_ms: t,
    wall_ms: wall,
    gap_ms: gap,
    tokens,
    concurrency,
    rate,
  });
}
