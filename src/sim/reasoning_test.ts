import assert from "node:assert/strict";
import { startSimulator } from "./mod.ts";
import { resolveOptions } from "./options.ts";
import { parseSimArgs } from "./cli_args.ts";
import { postJson, readSse } from "./_test_support.ts";

type Obj = Record<string, unknown>;

function chatBody(stream: boolean, maxTokens: number): Obj {
  return {
    model: "sim-llama-3-8b",
    messages: [{ role: "user", content: "why?" }],
    max_tokens: maxTokens,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
}

/** The `delta` of each choice chunk (role chunk included), in order. */
function deltas(events: unknown[]): Obj[] {
  return events
    .filter((e): e is Obj => typeof e === "object" && e !== null)
    .flatMap((e) => (e.choices as Obj[]).map((c) => c.delta as Obj));
}

Deno.test("the simulator streams reasoning in delta.reasoning before the answer, and counts it in usage", async () => {
  const sim = await startSimulator({ reasoningTokens: 2, streamInterval: 2, log: false });
  try {
    const response = await postJson(sim.url, "/v1/chat/completions", chatBody(true, 7));
    const { events } = await readSse(response);
    const parts = deltas(events);
    assert.deepEqual(parts[0], { role: "assistant", content: "" });
    const reasoning = parts.map((d) => (d.reasoning as string | undefined) ?? "").join("");
    const content = parts.slice(1).map((d) => (d.content as string | undefined) ?? "").join("");
    assert.equal(reasoning.length, 2 * 4); // two 4-character tokens
    assert.equal(content.length, 5 * 4);
    // Chunks of 1, 2, 2, 2 tokens: reasoning ends inside the second, which carries both.
    assert.deepEqual(Object.keys(parts[2]), ["reasoning", "content"]);
    // Reasoning comes first: no content before the last reasoning chunk.
    const lastReasoning = parts.findLastIndex((d) => "reasoning" in d);
    assert.ok(parts.slice(1, lastReasoning).every((d) => !("content" in d)));
    assert.ok(parts.every((d) => !("reasoning_content" in d))); // vLLM 0.32 sends only `reasoning`
    const usage = (events.at(-2) as Obj).usage;
    assert.deepEqual(usage, {
      prompt_tokens: (usage as Obj).prompt_tokens,
      total_tokens: (usage as Obj).total_tokens,
      completion_tokens: 7,
      completion_tokens_details: { reasoning_tokens: 2 },
    });
  } finally {
    await sim.close();
  }
});

Deno.test("the simulator's non-streamed answer carries message.reasoning and a content of null when it only reasoned", async () => {
  const sim = await startSimulator({ reasoningTokens: 5, log: false });
  try {
    const full = await (await postJson(sim.url, "/v1/chat/completions", chatBody(false, 8)))
      .json();
    const message = full.choices[0].message;
    assert.equal(message.reasoning.length, 5 * 4);
    assert.equal(message.content.length, 3 * 4);
    assert.deepEqual(full.usage.completion_tokens_details, { reasoning_tokens: 5 });
    const short = await (await postJson(sim.url, "/v1/chat/completions", chatBody(false, 2)))
      .json();
    assert.equal(short.choices[0].message.content, null);
    assert.equal(short.choices[0].message.reasoning.length, 2 * 4);
    assert.deepEqual(short.usage.completion_tokens_details, { reasoning_tokens: 2 });
  } finally {
    await sim.close();
  }
});

Deno.test("the simulator without reasoningTokens sends no reasoning and no reasoning count", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const { events } = await readSse(
      await postJson(sim.url, "/v1/chat/completions", chatBody(true, 3)),
    );
    assert.ok(deltas(events).every((d) => !("reasoning" in d)));
    assert.equal("completion_tokens_details" in ((events.at(-2) as Obj).usage as Obj), false);
    const full = await (await postJson(sim.url, "/v1/chat/completions", chatBody(false, 3)))
      .json();
    assert.equal(full.choices[0].message.reasoning, null);
    assert.equal(full.usage.completion_tokens_details, null);
  } finally {
    await sim.close();
  }
});

Deno.test("reasoningTokens must be an integer ≥ 0, and --reasoning-tokens sets it", () => {
  assert.equal(resolveOptions({}).reasoningTokens, 0);
  assert.equal(resolveOptions({ reasoningTokens: 64 }).reasoningTokens, 64);
  assert.throws(() => resolveOptions({ reasoningTokens: -1 }), RangeError);
  assert.throws(() => resolveOptions({ reasoningTokens: 1.5 }), /reasoningTokens/);
  assert.deepEqual(parseSimArgs(["--reasoning-tokens", "32"]), { port: 8000, reasoningTokens: 32 });
});
