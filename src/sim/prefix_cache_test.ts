import assert from "node:assert/strict";
import { BLOCK_TOKENS, PrefixCache } from "./prefix_cache.ts";
import { startSimulator } from "./server.ts";

/** A prompt of `tokens` simulator tokens (4 characters each) made of `word`. */
const text = (word: string, tokens: number) => word.repeat(tokens);

Deno.test("a repeated prompt hits its full blocks but never its last token", () => {
  const cache = new PrefixCache(1000);
  assert.deepEqual(cache.admit(text("abcd", 64), 64), { queried_tokens: 64, hit_tokens: 0 });
  // 64 tokens = 4 full blocks; the last token is recomputed, so 3 blocks are reused.
  assert.deepEqual(cache.admit(text("abcd", 64), 64), { queried_tokens: 64, hit_tokens: 48 });
});

Deno.test("prompts share only the blocks up to where they first differ", () => {
  const cache = new PrefixCache(1000);
  const shared = text("abcd", 2 * BLOCK_TOKENS);
  cache.admit(shared + text("wxyz", 40), 72);
  assert.equal(cache.admit(shared + text("efgh", 40), 72).hit_tokens, 2 * BLOCK_TOKENS);
  // The same block after a different first block is another key.
  assert.equal(cache.admit(text("qqqq", 16) + text("abcd", 56), 72).hit_tokens, 0);
});

Deno.test("the least recently used blocks are evicted past the capacity", () => {
  const cache = new PrefixCache(4);
  cache.admit(text("aaaa", 33), 33); // 2 blocks
  cache.admit(text("bbbb", 33), 33); // 2 more: full
  cache.admit(text("aaaa", 33), 33); // a's blocks become the most recent
  cache.admit(text("cccc", 33), 33); // evicts b's
  assert.equal(cache.size, 4);
  assert.equal(cache.admit(text("aaaa", 33), 33).hit_tokens, 32);
  assert.equal(cache.admit(text("bbbb", 33), 33).hit_tokens, 0);
});

Deno.test("capacity 0 turns caching off and a token-id prompt never hits", () => {
  const off = new PrefixCache(0);
  off.admit(text("abcd", 40), 40);
  assert.equal(off.admit(text("abcd", 40), 40).hit_tokens, 0);
  assert.deepEqual(new PrefixCache(10).admit(null, 7), { queried_tokens: 7, hit_tokens: 0 });
  assert.throws(() => new PrefixCache(-1), /capacityBlocks must be an integer ≥ 0, got -1/);
});

Deno.test("the simulator counts prefix cache queries and hits in tokens on /metrics", async () => {
  const sim = await startSimulator({ log: false });
  try {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${sim.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: text("abcd", 40), max_tokens: 2 }),
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    const value = (name: string) =>
      Number(metrics.split("\n").find((line) => line.startsWith(name + "{"))?.split(" ").at(-1));
    assert.equal(value("vllm:prefix_cache_queries_total"), 80);
    assert.equal(value("vllm:prefix_cache_hits_total"), 32);
  } finally {
    await sim.close();
  }
});
