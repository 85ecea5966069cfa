import assert from "node:assert/strict";
import { AnswerText } from "./answer_text.ts";

Deno.test("AnswerText keeps the first choice's content of a chat stream, without reasoning or tool calls", () => {
  const answer = new AnswerText("chat");
  answer.addStreamed({ choices: [{ index: 0, delta: { role: "assistant", content: "" } }] });
  answer.addStreamed({ choices: [{ index: 0, delta: { reasoning_content: "think" } }] });
  answer.addStreamed({ choices: [{ index: 1, delta: { content: "other choice" } }] });
  answer.addStreamed({
    choices: [{ index: 0, delta: { tool_calls: [{ function: { arguments: "{}" } }] } }],
  });
  answer.addStreamed({ choices: [{ index: 0, delta: { content: "Hello" } }] });
  answer.addStreamed({ choices: [], usage: { completion_tokens: 3 } });
  answer.addStreamed("not an object");
  answer.addStreamed({ choices: [{ delta: { content: " world" } }] }); // no index: the first
  assert.equal(answer.text, "Hello world");
});

Deno.test("AnswerText reads completions text and whole (non-streamed) responses", () => {
  const completion = new AnswerText("completions");
  completion.addStreamed({ choices: [{ index: 0, text: "abc" }] });
  completion.addStreamed({ choices: [{ index: 0, text: "def" }] });
  assert.equal(completion.text, "abcdef");
  const chat = new AnswerText("chat");
  chat.addResponse({
    choices: [
      { index: 1, message: { content: "second" } },
      { index: 0, message: { role: "assistant", content: "first", reasoning: "why" } },
    ],
  });
  assert.equal(chat.text, "first");
  const empty = new AnswerText("chat");
  empty.addResponse({ error: { message: "bad" } });
  assert.equal(empty.text, "");
});
