import assert from "node:assert/strict";
import { summarize } from "./summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { formatSummary } from "../display/format_summary.ts";

/** A closed loop at concurrency 2: five 1 s requests, each sent when a slot frees (ms). */
function closedLoop(meta: Parameters<typeof makeRun>[1] = {}) {
  const starts = [0, 500, 1000, 1500, 2000];
  return makeRun(
    starts.map((start, index) =>
      makeRecord({ index, start_ms: 1_700_000_000_000 + start, e2e_ms: index === 4 ? 600 : 1000 })
    ),
    { load: { concurrency: 2, burstiness: 1, warmup: 0, seed: 0 }, ...meta },
  );
}

Deno.test("toTable marks the requests sent while the in-flight count was at its plateau", () => {
  // 2 in flight from the 2nd send (500 ms) until the last time it fell below 2 (2500 ms).
  assert.deepEqual(toTable(closedLoop()).array("steady_state"), [false, true, true, true, true]);
  const unlimited = closedLoop({ load: { burstiness: 1, warmup: 0, seed: 0 } });
  assert.deepEqual(toTable(unlimited).array("steady_state"), [null, null, null, null, null]);
});

Deno.test("summarize with steadyState leaves out the ramp-up and says how many it left out", () => {
  const table = toTable(closedLoop());
  const all = summarize(table).objects()[0] as Record<string, unknown>;
  const steady = summarize(table, { steadyState: true }).objects()[0] as Record<string, unknown>;
  assert.equal(all.requests, 5);
  assert.equal("steady_state_excluded" in all, false);
  assert.equal(steady.requests, 4);
  assert.equal(steady.steady_state_excluded, 1);
  assert.equal(steady.duration_s, 2.1); // 500 ms → 2600 ms
  assert.match(
    formatSummary(summarize(table, { steadyState: true })),
    /steady state only: 1 request of the ramp-up and drain left out/,
  );
});

Deno.test("summarize with steadyState refuses runs without a concurrency limit, naming the run", () => {
  const unlimited = closedLoop({ load: { burstiness: 1, warmup: 0, seed: 0 } });
  assert.throws(
    () => summarize(toTable(unlimited), { steadyState: true }),
    /steadyState needs runs with a concurrency limit \(meta.load.concurrency\); run run-1 has none/,
  );
  assert.throws(
    () => summarize(toTable(closedLoop()), { steadyState: "yes" as unknown as boolean }),
    /steadyState must be a boolean, got yes/,
  );
});
