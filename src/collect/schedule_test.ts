import assert from "node:assert/strict";
import { arrivalOffsets, rampRateAt, Semaphore, sleepUntil } from "./schedule.ts";
import { collect } from "./collect.ts";
import { startSimulator } from "../sim/server.ts";

function interArrivals(options: Parameters<typeof arrivalOffsets>[0], n: number): number[] {
  const due = arrivalOffsets(options);
  const gaps: number[] = [];
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const at = due.next().value;
    gaps.push(at - previous);
    previous = at;
  }
  return gaps;
}

function meanAndCv(xs: number[]): { mean: number; cv: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return { mean, cv: Math.sqrt(variance) / mean };
}

const N = 20_000;

Deno.test("arrivalOffsets() at rate 5 has mean inter-arrival 200 ms and CV 1 (Poisson)", () => {
  const { mean, cv } = meanAndCv(interArrivals({ rate: 5, seed: 42 }, N));
  // Standard error of the mean is 200/sqrt(N) ≈ 1.4 ms; allow ~4 standard errors.
  assert.ok(Math.abs(mean - 200) < 6, `mean ${mean}`);
  assert.ok(Math.abs(cv - 1) < 0.05, `cv ${cv}`);
});

for (const burstiness of [0.25, 0.5, 2, 4]) {
  Deno.test(`arrivalOffsets() with burstiness ${burstiness} keeps the mean 1/rate and has CV 1/sqrt(burstiness)`, () => {
    const { mean, cv } = meanAndCv(interArrivals({ rate: 20, burstiness, seed: 7 }, N));
    const expectedCv = 1 / Math.sqrt(burstiness);
    assert.ok(Math.abs(mean - 50) / 50 < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(cv - expectedCv) / expectedCv < 0.08, `cv ${cv} vs ${expectedCv}`);
  });
}

Deno.test("arrivalOffsets() is deterministic for a seed, differs across seeds, and never decreases", () => {
  const a = interArrivals({ rate: 3, burstiness: 0.7, seed: 1 }, 100);
  const b = interArrivals({ rate: 3, burstiness: 0.7, seed: 1 }, 100);
  const c = interArrivals({ rate: 3, burstiness: 0.7, seed: 2 }, 100);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.every((gap) => gap >= 0));
});

Deno.test("arrivalOffsets() without a rate makes every request due at once", () => {
  assert.deepEqual(interArrivals({}, 5), [0, 0, 0, 0, 0]);
  assert.deepEqual(interArrivals({ rate: Infinity }, 3), [0, 0, 0]);
});

Deno.test("arrivalOffsets() with infinite burstiness spaces requests evenly", () => {
  assert.deepEqual(interArrivals({ rate: 4, burstiness: Infinity }, 4), [250, 250, 250, 250]);
});

