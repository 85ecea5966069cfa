import assert from "node:assert/strict";
import { findMaxRate } from "./find_max_rate.ts";
import { startSimulator } from "../sim/mod.ts";
import { randomDataset } from "../datasets/random.ts";

/**
 * A simulator whose TPOT grows with the load in a known way: every engine step lasts
 * 20 ms + 2 ms per running sequence (no prefill or frontend cost), each request makes 10 tokens.
 * At a steady rate r, n = r · 10 · TPOT sequences run (Little's law), so
 * TPOT = 20 + 2n = 20 / (1 − 0.02·r) ms: an SLO of TPOT ≤ 40 ms holds up to r = 25 req/s.
 * Saturation (everything at once) runs at about 40 req/s and one request at a time at about
 * 4.5 req/s, so the band below excludes both ends of the search.
 */
const SIM = {
  decodeStepMs: 20,
  decodeStepMsPerSeq: 2,
  prefillBaseMs: 0,
  prefillMsPerToken: 0,
  frontendOverheadMs: 0,
  log: false,
};
const CAPACITY_RPS = 25;

Deno.test("findMaxRate converges on the simulator's known TPOT capacity", async () => {
  const sim = await startSimulator(SIM);
  try {
    const result = await findMaxRate({
      collect: {
        url: sim.url,
        requests: randomDataset({ inputTokens: 16, outputTokens: 10 }),
        count: 40,
        durationS: 1.6,
        // Near-even arrivals (gamma shape 16): the running count stays near its mean, so the
        // share of requests meeting the SLO drops sharply at the capacity.
        burstiness: 16,
        scrapeInterval: "off",
      },
      slo: { tpot_ms: 40 },
      targetPercent: 90,
      precision: { percent: 10 },
      maxProbes: 8,
    });
    const rate = result.max_rate_rps;
    const probes = result.probes.map((p) => `${p.load.rate_rps}: ${p.good_percent} %`).join(", ");
    assert.ok(rate !== null, `no rate found (${result.stop_reason}; ${probes})`);
    // Loose band around the fluid-model capacity: timer and SSE overhead on a busy machine
    // lengthen steps (measured: TPOT 33–35 ms at 17.4 req/s where the model says 31, so lower
    // rates), and the ramp-up and drain of a short probe help (higher rates). It still excludes
    // both ends of the search: the synchronous (≈ 4.5) and saturation (≈ 35–40 req/s) throughputs.
    // The low end is wide because CI runs this beside a Go build on 2 cores (14.1 req/s was
    // seen at load 7); bisection_test.ts checks the search itself against an exact capacity.
    assert.ok(
      rate >= 0.4 * CAPACITY_RPS && rate <= 1.2 * CAPACITY_RPS,
      `found ${rate} req/s, expected ${CAPACITY_RPS} ± the band (${probes})`,
    );
    assert.ok(rate > result.sync!.throughput_rps!, "above the synchronous throughput");
    assert.equal(result.converged, true, result.stop_reason);
    assert.ok(result.bracket.bad_rps! - rate <= 0.1 * rate);
    // The first rate probed is the saturation throughput (3 significant digits).
    assert.equal(
      result.probes[0].load.rate_rps,
      Number(result.saturation!.throughput_rps!.toPrecision(3)),
    );
    assert.deepEqual(result.runs.slice(0, 2).map((r) => r.meta.label), [
      "search-sync-c1-rinf",
      "search-saturation-cmax-rinf",
    ]);
    assert.equal(result.runs.length, 2 + result.probes.length);
    assert.ok(result.runs.every((r) => r.meta.extra.search !== undefined));
  } finally {
    await sim.close();
  }
});

Deno.test("findMaxRate halves the rate while every probe misses the SLO, and finds none", async () => {
  const sim = await startSimulator({ ...SIM, decodeStepMs: 5 });
  try {
    const result = await findMaxRate({
      collect: {
        url: sim.url,
        requests: randomDataset({ inputTokens: 16, outputTokens: 4 }),
        count: 4,
        scrapeInterval: "off",
      },
      slo: { e2e_ms: 0.001 }, // no request is this fast
      maxProbes: 3,
    });
    const rates = result.probes.map((p) => p.load.rate_rps!);
    assert.deepEqual(rates, [rates[0], rates[0] / 2, rates[0] / 4]);
    assert.equal(result.max_rate_rps, null);
    assert.deepEqual(result.bracket, { good_rps: null, bad_rps: rates[2] });
    assert.equal(result.converged, false);
    assert.equal(result.runs.length, 5, "the two measuring probes and the three rates");
    assert.equal(result.stop_reason, "3 rate probes run (maxProbes)");
  } finally {
    await sim.close();
  }
});

Deno.test("findMaxRate checks its options before sending anything", async () => {
  const collect = { url: "http://127.0.0.1:9", requests: [], count: 1 };
  await assert.rejects(() => findMaxRate({ collect }), /slo must name at least one/);
  await assert.rejects(
    () => findMaxRate({ collect, slo: { ttft: 100 }, targetPercent: 120 }),
    {
      name: "RangeError",
      message: "findMaxRate: targetPercent must be a number in [0, 100], got 120",
    },
  );
  await assert.rejects(
    () => findMaxRate({ collect, slo: { ttft: 100 }, maxProbes: 0 }),
    /maxProbes must be an integer ≥ 1, got 0/,
  );
  await assert.rejects(
    () => findMaxRate({ collect, slo: { ttft: 100 }, precision: { percent: -1 } }),
    /precision.percent must be a finite number > 0/,
  );
  await assert.rejects(() => findMaxRate({ slo: { ttft: 100 } }), /give either collect/);
  await assert.rejects(
    () => findMaxRate({ collect, slo: { ttft: 100 }, concurrency: 0 }),
    /concurrency must be an integer ≥ 1, got 0/,
  );
  await assert.rejects(
    () => findMaxRate({ collect, slo: { latency: 1 } as never }),
    /findMaxRate: slo.latency is not one of/,
  );
});
