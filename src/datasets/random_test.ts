import assert from "node:assert/strict";
import { randomDataset } from "./random.ts";
import { estimateTokens } from "../util/tokens.ts";

Deno.test("randomDataset() builds prompts whose estimated length is exactly inputTokens", () => {
  const specs = [...randomDataset({ inputTokens: 37, outputTokens: 5, count: 4 })];
  assert.equal(specs.length, 4);
  for (const spec of specs) {
    assert.equal(estimateTokens(spec.prompt!), 37);
    assert.equal(spec.prompt_tokens_estimate, 37);
    assert.equal(spec.max_tokens, 5);
    assert.equal(spec.tag, "random");
    assert.match(spec.prompt!, /^([a-z]{3} )*[a-z]{3}$/);
  }
});

Deno.test("randomDataset() is deterministic for a seed and differs between seeds", () => {
  const a = [...randomDataset({ inputTokens: 10, outputTokens: 5, count: 3, seed: 7 })];
  const b = [...randomDataset({ inputTokens: 10, outputTokens: 5, count: 3, seed: 7 })];
  const c = [...randomDataset({ inputTokens: 10, outputTokens: 5, count: 3, seed: 8 })];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notEqual(a[0].prompt, a[1].prompt, "prompts within a run differ");
});

Deno.test("randomDataset() gives the same requests when iterated twice", () => {
  const dataset = randomDataset({ inputTokens: 6, outputTokens: 3, count: 2, seed: 1 });
  assert.deepEqual([...dataset], [...dataset]);
});

Deno.test("randomDataset() draws lengths within the range ratio", () => {
  const specs = [
    ...randomDataset({ inputTokens: 100, outputTokens: 50, rangeRatio: 0.5, count: 200, seed: 3 }),
  ];
  const inputs = specs.map((s) => s.prompt_tokens_estimate!);
  const outputs = specs.map((s) => s.max_tokens!);
  assert.ok(Math.min(...inputs) >= 50 && Math.max(...inputs) <= 150);
  assert.ok(Math.min(...outputs) >= 25 && Math.max(...outputs) <= 75);
  assert.ok(new Set(inputs).size > 10, "lengths vary");
});

Deno.test("randomDataset() without count is endless", () => {
  let n = 0;
  for (const _ of randomDataset({ inputTokens: 1, outputTokens: 1 })) if (++n === 1000) break;
  assert.equal(n, 1000);
});

Deno.test("randomDataset() can ask vLLM to ignore EOS", () => {
  const [spec] = randomDataset({ inputTokens: 2, outputTokens: 2, count: 1, ignoreEos: true });
  assert.deepEqual(spec.params, { ignore_eos: true });
});

Deno.test("randomDataset() rejects bad options naming the option", () => {
  assert.throws(() => randomDataset({ inputTokens: 0, outputTokens: 1 }), /inputTokens/);
  assert.throws(() => randomDataset({ inputTokens: 1, outputTokens: 1.5 }), /outputTokens/);
  assert.throws(
    () => randomDataset({ inputTokens: 1, outputTokens: 1, rangeRatio: 1 }),
    /rangeRatio/,
  );
  assert.throws(() => randomDataset({ inputTokens: 1, outputTokens: 1, count: -1 }), /count/);
});
