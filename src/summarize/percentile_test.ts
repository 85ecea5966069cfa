import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { percentile } from "./percentile.ts";
import { orderStatistics, selectInPlace } from "./select.ts";

// Expected values computed with numpy 2.4.6: numpy.percentile(values, p) (default "linear").
const SAMPLE = [15.3, 2.1, 7.7, 9.0, 11.4, 3.3, 8.8];
const NUMPY: [number, number][] = [
  [0, 2.1],
  [25, 5.5],
  [50, 8.8],
  [90, 12.960000000000003],
  [95, 14.129999999999997],
  [99, 15.065999999999999],
  [99.9, 15.276600000000004],
  [100, 15.3],
];

Deno.test("percentile() matches numpy.percentile([1, 2, 3, 4], 90) = 3.7", () => {
  assert.equal(percentile([1, 2, 3, 4], 90), 3.7);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([10], 99), 10);
});

Deno.test("percentile() equals numpy's linear method bit for bit on unsorted input", () => {
  for (const [p, expected] of NUMPY) assert.equal(percentile(SAMPLE, p), expected, `p${p}`);
});

Deno.test("percentile() does not modify its input and ignores NaN", () => {
  const input = [3, NaN, 1, 2];
  assert.equal(percentile(input, 50), 2);
  assert.deepEqual(input, [3, NaN, 1, 2]);
});

Deno.test("percentile() of an empty list is NaN and rejects p outside [0, 100]", () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
  assert.throws(() => percentile([1], NaN), RangeError);
});

/** numpy linear percentile by full sort, written from the definition. */
function sortedReference(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 1) return sorted[0]; // numpy returns a single value as it is (−0 too)
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = h - lo;
  const d = sorted[hi] - sorted[lo];
  return t >= 0.5 ? sorted[hi] - d * (1 - t) : sorted[lo] + d * t;
}

Deno.test("percentile() by selection agrees with a full sort for arbitrary data", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), {
        minLength: 1,
        maxLength: 300,
      }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, p) => {
        // `+ 0` folds −0 into +0: with both zeros in the data their sign depends on how equal
        // values were ordered; numpy's sign rules are checked by the deterministic test below.
        assert.equal(percentile(values, p) + 0, sortedReference(values, p) + 0);
      },
    ),
  );
});

Deno.test("selectInPlace() places the k-th smallest value, even with many duplicates", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 500 }),
      fc.nat(),
      (values, seed) => {
        const a = Float64Array.from(values);
        const k = seed % a.length;
        selectInPlace(a, k);
        const sorted = [...values].sort((x, y) => x - y);
        assert.equal(a[k], sorted[k]);
        for (let i = 0; i < k; i++) assert.ok(a[i] <= a[k]);
        for (let i = k + 1; i < a.length; i++) assert.ok(a[i] >= a[k]);
      },
    ),
  );
});

Deno.test("selectInPlace() handles already sorted and reversed large inputs", () => {
  const n = 100_000;
  const up = Float64Array.from({ length: n }, (_, i) => i);
  selectInPlace(up, 99_000);
  assert.equal(up[99_000], 99_000);
  const down = Float64Array.from({ length: n }, (_, i) => n - i);
  selectInPlace(down, 10);
  assert.equal(down[10], 11);
});

Deno.test("orderStatistics() gives the sorted-order value at every rank, in the ranks' order", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 3 }),
          // −0 as 0: selection and a sort may order the two zeros differently.
          fc.double({ noNaN: true }).map((x) => x === 0 ? 0 : x),
        ),
        {
          minLength: 1,
          maxLength: 2000,
        },
      ),
      fc.array(fc.nat(), { maxLength: 12 }),
      (values, seeds) => {
        const ranks = seeds.map((seed) => seed % values.length);
        const sorted = [...values].sort((x, y) => x - y);
        const got = orderStatistics(Float64Array.from(values), ranks);
        assert.deepEqual(got, ranks.map((rank) => sorted[rank]));
      },
    ),
  );
  assert.deepEqual(
    orderStatistics(Float64Array.from({ length: 50_000 }, (_, i) => i), [7, 49_999, 7, 25_000]),
    [
      7,
      49_999,
      7,
      25_000,
    ],
  );
  assert.throws(() => orderStatistics(new Float64Array(3), [3]), RangeError);
});

Deno.test("percentile() gives numpy's sign of zero", () => {
  // numpy 2.4.6: np.percentile([-0.0], 0) = -0.0; [-0.0, 1.0] at 0 and [-1.0, -0.0] at 100 give
  // 0.0 (a + (b − a)·0); [-0.0, -0.0] at 50 gives -0.0 (b − (b − a)·0.5).
  assert.ok(Object.is(percentile([-0], 0), -0));
  assert.ok(Object.is(percentile([-0], 50), -0));
  assert.ok(Object.is(percentile([-0, 1], 0), 0));
  assert.ok(Object.is(percentile([-1, -0], 100), 0));
  assert.ok(Object.is(percentile([-0, -0, -0], 50), 0));
  assert.ok(Object.is(percentile([-0, -0], 50), -0));
});
