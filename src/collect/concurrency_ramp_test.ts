import assert from "node:assert/strict";
import {
  followConcurrencyRamp,
  nextConcurrencyStepMs,
  rampConcurrencyAt,
} from "./concurrency_ramp.ts";
import { Semaphore } from "./schedule.ts";

Deno.test("a linear concurrency ramp adds one slot per (target − start)/duration and never falls", () => {
  const ramp = { shape: "linear" as const, durationS: 10, startConcurrency: 2 };
  const allowance = [...Array(121)].map((_, i) => rampConcurrencyAt(12, ramp, i * 100));
  assert.equal(allowance[0], 2);
  assert.equal(allowance[10], 3); // 1 s: 2 + 10 · 0.1
  assert.equal(allowance[55], 7); // 5.5 s: 2 + 5.5
  assert.equal(allowance[100], 12);
  assert.equal(allowance[120], 12);
  allowance.slice(1).forEach((a, i) => assert.ok(a >= allowance[i], `step ${i + 1}`));
});

Deno.test("an exponential concurrency ramp multiplies the allowance by the same factor each second", () => {
  const ramp = { shape: "exp" as const, durationS: 6 };
  // 1 → 64 over 6 s doubles every second.
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((s) => rampConcurrencyAt(64, ramp, s * 1000)),
    [1, 2, 4, 8, 16, 32, 64],
  );
  assert.equal(rampConcurrencyAt(64, ramp, 2_500), 5); // 2^2.5 = 5.66, rounded down
});

Deno.test("nextConcurrencyStepMs() gives the time the allowance rises, where rampConcurrencyAt steps", () => {
  for (
    const ramp of [{ shape: "linear" as const, durationS: 3 }, {
      shape: "exp" as const,
      durationS: 3,
    }]
  ) {
    let at = 0;
    const steps: number[] = [];
    for (
      let next = nextConcurrencyStepMs(10, ramp, at);
      next !== null;
      next = nextConcurrencyStepMs(10, ramp, at)
    ) {
      assert.equal(
        rampConcurrencyAt(10, ramp, next),
        rampConcurrencyAt(10, ramp, at) + 1,
        `${ramp.shape} at ${next}`,
      );
      assert.equal(rampConcurrencyAt(10, ramp, next - 0.01), rampConcurrencyAt(10, ramp, at));
      steps.push(next);
      at = next;
    }
    assert.equal(steps.length, 9); // 1 → 10
    assert.ok(steps[8] <= 3000);
  }
});

Deno.test("bad concurrency ramps are refused with the setting and value named", () => {
  const linear = "linear" as const;
  assert.throws(
    () => rampConcurrencyAt(8, { shape: "log" as typeof linear, durationS: 1 }, 0),
    /shape must be "linear" or "exp", got log/,
  );
  assert.throws(
    () => rampConcurrencyAt(8, { shape: linear, durationS: 0 }, 0),
    /durationS must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => rampConcurrencyAt(8, { shape: linear, durationS: 1, startConcurrency: 9 }, 0),
    /startConcurrency must be an integer in \[1, concurrency = 8\], got 9/,
  );
  assert.throws(
    () => rampConcurrencyAt(Infinity, { shape: linear, durationS: 1 }, 0),
    /needs an integer concurrency ≥ 1, got Infinity/,
  );
});

Deno.test("Semaphore.setLimit() lets waiters in when raised and holds new takers when lowered", async () => {
  const slots = new Semaphore(1);
  await slots.acquire();
  const admitted: number[] = [];
  const waiting = [1, 2, 3].map((i) => slots.acquire().then(() => admitted.push(i)));
  slots.setLimit(3);
  await Promise.resolve();
  assert.deepEqual(admitted, [1, 2]);
  assert.equal(slots.inUse, 3);
  slots.setLimit(2);
  slots.release(); // 3 in use > 2: the slot is dropped, not passed on
  await Promise.resolve();
  assert.deepEqual(admitted, [1, 2]);
  slots.release(); // 2 in use: passed on to the last waiter
  await Promise.all(waiting);
  assert.deepEqual(admitted, [1, 2, 3]);
  assert.equal(slots.inUse, 2);
});

Deno.test("followConcurrencyRamp() keeps a semaphore's limit on the ramp's allowance", async () => {
  let clock = 0;
  const slots = new Semaphore(Infinity);
  const ramp = { shape: "linear" as const, durationS: 0.03, startConcurrency: 1 };
  const follower = followConcurrencyRamp(slots, 4, ramp, 0, () => clock);
  try {
    assert.equal(slots.limit, 1);
    clock = 15; // the timer for the 10 ms step fires later than due: the limit catches up
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(slots.limit, rampConcurrencyAt(4, ramp, 15));
    clock = 1000;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(slots.limit, 4);
  } finally {
    follower.stop();
  }
});
