import assert from "node:assert/strict";
import {
  bracketOf,
  checkPrecision,
  isConverged,
  nextRate,
  type RateVerdict,
  type SearchPrecision,
} from "./bisection.ts";

/** Runs the bisection against a server that meets the target exactly below `capacity`. */
function searchAgainst(capacity: number, start: number, precision: SearchPrecision) {
  const verdicts: RateVerdict[] = [];
  let bracket = bracketOf(verdicts);
  while (!isConverged(bracket, precision) && verdicts.length < 50) {
    const rate = nextRate(bracket, start);
    verdicts.push({ rate_rps: rate, meets: rate <= capacity });
    bracket = bracketOf(verdicts);
  }
  return { bracket, probes: verdicts.length };
}

Deno.test("the bisection brackets a known capacity within the relative precision", () => {
  const { bracket, probes } = searchAgainst(23.4, 40, { percent: 5 });
  assert.ok(bracket.good_rps! <= 23.4 && bracket.bad_rps! > 23.4, JSON.stringify(bracket));
  assert.ok(bracket.bad_rps! - bracket.good_rps! <= 0.05 * bracket.good_rps!);
  assert.ok(probes <= 8, `${probes} probes`);
});

Deno.test("the bisection doubles past a start rate that still meets the target", () => {
  const { bracket } = searchAgainst(100, 30, { rps: 1 });
  assert.ok(bracket.good_rps! <= 100 && bracket.bad_rps! > 100, JSON.stringify(bracket));
  assert.ok(bracket.bad_rps! - bracket.good_rps! <= 1);
});

Deno.test("the bisection halves below a start rate far above the capacity", () => {
  const { bracket } = searchAgainst(2, 64, { percent: 10 });
  assert.ok(bracket.good_rps! <= 2 && bracket.bad_rps! > 2, JSON.stringify(bracket));
});

Deno.test("bracketOf ignores a noisy pass above the lowest failing rate", () => {
  const verdicts = [
    { rate_rps: 20, meets: true },
    { rate_rps: 30, meets: false },
    { rate_rps: 35, meets: true },
  ];
  assert.deepEqual(bracketOf(verdicts), { good_rps: 20, bad_rps: 30 });
  assert.deepEqual(bracketOf([]), { good_rps: null, bad_rps: null });
});

Deno.test("isConverged needs both ends of the bracket", () => {
  assert.equal(isConverged({ good_rps: 10, bad_rps: null }, { rps: 100 }), false);
  assert.equal(isConverged({ good_rps: 10, bad_rps: 10.5 }, { percent: 5 }), true);
});

Deno.test("checkPrecision names a bad precision", () => {
  assert.throws(() => checkPrecision({ percent: 0 }, "findMaxRate"), {
    name: "RangeError",
    message: "findMaxRate: precision.percent must be a finite number > 0, got 0",
  });
  assert.throws(() => checkPrecision({ percent: 100 }, "f"), /below 100/);
  assert.throws(() => checkPrecision({ rps: -1 }, "f"), /precision.rps must be/);
  assert.throws(() => checkPrecision({} as SearchPrecision, "f"), TypeError);
});
