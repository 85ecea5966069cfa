import assert from "node:assert/strict";
import { planRates, rateAuto } from "./rate_auto.ts";
import { probeLoad, type ProbeResult } from "./probe.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { startSimulator } from "../sim/mod.ts";
import { randomDataset } from "../datasets/random.ts";

const collectFrom = (url: string) => ({
  url,
  requests: randomDataset({ inputTokens: 16, outputTokens: 4 }),
  count: 6,
  scrapeInterval: "off" as const,
});

Deno.test("rateAuto runs the two probes, then the rates between their throughputs in order", async () => {
  const sim = await startSimulator({ decodeStepMs: 5, log: false });
  try {
    const seen: string[] = [];
    const result = await rateAuto({
      collect: collectFrom(sim.url),
      rates: 3,
      onProbe: (p) => seen.push(p.load.role),
    });
    assert.deepEqual(seen, ["sync", "saturation", "rate", "rate", "rate"]);
    const sync = result.sync!.throughput_rps!;
    const saturation = result.saturation!.throughput_rps!;
    const rates = result.rates.map((p) => p.load.rate_rps!);
    assert.deepEqual(rates, result.planned_rps);
    assert.ok(rates.every((r, i) => r > sync && r < saturation && (i === 0 || r > rates[i - 1])));
    assert.deepEqual(result.runs.map((r) => r.meta.load.rate ?? null), [null, null, ...rates]);
    assert.equal(result.runs[0].meta.load.concurrency, 1);
    assert.equal(result.stop_reason, null);
  } finally {
    await sim.close();
  }
});

Deno.test("rateAuto stops at the first rate whose goodput collapsed", async () => {
  const sim = await startSimulator({ decodeStepMs: 5, log: false });
  try {
    const result = await rateAuto({
      collect: collectFrom(sim.url),
      rates: 4,
      slo: { e2e_ms: 0.001 }, // no request meets it: the first rate collapses
      collapseBelowPercent: 50,
    });
    assert.equal(result.planned_rps.length, 4);
    assert.equal(result.rates.length, 1);
    assert.equal(result.runs.length, 3, "every run made is returned");
    assert.match(result.stop_reason!, /goodput collapsed at .* req\/s: 0\.0 % .* \(below 50 %\)/);
  } finally {
    await sim.close();
  }
});

Deno.test("planRates gives no rates, and says why, when saturation is not above sync", () => {
  const run = makeRun([makeRecord()]);
  const probe = (role: "sync" | "saturation", throughput: number): ProbeResult => ({
    load: probeLoad(role, role === "sync" ? 1 : undefined, undefined),
    throughput_rps: throughput,
    good_percent: null,
    run,
  });
  const none = planRates(probe("sync", 10), probe("saturation", 9.5), 8);
  assert.deepEqual(none.rates, []);
  assert.match(none.stop_reason!, /saturation throughput \(9\.5 req\/s\) is not above/);
  assert.deepEqual(planRates(probe("sync", 2), probe("saturation", 8), 2), {
    rates: [4, 6],
    stop_reason: null,
  });
  assert.match(planRates(null, null, 2).stop_reason!, /stopped before the throughput probes/);
  assert.equal(
    planRates(probe("sync", 0), probe("saturation", 8), 2).stop_reason,
    "the sync probe measured no throughput (no successful request)",
  );
});

Deno.test("rateAuto checks its options before sending anything", async () => {
  const collect = collectFrom("http://127.0.0.1:9");
  await assert.rejects(() => rateAuto({ collect, rates: 0 }), {
    name: "RangeError",
    message: "rateAuto: rates must be an integer ≥ 1, got 0",
  });
  await assert.rejects(
    () => rateAuto({ collect, collapseBelowPercent: -5 }),
    /collapseBelowPercent must be a number in \[0, 100\], got -5/,
  );
});
