import assert from "node:assert/strict";
import { collect } from "./collect.ts";
import { startSimulator } from "../sim/mod.ts";
import { randomDataset } from "../datasets/random.ts";
import { summarize } from "../summarize/summarize.ts";
import { toTable } from "../table/to_table.ts";
import type { Endpoint, Run } from "../types.ts";

const OUTPUT_TOKENS = 8;
const REASONING_TOKENS = 3;

/** Four requests of 8 output tokens against a simulator started with `reasoningTokens`. */
async function runOnSimulator(reasoningTokens: number, endpoint: Endpoint = "chat"): Promise<Run> {
  const sim = await startSimulator({ reasoningTokens, decodeStepMs: 5, log: false });
  try {
    return await collect({
      url: sim.url,
      model: "sim-llama-3-8b",
      endpoint,
      requests: randomDataset({ inputTokens: 16, outputTokens: OUTPUT_TOKENS, count: 4, seed: 1 }),
      concurrency: 2,
      progress: false,
    });
  } finally {
    await sim.close();
  }
}

Deno.test("collect() on a simulator with a reasoning phase records ttfot_ms after ttft_ms and the server's reasoning count", async () => {
  const run = await runOnSimulator(REASONING_TOKENS);
  assert.equal(run.requests.length, 4);
  for (const r of run.requests) {
    assert.equal(r.success, true, JSON.stringify(r.error));
    // One token per chunk: chunks 0–2 are reasoning, chunk 3 is the first answer chunk.
    assert.equal(r.ttft_ms, r.chunk_times_ms[0]);
    assert.equal(r.ttfot_ms, r.chunk_times_ms[REASONING_TOKENS]);
    assert.ok(r.ttfot_ms! >= r.ttft_ms!);
    assert.equal(r.reasoning_tokens, REASONING_TOKENS); // usage.completion_tokens_details
    assert.equal(r.reasoning_chunks, REASONING_TOKENS);
    assert.equal(r.completion_tokens, OUTPUT_TOKENS); // reasoning included
  }
  // Chunks one engine step apart: at least one request saw them in separate reads.
  assert.ok(run.requests.some((r) => r.ttfot_ms! > r.ttft_ms!));
  const [row] = summarize(toTable(run)).objects() as Record<string, unknown>[];
  assert.equal(row.ttfot_ms_count, 4);
  assert.ok((row.ttfot_ms_p50 as number) >= (row.ttft_ms_p50 as number));
});

Deno.test("collect() without a reasoning phase has ttfot_ms equal to ttft_ms and no reasoning count", async () => {
  const run = await runOnSimulator(0);
  for (const r of run.requests) {
    assert.equal(r.success, true, JSON.stringify(r.error));
    assert.equal(r.ttfot_ms, r.ttft_ms);
    assert.equal(r.reasoning_tokens, null); // no reasoning parser: the server does not say
    assert.equal(r.reasoning_chunks, 0);
  }
  // TTFOT would only repeat TTFT: the summary leaves it out.
  assert.equal("ttfot_ms_p50" in summarize(toTable(run)).objects()[0], false);
});

Deno.test("collect() on the completions endpoint of a reasoning simulator sees plain text", async () => {
  const run = await runOnSimulator(REASONING_TOKENS, "completions");
  for (const r of run.requests) {
    assert.equal(r.success, true, JSON.stringify(r.error));
    assert.equal(r.ttfot_ms, r.ttft_ms);
    assert.equal(r.reasoning_chunks, 0);
    assert.equal(r.reasoning_tokens, null);
  }
});
