import assert from "node:assert/strict";
import { arrivalOffsets, Semaphore, sleepUntil } from "./schedule.ts";

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
