import assert from "node:assert/strict";
import { roundTo, spacedRates } from "./spacing.ts";

Deno.test("spacedRates puts N rates evenly strictly between the two throughputs", () => {
  assert.deepEqual(spacedRates(1, 10, 8), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(spacedRates(4, 6, 1), [5]);
});

Deno.test("spacedRates rounds to 3 significant digits when that keeps the rates distinct", () => {
  assert.deepEqual(spacedRates(3.21, 40.7, 4), [10.7, 18.2, 25.7, 33.2]);
});

Deno.test("spacedRates keeps more digits when 3 would merge neighbouring rates", () => {
  const rates = spacedRates(100, 100.4, 3);
  assert.deepEqual(rates, [100.1, 100.2, 100.3]);
  assert.ok(rates.every((r, i) => i === 0 || r > rates[i - 1]));
});

Deno.test("spacedRates refuses a saturation throughput not above the synchronous one", () => {
  assert.throws(() => spacedRates(10, 10, 2), {
    name: "RangeError",
    message: /saturation throughput \(10 req\/s\) is not above the synchronous throughput/,
  });
  assert.throws(() => spacedRates(10, 5, 2), RangeError);
});

Deno.test("spacedRates names the bad count or throughput", () => {
  assert.throws(() => spacedRates(1, 2, 0), /count must be an integer ≥ 1, got 0/);
  assert.throws(() => spacedRates(1, 2, 1.5), /count must be an integer ≥ 1, got 1.5/);
  assert.throws(() => spacedRates(0, 2, 1), /syncRps must be a finite number > 0, got 0/);
  assert.throws(() => spacedRates(1, NaN, 1), /saturationRps must be a finite number > 0/);
});

Deno.test("roundTo keeps the given number of significant digits", () => {
  assert.equal(roundTo(12.345678, 3), 12.3);
  assert.equal(roundTo(0.0012345, 2), 0.0012);
});
