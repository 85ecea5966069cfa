import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { estimateTokens } from "../util/tokens.ts";
import { startSimulator } from "./server.ts";
import { SimTokenizer } from "./tokenizer.ts";

Deno.test("SimTokenizer counts tokens as the simulator's usage does and round-trips any text", () => {
  const tokenizer = new SimTokenizer();
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 80 }), (text) => {
      const ids = tokenizer.tokenize(text);
      assert.ok(ids !== null);
      assert.equal(ids.length, estimateTokens(text));
      assert.equal(tokenizer.detokenize(ids), text);
    }),
    { numRuns: 300 },
  );
});

Deno.test("SimTokenizer rejects ids it never gave out", () => {
  const tokenizer = new SimTokenizer();
  assert.equal(tokenizer.detokenize([0]), null);
  assert.equal(tokenizer.detokenize([2 ** 28 + 5]), null);
  assert.equal(tokenizer.detokenize([1.5]), null);
});

Deno.test("the simulator serves /tokenize and /detokenize with vLLM's request and response shapes", async () => {
  const sim = await startSimulator({ model: "sim-model", maxModelLen: 4096 });
  try {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${sim.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const prompt = await post("/tokenize", { model: "sim-model", prompt: "Hello there, wörld" });
    assert.equal(prompt.status, 200);
    assert.equal(prompt.body.count, 5);
    assert.equal(prompt.body.max_model_len, 4096);
    assert.equal(prompt.body.tokens.length, 5);
    assert.equal(prompt.body.token_strs, null);
    const back = await post("/detokenize", { model: "sim-model", tokens: prompt.body.tokens });
    assert.deepEqual(back, { status: 200, body: { prompt: "Hello there, wörld" } });

    const chat = await post("/tokenize", {
      messages: [{ role: "user", content: "abcd" }, { role: "assistant", content: "efgh" }],
      return_token_strs: true,
    });
    assert.deepEqual(chat.body.token_strs, ["abcd", "efgh"]);

    const wrongModel = await post("/tokenize", { model: "other", prompt: "x" });
    assert.equal(wrongModel.status, 404);
    const badIds = await post("/detokenize", { tokens: [0] });
    assert.equal(badIds.status, 400);
    const missing = await post("/tokenize", { model: "sim-model" });
    assert.equal(missing.status, 400);
  } finally {
    await sim.close();
  }
});
