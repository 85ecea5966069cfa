import assert from "node:assert/strict";
import { join } from "node:path";
import { sharegptDataset } from "./sharegpt.ts";

// One temp dir for the whole file, removed when the test module unloads.
const tempRoot = Deno.makeTempDirSync({ prefix: "sharegpt_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(tempRoot, { recursive: true }));

function writeTemp(name: string, text: string): string {
  const dir = Deno.makeTempDirSync({ dir: tempRoot });
  const path = join(dir, name);
  Deno.writeTextFileSync(path, text);
  return path;
}

const conversations = [
  {
    id: "a",
    conversations: [
      { from: "human", value: "What is a GPU?" },
      { from: "gpt", value: "A graphics processing unit." }, // 27 chars → 7 tokens
      { from: "human", value: "Thanks" },
    ],
  },
  { id: "b", conversations: [{ from: "human", value: "Only a question" }] },
  {
    id: "c",
    conversations: [
      { from: "system", value: "be brief" },
      { from: "human", value: "Hi" },
      { from: "gpt", value: "Hello" },
    ],
  },
];

Deno.test("sharegptDataset() takes the first human turn as prompt and sizes max_tokens from the reply", () => {
  const path = writeTemp("data.json", JSON.stringify(conversations, null, 2));
  const specs = sharegptDataset(path, { shuffle: false });
  assert.equal(specs.length, 2, "the conversation without a reply is skipped");
  assert.deepEqual(specs[0], {
    prompt: "What is a GPU?",
    max_tokens: 7,
    params: {},
    tag: "sharegpt",
    prompt_tokens_estimate: 4,
  });
  assert.equal(specs[1].prompt, "Hi");
  assert.equal(specs[1].max_tokens, 2);
});

Deno.test("sharegptDataset() uses outputTokens when given and repeats to reach count", () => {
  const path = writeTemp("data.json", JSON.stringify(conversations));
  const specs = sharegptDataset(path, { count: 5, outputTokens: 64, seed: 1 });
  assert.equal(specs.length, 5);
  assert.ok(specs.every((s) => s.max_tokens === 64));
  assert.deepEqual(new Set(specs.map((s) => s.prompt)), new Set(["What is a GPU?", "Hi"]));
});

Deno.test("sharegptDataset() shuffles deterministically with the seed", () => {
  const many = Array.from({ length: 30 }, (_, i) => ({
    conversations: [{ from: "human", value: `question ${i}` }, { from: "gpt", value: "answer" }],
  }));
  const path = writeTemp("many.json", JSON.stringify(many));
  const a = sharegptDataset(path, { seed: 4 }).map((s) => s.prompt);
  const b = sharegptDataset(path, { seed: 4 }).map((s) => s.prompt);
  const c = sharegptDataset(path, { seed: 5 }).map((s) => s.prompt);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual([...a].sort(), many.map((m) => m.conversations[0].value).sort());
});

Deno.test("sharegptDataset() names the file and line of invalid JSON", () => {
  const path = writeTemp("broken.json", '[\n  {"conversations": []},\n  {"conversations": [}\n]');
  assert.throws(() => sharegptDataset(path), (error: Error) => {
    assert.ok(error.message.includes(`${path}:3`), error.message);
    assert.match(error.message, /invalid JSON/);
    return true;
  });
});

Deno.test("sharegptDataset() names the file and line of an entry with a bad shape", () => {
  const text = '[\n  {"conversations": [{"from": "human", "value": "hi"}]},\n' +
    '  {"conversations": [{"from": "human", "value": 3}]}\n]';
  const path = writeTemp("shape.json", text);
  assert.throws(() => sharegptDataset(path), (error: Error) => {
    assert.ok(error.message.includes(`${path}:3`), error.message);
    assert.match(error.message, /entry 1.*conversations\[0\]/);
    return true;
  });
  const notArray = writeTemp("object.json", '{"conversations": []}');
  assert.throws(() => sharegptDataset(notArray), /expected a JSON array/);
  const noConversations = writeTemp("missing.json", '[{"id": 1}]');
  assert.throws(
    () => sharegptDataset(noConversations),
    /missing\.json:1.*"conversations" must be an array/,
  );
});

Deno.test("sharegptDataset() reports a missing file and a file without usable conversations", () => {
  assert.throws(
    () => sharegptDataset("/nonexistent/sharegpt.json"),
    /nonexistent\/sharegpt\.json.*not found/,
  );
  const path = writeTemp("empty.json", "[]");
  assert.throws(() => sharegptDataset(path), /no usable conversation/);
});
