import assert from "node:assert/strict";
import { startSimulator } from "../sim/server.ts";
import { collect } from "../collect/collect.ts";
import { serverTokenizer } from "./exact_prompts.ts";
import {
  exactTraceDataset,
  parseTrace,
  readTrace,
  TRACE_BLOCK_TOKENS,
  traceDataset,
} from "./trace.ts";

const TRACE = new URL("./testdata/mooncake_trace.jsonl", import.meta.url).pathname;

/** The characters of the first `blocks` blocks (4 characters a token in the simulator). */
const blockChars = (blocks: number) => blocks * TRACE_BLOCK_TOKENS * 4;

Deno.test("a Mooncake trace is read line by line with its fields", () => {
  const entries = readTrace(TRACE);
  assert.equal(entries.length, 5);
  assert.deepEqual(entries[1], {
    timestamp_ms: 40,
    input_length: 700,
    output_length: 3,
    hash_ids: [0, 3],
  });
});

Deno.test("a bad trace line is reported with its file, line and field", () => {
  const text = '{"timestamp": 0, "input_length": 10, "output_length": 1}\n\n' +
    '{"timestamp": 5, "input_length": 0, "output_length": 1}\n';
  assert.throws(() => parseTrace(text, "t.jsonl"), {
    message: 't.jsonl:3: "input_length" must be an integer ≥ 1, got 0'.replace(
      /^/,
      "trace dataset ",
    ),
  });
  assert.throws(
    () => parseTrace('{"timestamp": -1, "input_length": 1, "output_length": 1}', "t.jsonl"),
    /t\.jsonl:1: "timestamp" must be a number of ms ≥ 0, got -1/,
  );
  assert.throws(
    () =>
      parseTrace('{"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1.5]}', "x"),
    /x:1: "hash_ids" must be an array of integers ≥ 0/,
  );
  assert.throws(() => parseTrace("\n", "empty.jsonl"), /empty\.jsonl: the file has no requests/);
});

Deno.test("send times are the trace's timestamps from its first, scaled by timeScale", () => {
  const entries = readTrace(TRACE);
  assert.deepEqual(traceDataset(entries).map((s) => s.send_at_ms), [0, 40, 40, 95, 150]);
  assert.deepEqual(
    traceDataset(entries, { timeScale: 0.5 }).map((s) => s.send_at_ms),
    [0, 20, 20, 47.5, 75],
  );
  assert.throws(() => traceDataset(entries, { timeScale: 0 }), /timeScale must be a finite/);
});

Deno.test("requests with the same leading hash ids share exactly that prefix", () => {
  const specs = traceDataset(readTrace(TRACE));
  const prompts = specs.map((s) => s.prompt!);
  // Entries 0, 2 and 4 share blocks [0, 1]; entry 1 shares block 0 only; entry 3 nothing.
  assert.equal(prompts[0].slice(0, blockChars(2)), prompts[2].slice(0, blockChars(2)));
  assert.equal(prompts[0].slice(0, blockChars(2)), prompts[4].slice(0, blockChars(2)));
  assert.notEqual(prompts[0].slice(blockChars(2), blockChars(3)), prompts[2].slice(blockChars(2)));
  assert.equal(prompts[1].slice(0, blockChars(1)), prompts[0].slice(0, blockChars(1)));
  assert.notEqual(prompts[1].slice(blockChars(1)), prompts[0].slice(blockChars(1), 2800));
  assert.notEqual(prompts[3].slice(0, 100), prompts[0].slice(0, 100));
  // Entry 4 (1200 tokens) outgrows its two blocks: its own words follow them.
  assert.equal(prompts[4].length, 1200 * 4 - 1);
  assert.deepEqual(specs.map((s) => s.max_tokens), [4, 3, 5, 2, 4]);
  assert.deepEqual(specs.map((s) => s.prompt_tokens_requested), [1100, 700, 1300, 300, 1200]);
});

Deno.test("exact trace prompts have the trace's lengths in the server's tokens", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const tokenizer = (await serverTokenizer({ url: sim.url, endpoint: "chat" }))!;
    const specs = await exactTraceDataset(readTrace(TRACE), tokenizer, { seed: 3 });
    const counts = await Promise.all(specs.map((s) => tokenizer.countPrompt(s.prompt!)));
    assert.deepEqual(counts, [1100, 700, 1300, 300, 1200]);
    assert.deepEqual(specs.map((s) => s.prompt_tokens_estimate), counts);
    const shared = await tokenizer.tokenize(specs[0].prompt!);
    const other = await tokenizer.tokenize(specs[2].prompt!);
    const blocks = 2 * TRACE_BLOCK_TOKENS;
    assert.deepEqual(shared.slice(0, blocks), other.slice(0, blocks));
    assert.notDeepEqual(shared.slice(blocks, blocks + 10), other.slice(blocks, blocks + 10));
  } finally {
    await sim.close();
  }
});

Deno.test("a replay sends each request at its trace time and keeps its lateness", async () => {
  const sim = await startSimulator({ log: false });
  try {
    const specs = traceDataset(readTrace(TRACE), { timeScale: 2 });
    const run = await collect({ url: sim.url, requests: specs, endpoint: "completions" });
    assert.equal(run.requests.length, 5);
    assert.ok(run.requests.every((r) => r.success));
    const offsets = run.requests.map((r) => r.scheduled_ms - run.meta.started_ms);
    assert.deepEqual(offsets, [0, 80, 80, 190, 300]);
    for (const r of run.requests) assert.equal(r.lateness_ms, r.start_ms - r.scheduled_ms);
    assert.deepEqual(run.requests.map((r) => r.prompt_tokens), [1100, 700, 1300, 300, 1200]);
  } finally {
    await sim.close();
  }
});
