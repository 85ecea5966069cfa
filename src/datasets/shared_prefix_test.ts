import assert from "node:assert/strict";
import { startSimulator } from "../sim/server.ts";
import { collect } from "../collect/collect.ts";
import { exactPromptLengths, serverTokenizer } from "./exact_prompts.ts";
import { exactSharedPrefixes, sharedPrefixDataset } from "./shared_prefix.ts";
import { prefixCacheUse } from "../summarize/prefix_cache.ts";
import { scrapePrometheus } from "../enrich/prometheus.ts";

const options = { prefixTokens: 64, prefixGroups: 3, inputTokens: 16, outputTokens: 2 };

Deno.test("each group's requests start with its own prefix, byte for byte", () => {
  const specs = [...sharedPrefixDataset({ ...options, count: 9 })];
  const prefixChars = 64 * 4;
  for (let group = 0; group < 3; group++) {
    const members = specs.filter((s) => s.tag === `prefix-group-${group}`);
    assert.equal(members.length, 3);
    const prefixes = new Set(members.map((s) => s.prompt!.slice(0, prefixChars)));
    assert.equal(prefixes.size, 1);
    assert.equal(new Set(members.map((s) => s.prompt!.slice(prefixChars))).size, 3);
  }
  const firstOfEach = specs.slice(0, 3).map((s) => s.prompt!.slice(0, prefixChars));
  assert.equal(new Set(firstOfEach).size, 3, "groups have different prefixes");
  assert.ok(specs.every((s) => s.prompt_tokens_requested === 80 && s.max_tokens === 2));
});

Deno.test("bad shared-prefix options are refused by name", () => {
  assert.throws(
    () => sharedPrefixDataset({ ...options, prefixGroups: 0 }),
    /prefixGroups must be an integer ≥ 1, got 0/,
  );
  assert.throws(
    () => sharedPrefixDataset({ ...options, prefixes: ["a"] }),
    /prefixes must be 3 non-empty strings/,
  );
});

Deno.test("exact prefixes keep each group's prefix whole when prompts are fitted", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const tokenizer = (await serverTokenizer({ url: sim.url, endpoint: "chat" }))!;
    const prefixes = await exactSharedPrefixes(tokenizer, options);
    const specs = await Array.fromAsync(
      exactPromptLengths(sharedPrefixDataset({ ...options, prefixes, count: 6 }), tokenizer),
    );
    for (const [i, spec] of specs.entries()) {
      assert.ok(spec.prompt!.startsWith(prefixes[i % 3]));
      assert.equal(await tokenizer.countPrompt(spec.prompt!), 80);
    }
  } finally {
    await sim.close();
  }
});

Deno.test("a shared-prefix run hits the simulator's prefix cache after each group's first", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const before = await scrapePrometheus(sim.url);
    const run = await collect({
      url: sim.url,
      requests: sharedPrefixDataset({ ...options, count: 9 }),
      concurrency: 1,
    });
    const after = await scrapePrometheus(sim.url);
    assert.ok(run.requests.every((r) => r.success));
    const use = prefixCacheUse({ prometheus: { before, after } })!;
    assert.equal(use.queried_tokens, 9 * 80);
    // Each group's 64-token prefix (4 blocks) is reused by its 2 later requests.
    assert.equal(use.hit_tokens, 3 * 2 * 64);
  } finally {
    await sim.close();
  }
});
