import assert from "node:assert/strict";
import { startSimulator } from "../sim/server.ts";
import { collect } from "../collect/collect.ts";
import type { RequestSpec } from "../types.ts";
import {
  exactPromptLengths,
  prebuildExactPrompts,
  PromptFitter,
  type PromptTokenizer,
  serverTokenizer,
} from "./exact_prompts.ts";
import { randomDataset } from "./random.ts";

/**
 * A tokenizer unlike 4 characters per token, as real BPE vocabularies are for random letters:
 * every 2 letters are a token, a space is its own token, and a chat prompt adds 3 template tokens.
 */
function bpeLike(endpoint: "chat" | "completions"): PromptTokenizer & { calls: number } {
  const pieces = (text: string) => text.match(/ |[^ ]{1,2}/g) ?? [];
  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const tokenizer = {
    calls: 0,
    tokenize(text: string) {
      tokenizer.calls++;
      return Promise.resolve(
        pieces(text).map((p) => {
          if (!ids.has(p)) ids.set(p, vocab.push(p) - 1);
          return ids.get(p)!;
        }),
      );
    },
    detokenize(tokens: readonly number[]) {
      tokenizer.calls++;
      return Promise.resolve(tokens.map((id) => vocab[id]).join(""));
    },
    countPrompt(text: string) {
      tokenizer.calls++;
      return Promise.resolve(pieces(text).length + (endpoint === "chat" ? 3 : 1));
    },
  };
  return tokenizer;
}

Deno.test("PromptFitter cuts a random prompt to exactly the target count, template tokens included", async () => {
  const tokenizer = bpeLike("chat");
  const fitter = new PromptFitter(tokenizer);
  const specs = [...randomDataset({ inputTokens: 50, outputTokens: 4, count: 3, seed: 3 })];
  for (const spec of specs) {
    // The estimate (4 characters a token) is far off for such a tokenizer: 50 words, 152 tokens.
    assert.equal(await tokenizer.countPrompt(spec.prompt!), 152);
    const fitted = await fitter.fit(spec.prompt!, 50);
    assert.equal(fitted.tokens, 50);
    assert.equal(await tokenizer.countPrompt(fitted.prompt), 50);
    assert.ok(spec.prompt!.startsWith(fitted.prompt));
  }
});

Deno.test("PromptFitter reuses the cut found for a length: later prompts of that length cost fewer calls", async () => {
  const tokenizer = bpeLike("completions");
  const fitter = new PromptFitter(tokenizer);
  const [a, b] = [...randomDataset({ inputTokens: 40, outputTokens: 4, count: 2, seed: 1 })];
  await fitter.fit(a.prompt!, 40);
  const first = tokenizer.calls;
  tokenizer.calls = 0;
  await fitter.fit(b.prompt!, 40);
  assert.equal(tokenizer.calls, 3); // tokenize, detokenize, count: the cached cut fits at once
  assert.ok(first > 3, `first fit took ${first} calls`);
});

Deno.test("PromptFitter settles for the closest count when the template alone exceeds the target", async () => {
  const fitted = await new PromptFitter(bpeLike("chat")).fit("ab cd ef", 2);
  assert.equal(fitted.tokens, 4); // 3 template tokens + the shortest prompt
});

Deno.test("exactPromptLengths() keeps order, marks the requested length and passes other specs through", async () => {
  const specs: RequestSpec[] = [
    ...randomDataset({ inputTokens: 20, outputTokens: 4, count: 5, rangeRatio: 0.5 }),
    { messages: [{ role: "user", content: "as is" }] },
  ];
  const out: RequestSpec[] = [];
  for await (const spec of exactPromptLengths(specs, bpeLike("chat"), { prefetch: 2 })) {
    out.push(spec);
  }
  assert.equal(out.length, 6);
  for (let i = 0; i < 5; i++) {
    assert.equal(out[i].prompt_tokens_requested, specs[i].prompt_tokens_requested);
    assert.equal(out[i].prompt_tokens_estimate, specs[i].prompt_tokens_requested);
    assert.equal(out[i].max_tokens, specs[i].max_tokens);
  }
  assert.deepEqual(out[5], specs[5]);
});

