import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { describePooled } from "./describe_pooled.ts";
import { describe } from "./describe.ts";

const PS = [0, 25, 50, 90, 95, 99, 99.9, 100];

function reference(lists: number[][]) {
  return describe(Float64Array.from(lists.flat().filter(Number.isFinite)), PS);
}

function assertSame(actual: ReturnType<typeof describe>, expected: ReturnType<typeof describe>) {
  assert.equal(actual.count, expected.count);
  assert.deepEqual(actual.percentiles, expected.percentiles, "percentiles are exact");
  assert.equal(actual.min, expected.min);
  assert.equal(actual.max, expected.max);
  if (expected.mean !== null) {
    const scale = Math.max(1, Math.abs(expected.mean), expected.std!);
    assert.ok(Math.abs(actual.mean! - expected.mean) <= 1e-9 * scale, "mean");
    assert.ok(Math.abs(actual.std! - expected.std!) <= 1e-6 * scale, "std");
  }
}

const listsArb = fc.array(
  fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 5 }),
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.constantFrom(NaN, Infinity),
    ),
    { maxLength: 40 },
  ),
  { maxLength: 30 },
);

Deno.test("describePooled() equals statistics of the concatenated finite values", () => {
  fc.assert(fc.property(listsArb, (lists) => {
    assertSame(describePooled(lists.map((l) => Float64Array.from(l)), PS), reference(lists));
  }));
});

Deno.test("describePooled() stays exact when tiny samples miss and brackets overflow", () => {
  fc.assert(
    fc.property(
      listsArb,
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 8 }),
      (lists, sampleSize, bracketCap) => {
        assertSame(
          describePooled(lists, PS, { sampleSize, bracketCap, copyLimit: 0 }),
          reference(lists),
        );
      },
    ),
  );
});

Deno.test("describePooled() handles many equal values and large inputs", () => {
  const equal = [new Float64Array(100_000).fill(10)];
  const s = describePooled(equal, [50, 99], { bracketCap: 100, copyLimit: 0 });
  assert.deepEqual(s.percentiles, [10, 10]);
  assert.equal(s.std, 0);
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const lists = Array.from(
    { length: 2000 },
    () => Float64Array.from({ length: 199 }, () => 5 + 20 * rand() ** 3),
  );
  const expected = reference(lists.map((l) => [...l]));
  assertSame(describePooled(lists, PS, { copyLimit: 0 }), expected); // sampled
  assertSame(describePooled(lists, PS), expected); // copied
});

Deno.test("describePooled() of no values gives count 0 and nulls", () => {
  assert.deepEqual(describePooled([[], [NaN]], [50]), {
    count: 0,
    mean: null,
    std: null,
    min: null,
    max: null,
    percentiles: [null],
  });
});

Deno.test("describePooled() with a reused scratch buffer equals describe() of each pool", () => {
  const scratch = { buffer: new Float64Array(0) };
  fc.assert(fc.property(listsArb, (lists) => {
    const actual = describePooled(lists.map((l) => Float64Array.from(l)), PS, { scratch });
    // Copied and selected exactly like describe(): bit-identical, not just close.
    assert.deepEqual(actual, reference(lists));
  }));
});
