import assert from "node:assert/strict";
import { join } from "node:path";
import { jsonlDataset } from "./jsonl.ts";

// One temp dir for the whole file, removed when the test module unloads.
const tempRoot = Deno.makeTempDirSync({ prefix: "jsonl_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(tempRoot, { recursive: true }));

function writeTemp(text: string): string {
  const dir = Deno.makeTempDirSync({ dir: tempRoot });
  const path = join(dir, "requests.jsonl");
  Deno.writeTextFileSync(path, text);
  return path;
}

Deno.test("jsonlDataset() reads prompts and messages and passes other keys as params", () => {
  const path = writeTemp([
    '{"prompt": "Tell me a joke", "max_tokens": 32, "temperature": 0.5, "tag": "jokes"}',
    "",
    '{"messages": [{"role": "user", "content": "Hello there"}], "stop": ["\\n"]}\r',
  ].join("\n"));
  const specs = jsonlDataset(path);
  assert.deepEqual(specs, [
    {
      prompt: "Tell me a joke",
      max_tokens: 32,
      tag: "jokes",
      params: { temperature: 0.5 },
      prompt_tokens_estimate: 4,
    },
    {
      messages: [{ role: "user", content: "Hello there" }],
      params: { stop: ["\n"] },
      prompt_tokens_estimate: 3,
    },
  ]);
});

Deno.test("jsonlDataset() repeats lines to reach count and can shuffle", () => {
  const path = writeTemp(['{"prompt": "a"}', '{"prompt": "b"}', '{"prompt": "c"}'].join("\n"));
  assert.deepEqual(jsonlDataset(path, { count: 5 }).map((s) => s.prompt), [
    "a",
    "b",
    "c",
    "a",
    "b",
  ]);
  const shuffled = jsonlDataset(path, { shuffle: true, seed: 2 }).map((s) => s.prompt);
  assert.deepEqual([...shuffled].sort(), ["a", "b", "c"]);
});

Deno.test("jsonlDataset() names the file and line of each kind of bad line", () => {
  const cases: [string, RegExp][] = [
    ['{"prompt": "ok"}\n{"prompt": "unterminated}', /:2: invalid JSON/],
    ['{"prompt": "ok"}\n\n[1, 2]', /:3: expected a JSON object, got an array/],
    ['{"max_tokens": 4}', /:1: needs "prompt".*or "messages"/],
    ['{"prompt": "x", "messages": []}', /:1: has both "prompt" and "messages"/],
    ['{"prompt": "x", "max_tokens": 0}', /:1: "max_tokens" must be an integer ≥ 1, got 0/],
    ['{"prompt": ""}', /:1: "prompt" must be a non-empty string/],
    [
      '{"messages": [{"content": "no role"}]}',
      /:1: messages\[0\] must be an object with a string "role"/,
    ],
    ['{"prompt": "x", "tag": 5}', /:1: "tag" must be a string/],
  ];
  for (const [text, expected] of cases) {
    const path = writeTemp(text);
    assert.throws(() => jsonlDataset(path), (error: Error) => {
      assert.ok(error.message.startsWith(`jsonl dataset ${path}:`), error.message);
      assert.match(error.message, expected);
      return true;
    });
  }
});

Deno.test("jsonlDataset() rejects an empty file and a missing file", () => {
  assert.throws(() => jsonlDataset(writeTemp("\n\n")), /has no requests/);
  assert.throws(() => jsonlDataset("/nonexistent/x.jsonl"), /nonexistent\/x\.jsonl: cannot read/);
});
