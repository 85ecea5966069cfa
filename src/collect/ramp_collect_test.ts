import assert from "node:assert/strict";
import { join } from "node:path";
import { collect } from "./collect.ts";
import { rampConcurrencyAt } from "./concurrency_ramp.ts";
import { rampRateAt } from "./schedule.ts";
import { startSimulator } from "../sim/server.ts";
import { steadyStateWindow } from "../metrics/steady_state.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { save } from "../io/save.ts";
import { load } from "../io/load.ts";
import type { RequestRecord, RequestSpec } from "../types.ts";

/** `n` requests of `tokens` output tokens each (the simulator decodes a token per 20 ms). */
const specs = (n: number, tokens: number): RequestSpec[] =>
  [...Array(n)].map(() => ({ prompt: "Hello there", max_tokens: tokens }));

/** How many of `records` were in flight (sent, not yet ended) when `at` was sent, itself included. */
function inFlightAt(records: RequestRecord[], at: RequestRecord): number {
  return records.filter((r) =>
    r.start_ms <= at.start_ms && (r.e2e_ms === null || r.start_ms + r.e2e_ms > at.start_ms)
  ).length;
}

Deno.test("a concurrency ramp admits no more requests than its allowance, which rises to the target", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const ramp = { shape: "linear" as const, durationS: 1 };
    // 40 requests of ≥ 10 × 20 ms at ≤ 6 in flight last > 1.3 s: the ramp ends during the run.
    const run = await collect({
      url: sim.url,
      requests: specs(40, 10),
      concurrency: 6,
      concurrencyRamp: ramp,
    });
    assert.deepEqual(run.meta.load.concurrency_ramp, {
      shape: "linear",
      duration_s: 1,
      start_concurrency: 1,
    });
    const records = run.requests;
    assert.ok(records.every((r) => r.success));
    for (const r of records) {
      const allowance = r.load_concurrency!;
      assert.ok(inFlightAt(records, r) <= allowance, `request ${r.index}: over its allowance`);
      // The limit is raised at each step, never early.
      const due = rampConcurrencyAt(6, ramp, r.start_ms - run.meta.started_ms);
      assert.ok(allowance <= due, `request ${r.index}: allowance ${allowance} > ramp's ${due}`);
      assert.equal(r.load_rate_rps, undefined); // closed loop: no rate in force
    }
    const allowances = records.map((r) => r.load_concurrency!);
    allowances.slice(1).forEach((a, i) => assert.ok(a >= allowances[i], `request ${i + 1}`));
    assert.equal(allowances[0], 1);
    assert.equal(allowances.at(-1), 6);
  } finally {
    await sim.close();
  }
});

Deno.test("records carry the rate in force at their scheduled time during a rate ramp", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const ramp = { shape: "linear" as const, durationS: 0.5, startRate: 10 };
    const run = await collect({
      url: sim.url,
      requests: specs(15, 1),
      rate: 40,
      burstiness: Infinity,
      ramp,
      concurrency: 8,
    });
    const rates = run.requests.map((r) => r.load_rate_rps!);
    run.requests.forEach((r, i) => {
      const expected = rampRateAt(40, ramp, r.scheduled_ms - run.meta.started_ms);
      // scheduled_ms keeps ~0.0002 ms of precision; the rate rises 0.06 req/s per ms here.
      assert.ok(Math.abs(rates[i] - expected) < 1e-3, `request ${i}: ${rates[i]} vs ${expected}`);
      assert.equal(r.load_concurrency, 8); // a fixed cap
    });
    rates.slice(1).forEach((rate, i) => assert.ok(rate >= rates[i]));
    assert.ok(rates[0] < 40 && rates.at(-1) === 40);
  } finally {
    await sim.close();
  }
});

Deno.test("steady state leaves out the ramp-up, keeps the plateau, and a saved run marks the same", async () => {
  const sim = await startSimulator({ log: false });
  const dir = await Deno.makeTempDir();
  try {
    const run = await collect({
      url: sim.url,
      requests: specs(30, 8),
      concurrency: 4,
      concurrencyRamp: { shape: "linear", durationS: 0.5 },
    });
    const table = toTable(run);
    const steady = table.array("steady_state") as boolean[];
    const excluded = steady.filter((s) => !s).length;
    assert.ok(excluded > 0, "the ramp-up is left out");
    assert.ok(excluded < run.requests.length, "the plateau is kept");
    // Kept requests were sent inside the window where 4 were in flight, at the full allowance.
    const window = steadyStateWindow(run.requests, 4)!;
    run.requests.forEach((r, i) => {
      if (!steady[i]) return;
      assert.ok(r.start_ms >= window.start_ms && r.start_ms < window.end_ms, `request ${i}`);
      assert.equal(r.load_concurrency, 4);
    });
    const summary = summarize(table, { steadyState: true }).objects()[0] as Record<string, number>;
    assert.equal(summary.steady_state_excluded, excluded);
    assert.equal(summary.requests, run.requests.length - excluded);
    for (const format of ["json", "csv", "parquet"]) {
      const loaded = await load(await save(run, join(dir, `run.${format}`)));
      assert.deepEqual(toTable(loaded).array("steady_state"), steady, format);
      assert.deepEqual(
        loaded.requests.map((r) => r.load_concurrency),
        run.requests.map((r) => r.load_concurrency),
      );
    }
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a concurrency ramp without a concurrency, or with a start above it, is refused before sending", async () => {
  const ramp = { shape: "linear" as const, durationS: 1 };
  await assert.rejects(
    () => collect({ url: "http://127.0.0.1:9", requests: [], concurrencyRamp: ramp }),
    /a concurrency ramp needs an integer concurrency ≥ 1, got Infinity/,
  );
  await assert.rejects(
    () =>
      collect({
        url: "http://127.0.0.1:9",
        requests: [],
        concurrency: 2,
        concurrencyRamp: { ...ramp, startConcurrency: 3 },
      }),
    /startConcurrency must be an integer in \[1, concurrency = 2\], got 3/,
  );
});