Deno.test("Semaphore never lets more than its limit in and serves waiters in order", async () => {
  const slots = new Semaphore(2);
  const order: number[] = [];
  let inside = 0;
  let maxInside = 0;
  const work = async (id: number) => {
    await slots.acquire();
    inside++;
    maxInside = Math.max(maxInside, inside);
    order.push(id);
    await Promise.resolve();
    await Promise.resolve();
    inside--;
    slots.release();
  };
  await Promise.all([0, 1, 2, 3, 4, 5].map(work));
  assert.equal(maxInside, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  assert.equal(slots.inUse, 0);
});

Deno.test("Semaphore.acquire() rejects when its signal aborts and frees its place in the queue", async () => {
  const slots = new Semaphore(1);
  await slots.acquire();
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  slots.release();
  assert.equal(slots.inUse, 0);
  await slots.acquire();
  assert.equal(slots.inUse, 1);
});

Deno.test("sleepUntil() resolves true when the time comes and false when a signal aborts", async () => {
  assert.equal(await sleepUntil(-1, () => 0), true);
  // A clock that reads 1 ms late the first time: the sleep re-arms until it is really due.
  let reads = 0;
  const clock = () => (reads++ < 2 ? 10 : 11);
  assert.equal(await sleepUntil(11, clock, []), true);
  assert.ok(reads >= 3, `clock read ${reads} times`);
  const t0 = performance.now();
  assert.equal(await sleepUntil(t0 + 5, () => performance.now()), true);
  assert.ok(performance.now() >= t0 + 5, "never resolves before the due time");
  const controller = new AbortController();
  const pending = sleepUntil(Date.now() + 60_000, Date.now, [undefined, controller.signal]);
  controller.abort();
  assert.equal(await pending, false);
  assert.equal(await sleepUntil(Date.now() + 60_000, Date.now, [controller.signal]), false);
});

/** The first `n` offsets of a schedule, ms. */
function firstOffsets(options: Parameters<typeof arrivalOffsets>[0], n: number): number[] {
  const due = arrivalOffsets(options);
  return Array.from({ length: n }, () => due.next().value);
}

Deno.test("a linear ramp sends the ramp's expected count during it, then the target rate", () => {
  // From 2/s to 10/s over 10 s: (2 + 10) / 2 · 10 = 60 requests during the ramp.
  const ramp = { shape: "linear" as const, durationS: 10, startRate: 2 };
  const due = firstOffsets({ rate: 10, burstiness: Infinity, ramp }, 80);
  assert.equal(due.filter((t) => t <= 10_000 + 1e-6).length, 60);
  assert.ok(Math.abs(due[0] - 1000 * (-2 + Math.sqrt(4 + 1.6)) / 0.8) < 1e-9); // Λ(t) = 1
  const after = due.slice(61).map((t, i) => t - due[60 + i]);
  assert.ok(after.every((gap) => Math.abs(gap - 100) < 1e-6), "10/s after the ramp");
});

Deno.test("an exponential ramp multiplies the rate and matches rampRateAt", () => {
  const ramp = { shape: "exp" as const, durationS: 10, startRate: 1 };
  const due = firstOffsets({ rate: 16, burstiness: Infinity, ramp }, 200);
  // Λ(10 s) = (16 − 1) · 10 / ln 16 = 54.1 requests during the ramp.
  assert.equal(due.filter((t) => t <= 10_000).length, 54);
  assert.equal(rampRateAt(16, ramp, 5000), 4); // 1 · 16^(1/2)
  const gaps = due.slice(1).map((t, i) => t - due[i]);
  assert.ok(gaps[0] > gaps[40] && gaps[40] > gaps[150], "gaps shrink as the rate rises");
});

Deno.test("a Poisson ramp is deterministic for a seed and bad ramps are refused by name", () => {
  const ramp = { shape: "linear" as const, durationS: 5 };
  assert.deepEqual(
    firstOffsets({ rate: 20, seed: 3, ramp }, 10),
    firstOffsets({ rate: 20, seed: 3, ramp }, 10),
  );
  assert.equal(rampRateAt(20, ramp, 0), 2); // default start: a tenth of the target
  assert.throws(() => rampRateAt(20, { ...ramp, durationS: 0 }, 0), /ramp.durationS must be/);
  assert.throws(() => rampRateAt(20, { ...ramp, startRate: 30 }, 0), /ramp.startRate must be in/);
  assert.throws(
    () => arrivalOffsets({ rate: 5, ramp: { ...ramp, shape: "log" as "exp" } }).next(),
    /ramp.shape/,
  );
});

Deno.test("collect() sends on the ramp's schedule and records the ramp in the run's load", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const ramp = { shape: "linear" as const, durationS: 1, startRate: 10 };
    const run = await collect({
      url: sim.url,
      requests: [...Array(12)].map(() => ({ prompt: "Hi", max_tokens: 1 })),
      rate: 20,
      burstiness: Infinity,
      ramp,
    });
    assert.deepEqual(run.meta.load.ramp, { shape: "linear", duration_s: 1, start_rate: 10 });
    const offsets = run.requests.map((r) => r.scheduled_ms - run.meta.started_ms);
    const expected = firstOffsets({ rate: 20, burstiness: Infinity, ramp }, 12);
    // Epoch-ms sums keep about 0.0002 ms of precision.
    offsets.forEach((at, i) => assert.ok(Math.abs(at - expected[i]) < 0.001, `request ${i}`));
    await assert.rejects(
      () => collect({ url: sim.url, requests: [], ramp }),
      /a ramp needs a finite rate > 0, got Infinity/,
    );
  } finally {
    await sim.close();
  }
});
