import assert from "node:assert/strict";
import { groupTotals } from "./group_totals.ts";

const columns = {
  success: [true, true, false, true, "yes"],
  start_ms: new Float64Array([100, 200, 50, NaN, 10]),
  end_ms: new Float64Array([400, 300, 900, 1000, 20]),
  e2e_ms: new Float64Array([300, 100, 850, NaN, 10]),
  prompt_tokens: [10, null, 30, 40, 50],
  completion_tokens: new Float64Array([5, 7, 99, NaN, 1]),
  ttft_ms: new Float64Array([20, 80, 5, 10, 1]),
  tpot_ms: new Float64Array([10, 3, 1, NaN, NaN]),
};

Deno.test("groupTotals() counts, spans and sums as hand-computed", () => {
  const t = groupTotals(Uint32Array.of(0, 1, 2, 3, 4), columns);
  assert.equal(t.requests, 5);
  // Only `true` is success: row 4's "yes" is not.
  assert.equal(t.succeeded, 3);
  assert.deepEqual([...t.succeeded_rows], [0, 1, 3]);
  // First start over all rows (failed ones too; NaN skipped), last of starts and ends.
  assert.equal(t.first_ms, 10);
  assert.equal(t.last_ms, 1000);
  // Successful rows only; missing counts as 0.
  assert.equal(t.output_tokens, 12);
  assert.equal(t.input_tokens, 50);
  assert.equal(t.good, 0);
});

Deno.test("groupTotals() uses start + e2e without an end column", () => {
  const t = groupTotals(Uint32Array.of(0, 2), { ...columns, end_ms: null });
  assert.equal(t.first_ms, 50);
  assert.equal(t.last_ms, 900);
});

Deno.test("groupTotals() counts good requests for an SLO", () => {
  const rows = Uint32Array.of(0, 1, 2, 3);
  assert.equal(groupTotals(rows, columns, { ttft_ms: 50 }).good, 2); // rows 0 and 3
  assert.equal(groupTotals(rows, columns, { ttft_ms: 50, tpot_ms: 20 }).good, 1); // row 0 (3 lacks TPOT)
  assert.equal(groupTotals(rows, columns, { e2e_ms: 200 }).good, 1); // row 1
});

Deno.test("groupTotals() of no rows", () => {
  const t = groupTotals(new Uint32Array(0), columns, { ttft_ms: 1 });
  assert.equal(t.requests, 0);
  assert.equal(t.first_ms, Infinity);
  assert.equal(t.last_ms, -Infinity);
  assert.equal(t.good, 0);
});

Deno.test("groupTotals() with an SLO names the missing columns", () => {
  const { ttft_ms: _, ...without } = columns;
  assert.throws(
    () => groupTotals(Uint32Array.of(0), without, { ttft_ms: 1 }),
    /an SLO needs the ttft_ms and tpot_ms columns/,
  );
});
