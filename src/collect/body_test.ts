import assert from "node:assert/strict";
import { estimatePromptTokens, prepareBody, validateSpec } from "./body.ts";

const settings = {
  endpoint: "chat" as const,
  model: "m",
  stream: true,
  continuousUsage: false,
  params: { temperature: 0.5, stream: false, messages: "ignored" },
};

Deno.test("prepareBody() lets spec params override run params and keeps stream under collect's control", () => {
  const body = prepareBody({
    prompt: "hi",
    max_tokens: 4,
    params: { temperature: 0, stream_options: { x: 1 } },
  }, settings);
  const sent = JSON.parse(body.text);
  assert.equal(sent.temperature, 0);
  assert.equal(sent.stream, true);
  assert.deepEqual(sent.stream_options, { include_usage: true, x: 1 });
  assert.deepEqual(sent.messages, [{ role: "user", content: "hi" }]);
  assert.equal(sent.max_tokens, 4);
  assert.equal("messages" in body.params, false);
  assert.equal("prompt" in body.params, false);
});

Deno.test("prepareBody() for completions sends the prompt and no messages", () => {
  const body = prepareBody({ prompt: "p" }, {
    ...settings,
    endpoint: "completions",
    stream: false,
    params: {},
  });
  assert.deepEqual(JSON.parse(body.text), { model: "m", stream: false, prompt: "p" });
});

Deno.test("validateSpec() explains what a spec lacks and where", () => {
  assert.throws(
    () => validateSpec(null, "chat", "requests[2]"),
    /requests\[2\] must be a RequestSpec object, got null/,
  );
  assert.throws(
    () => validateSpec({ messages: [] }, "chat", "requests[0]"),
    /messages must be a non-empty array/,
  );
  assert.throws(
    () => validateSpec({ prompt: "x", params: [] }, "chat", "r"),
    /r\.params must be an object/,
  );
  validateSpec({ messages: [{ role: "user", content: "x" }] }, "chat", "ok");
  validateSpec({ prompt: "x", max_tokens: 1 }, "completions", "ok");
});

Deno.test("estimatePromptTokens() prefers the spec's estimate, else counts prompt or message text", () => {
  assert.equal(estimatePromptTokens({ prompt: "abcdefgh", prompt_tokens_estimate: 99 }), 99);
  assert.equal(estimatePromptTokens({ prompt: "abcdefgh" }), 2);
  assert.equal(
    estimatePromptTokens({
      messages: [
        { role: "system", content: "abcd" },
        { role: "user", content: [{ type: "text", text: "efgh" }, { type: "image_url" }] },
      ],
    }),
    2,
  );
});
