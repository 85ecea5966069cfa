import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { SHARD_SEED_STRIDE, shardLoad, splitInteger } from "./shard.ts";
import type { LoadSpec } from "../types.ts";

const base: LoadSpec = {
  concurrency: 10,
  rate: 8,
  requests: 101,
  burstiness: 1,
  warmup: 2,
  seed: 5,
};

Deno.test("shardLoad() divides the rate and splits concurrency and requests so the parts sum to the total", () => {
  const parts = [0, 1, 2, 3].map((index) => shardLoad(base, { index, count: 4 }));
  assert.deepEqual(parts.map((p) => p.concurrency), [3, 3, 2, 2]);
  assert.deepEqual(parts.map((p) => p.requests), [26, 25, 25, 25]);
  assert.ok(parts.every((p) => p.rate === 2));
  assert.ok(parts.every((p) => p.burstiness === 1 && p.warmup === 2));
  assert.deepEqual(parts.map((p) => p.shard), [0, 1, 2, 3].map((index) => ({ index, count: 4 })));
});

Deno.test("shardLoad() gives every shard its own seed and keeps duration and unlimited values", () => {
  const load: LoadSpec = { duration_s: 60, burstiness: 0.5, warmup: 0, seed: 1 };
  const parts = [0, 1, 2].map((index) => shardLoad(load, { index, count: 3 }));
  assert.deepEqual(parts.map((p) => p.seed), [1, 1 + SHARD_SEED_STRIDE, 1 + 2 * SHARD_SEED_STRIDE]);
  for (const p of parts) {
    assert.equal(p.duration_s, 60);
    assert.equal(p.rate, undefined);
    assert.equal(p.concurrency, undefined);
    assert.equal(p.requests, undefined);
  }
});

Deno.test("shardLoad() with one shard is the whole load", () => {
  const part = shardLoad(base, { index: 0, count: 1 });
  assert.deepEqual(part, { ...base, shard: { index: 0, count: 1 } });
});

Deno.test("shardLoad() rejects shards out of range and parts that would be empty", () => {
  assert.throws(() => shardLoad(base, { index: 4, count: 4 }), /index must be in 0..3/);
  assert.throws(() => shardLoad(base, { index: 0, count: 0 }), /count must be/);
  assert.throws(
    () => shardLoad({ ...base, concurrency: 2 }, { index: 0, count: 3 }),
    /concurrency 2/,
  );
  assert.throws(() => shardLoad({ ...base, requests: 2 }, { index: 0, count: 3 }), /2 requests/);
});

Deno.test("splitInteger() parts always sum to the total and differ by at most one", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 1, max: 64 }),
      (total, count) => {
        const parts = Array.from({ length: count }, (_, i) => splitInteger(total, i, count));
        assert.equal(parts.reduce((a, b) => a + b, 0), total);
        assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
      },
    ),
  );
});
