/**
 * One pass over a group's rows for what is not a per-metric statistic: counts, the time span,
 * token sums, good requests for an SLO, and the successful rows themselves.
 *
 * @module
 */

import type { ColumnTable } from "../deps/arquero.ts";
import type { Slo } from "../types.ts";
import { finiteOrNaN, type Indexable, readColumn } from "./columns.ts";
import { meetsSlo } from "./goodput.ts";

/** The columns {@link groupTotals} reads (index access by table row). */
export interface TotalsColumns {
  success: Indexable;
  start_ms: Indexable;
  /** `end_ms`, or null to use start_ms + e2e_ms. */
  end_ms: Indexable | null;
  e2e_ms: Indexable;
  prompt_tokens: Indexable;
  completion_tokens: Indexable;
  /** Needed with an SLO only. */
  ttft_ms?: Indexable;
  /** Needed with an SLO only. */
  tpot_ms?: Indexable;
}

/**
 * Reads the {@link TotalsColumns} of a request table; `ttft_ms` and `tpot_ms` only when `withSlo`.
 * `where` names the caller in errors about a missing column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { totalsColumns } from "./group_totals.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const columns = totalsColumns(toTable(makeRun([makeRecord()])), "summarize", false);
 * assert.equal(columns.ttft_ms, undefined);
 * assert.equal(columns.success.length, 1);
 * ```
 */
export function totalsColumns(table: ColumnTable, where: string, withSlo: boolean): TotalsColumns {
  const read = (name: string) => readColumn(table, name, where);
  return {
    success: read("success"),
    start_ms: read("start_ms"),
    end_ms: table.column("end_ms") ? read("end_ms") : null,
    e2e_ms: read("e2e_ms"),
    prompt_tokens: read("prompt_tokens"),
    completion_tokens: read("completion_tokens"),
    ...(withSlo ? { ttft_ms: read("ttft_ms"), tpot_ms: read("tpot_ms") } : {}),
  };
}

/** What {@link groupTotals} returns for one group. */
export interface GroupTotals {
  requests: number;
  succeeded: number;
  /** Earliest finite start_ms of all the group's requests (+∞ when none). */
  first_ms: number;
  /** Latest finite start_ms or end of all the group's requests (−∞ when none). */
  last_ms: number;
  /** Σ completion_tokens of successful requests (missing counts as 0). */
  output_tokens: number;
  /** Σ prompt_tokens of successful requests (missing counts as 0). */
  input_tokens: number;
  /** Successful requests meeting the SLO (0 without one). */
  good: number;
  /** The rows of successful requests, in the group's order. */
  succeeded_rows: Uint32Array;
}

/**
 * Totals of one group of rows. A request is successful when its `success` cell is `true`; a
 * number cell that is not a finite number (null, NaN, text) counts as missing.
 *
 * Runs once over up to millions of rows, possibly before V8 has compiled it, so the loop makes
 * no function call per row (without an SLO) and allocates nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupTotals } from "./group_totals.ts";
 * const t = groupTotals(Uint32Array.of(0, 1), {
 *   success: [true, false], start_ms: [0, 10], end_ms: [100, 50], e2e_ms: [100, 40],
 *   prompt_tokens: [5, 5], completion_tokens: [7, 0],
 * });
 * assert.deepEqual([t.requests, t.succeeded, t.last_ms - t.first_ms], [2, 1, 100]);
 * assert.deepEqual([t.input_tokens, t.output_tokens], [5, 7]); // of the successful request
 * ```
 */
export function groupTotals(rows: Uint32Array, columns: TotalsColumns, slo?: Slo): GroupTotals {
  const { success, start_ms: start, end_ms: end, e2e_ms: e2e } = columns;
  const prompt = columns.prompt_tokens;
  const completion = columns.completion_tokens;
  const okRows = new Uint32Array(rows.length);
  let succeeded = 0;
  let first = Infinity;
  let last = -Infinity;
  let outputTokens = 0;
  let inputTokens = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const s = start[row];
    // `x - x === 0` holds for finite numbers only; `typeof` keeps text and null out.
    const begin = typeof s === "number" && s - s === 0 ? s : NaN;
    let finish: number;
    if (end !== null) {
      const f = end[row];
      finish = typeof f === "number" && f - f === 0 ? f : NaN;
    } else {
      const d = e2e[row];
      finish = typeof d === "number" && d - d === 0 ? begin + d : NaN;
    }
    if (begin < first) first = begin;
    if (begin > last) last = begin;
    if (finish > last) last = finish;
    if (success[row] !== true) continue;
    okRows[succeeded++] = row;
    const out = completion[row];
    if (typeof out === "number" && out - out === 0) outputTokens += out;
    const inp = prompt[row];
    if (typeof inp === "number" && inp - inp === 0) inputTokens += inp;
  }
  const succeededRows = okRows.subarray(0, succeeded);
  return {
    requests: rows.length,
    succeeded,
    first_ms: first,
    last_ms: last,
    output_tokens: outputTokens,
    input_tokens: inputTokens,
    good: slo ? countGood(succeededRows, columns, slo) : 0,
    succeeded_rows: succeededRows,
  };
}

/** Successful rows meeting the SLO ({@link meetsSlo}); missing values are NaN. */
function countGood(okRows: Uint32Array, columns: TotalsColumns, slo: Slo): number {
  const { ttft_ms: ttft, tpot_ms: tpot, e2e_ms: e2e, completion_tokens: completion } = columns;
  if (!ttft || !tpot) {
    throw new TypeError("groupTotals: an SLO needs the ttft_ms and tpot_ms columns");
  }
  let good = 0;
  for (let i = 0; i < okRows.length; i++) {
    const row = okRows[i];
    const request = {
      ttft_ms: finiteOrNaN(ttft[row]),
      tpot_ms: finiteOrNaN(tpot[row]),
      e2e_ms: finiteOrNaN(e2e[row]),
      completion_tokens: finiteOrNaN(completion[row]),
    };
    if (meetsSlo(request, slo)) good++;
  }
  return good;
}