Deno.test("serverTokenizer() is null for a server without /tokenize", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response('{"detail":"Not Found"}', { status: 404 }),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    assert.equal(await serverTokenizer({ url, endpoint: "chat" }), null);
  } finally {
    await server.shutdown();
  }
});

Deno.test("with the simulator's /tokenize, every record's prompt_tokens equals its requested length", async () => {
  const sim = await startSimulator({ model: "sim-model" });
  try {
    for (const endpoint of ["chat", "completions"] as const) {
      const tokenizer = await serverTokenizer({ url: sim.url, model: "sim-model", endpoint });
      assert.ok(tokenizer !== null);
      const run = await collect({
        url: sim.url,
        model: "sim-model",
        endpoint,
        requests: exactPromptLengths(
          randomDataset({ inputTokens: 64, outputTokens: 2, count: 6, rangeRatio: 0.5, seed: 9 }),
          tokenizer,
        ),
        concurrency: 3,
      });
      assert.equal(run.requests.length, 6);
      for (const record of run.requests) {
        assert.equal(record.success, true, JSON.stringify(record.error));
        assert.equal(record.token_source, "usage");
        assert.equal(typeof record.prompt_tokens_requested, "number");
        assert.equal(record.prompt_tokens, record.prompt_tokens_requested);
      }
    }
  } finally {
    await sim.close();
  }
});

Deno.test("prebuildExactPrompts() fits the first count prompts before it resolves, and the rest when asked", async () => {
  const tokenizer = bpeLike("completions");
  const specs = randomDataset({ inputTokens: 12, outputTokens: 2, count: 6, seed: 4 });
  const prebuilt = await prebuildExactPrompts(specs, tokenizer, 4, { prefetch: 2 });
  tokenizer.calls = 0;
  const first: RequestSpec[] = [];
  for await (const spec of prebuilt) if (first.push(spec) === 4) break;
  assert.equal(tokenizer.calls, 0); // nothing asked while the head is taken
  const all: RequestSpec[] = [];
  for await (const spec of prebuilt) all.push(spec);
  assert.equal(all.length, 6);
  assert.deepEqual(all.slice(0, 4), first);
  assert.ok(tokenizer.calls > 0);
  const raw = [...specs];
  for (let i = 0; i < 6; i++) {
    assert.equal(all[i].prompt_tokens_estimate, 12);
    assert.ok(raw[i].prompt!.startsWith(all[i].prompt!), `spec ${i} keeps its own words`);
  }
});

Deno.test("serverTokenizer() reads real vLLM 0.32.0 /tokenize and /detokenize answers", async () => {
  const recorded = async (name: string) =>
    JSON.parse(
      await Deno.readTextFile(
        new URL(`../sim/testdata/vllm-0.32.0/${name}.json`, import.meta.url),
      ),
    ) as { status: number; body: string };
  const tokenize = await recorded("tokenize_prompt");
  const detokenize = await recorded("detokenize");
  const seen: unknown[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    seen.push(await request.json());
    const answer = new URL(request.url).pathname === "/detokenize" ? detokenize : tokenize;
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": "application/json" },
    });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const tokenizer = await serverTokenizer({ url, model: "tiny", endpoint: "completions" });
    assert.ok(tokenizer !== null);
    assert.equal(await tokenizer.countPrompt("abc def ghi"), 6);
    assert.deepEqual(await tokenizer.tokenize("abc def ghi"), [285, 69, 115, 301, 267, 75]);
    assert.equal(await tokenizer.detokenize([0, 300, 301]), "<s>eeef");
    assert.deepEqual(seen.slice(1), [
      { model: "tiny", prompt: "abc def ghi" },
      { model: "tiny", prompt: "abc def ghi", add_special_tokens: false },
      { model: "tiny", tokens: [0, 300, 301] },
    ]);
  } finally {
    await server.shutdown();
  }
});
