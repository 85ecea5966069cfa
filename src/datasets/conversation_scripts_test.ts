import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  exactConversationTurns,
  generatedConversations,
  sharegptConversations,
} from "./conversation_scripts.ts";
import { serverTokenizer } from "./exact_prompts.ts";
import { datasetInfoOf } from "./describe.ts";
import { startSimulator } from "../sim/mod.ts";

const MULTITURN = fileURLToPath(new URL("./testdata/sharegpt_multiturn.json", import.meta.url));

Deno.test("sharegptConversations() plays each human message followed by a gpt reply, never the reply", () => {
  const scripts = sharegptConversations(MULTITURN, { shuffle: false });
  assert.deepEqual(scripts, [
    {
      id: "gpu",
      turns: [
        { content: "What is a GPU?", max_tokens: 7 },
        { content: "Why do language models use them?", max_tokens: 11 },
        { content: "How much memory does one have?", max_tokens: 5 },
      ],
    },
    // The system turn is skipped; the last human message has no reply to size it: not played.
    { id: "tea", turns: [{ content: "Green or black tea?", max_tokens: 2 }] },
  ]);
  assert.equal(datasetInfoOf(scripts)?.name, "sharegpt-conversations");
});

Deno.test("sharegptConversations() caps the turns, fixes max_tokens and renames repeats", () => {
  const scripts = sharegptConversations(MULTITURN, {
    shuffle: false,
    turns: 2,
    outputTokens: 9,
    count: 3,
  });
  assert.deepEqual(scripts.map((s) => s.id), ["gpu", "tea", "gpu#2"]);
  assert.deepEqual(scripts[0].turns.map((t) => t.max_tokens), [9, 9]);
  assert.throws(() => sharegptConversations(MULTITURN, { turns: 0 }), {
    name: "RangeError",
    message: "sharegptConversations: turns must be an integer ≥ 1, got 0",
  });
});

Deno.test("generatedConversations() gives the same conversations for a seed and checks its options", () => {
  const options = { turns: 2, inputTokens: 5, outputTokens: 3, count: 2, seed: 4 };
  const first = [...generatedConversations(options)];
  assert.deepEqual(first, [...generatedConversations(options)]);
  assert.deepEqual(first.map((s) => s.id), ["conv-0", "conv-1"]);
  assert.ok(first.every((s) => s.turns.every((t) => t.content_tokens_requested === 5)));
  assert.throws(() => generatedConversations({ ...options, turns: 0 }), {
    name: "RangeError",
    message: "generatedConversations: turns must be an integer ≥ 1, got 0",
  });
});

Deno.test("exactConversationTurns() cuts every generated user message to its exact token count", async () => {
  const sim = await startSimulator({ port: 0 });
  try {
    const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "chat" });
    const scripts = generatedConversations({
      turns: 3,
      inputTokens: 20,
      outputTokens: 4,
      count: 2,
    });
    const exact = exactConversationTurns(scripts, tokenizer!);
    assert.equal(datasetInfoOf(exact)?.name, "generated-conversations-exact");
    for await (const script of exact) {
      for (const turn of script.turns) {
        assert.equal((await tokenizer!.tokenize(turn.content)).length, 20);
      }
    }
  } finally {
    await sim.close();
  }
});
