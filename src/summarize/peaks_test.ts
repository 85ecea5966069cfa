import assert from "node:assert/strict";
import { peakConcurrentRequests, peakOutputTokensPerS } from "./peaks.ts";
import { summarize } from "./summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

const rows = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

Deno.test("peak concurrency counts requests open at the same instant, not in the same second", () => {
  // ten back-to-back 100 ms requests: one at a time (vllm bench would say 10)
  const start_ms = Array.from({ length: 10 }, (_, i) => 1000 + 100 * i);
  const end_ms = start_ms.map((s) => s + 100);
  assert.equal(peakConcurrentRequests(rows(10), { start_ms, end_ms }), 1);
});

Deno.test("peak concurrency finds the densest overlap and skips requests without an end", () => {
  const start_ms = [0, 10, 20, 30, 500];
  const end_ms = [100, 50, 40, NaN, 600];
  assert.equal(peakConcurrentRequests(rows(5), { start_ms, end_ms }), 3);
  assert.equal(peakConcurrentRequests(rows(1), { start_ms: [0], end_ms: [null] }), null);
});

Deno.test("peak output tokens/s weights each chunk by its tokens, so buckets add up to the output", () => {
  // one request, 4 chunks over 2.5 s carrying 10 tokens in all, no per-chunk counts: 2.5 a chunk
  const columns = {
    start_ms: [0],
    ttft_ms: [100],
    itl_ms: [[200, 1000, 1000]],
    completion_tokens: [10],
    chunk_tokens: null,
    end_ms: [2400],
  };
  // chunks at 100, 300 (second 0), 1300 (second 1), 2300 (second 2)
  assert.equal(peakOutputTokensPerS(rows(1), columns), 5);
  const exact = { ...columns, chunk_tokens: [[1, 1, 7, 1]] };
  assert.equal(peakOutputTokensPerS(rows(1), exact), 7);
});

Deno.test("a request that did not stream counts all its tokens when it ended", () => {
  const columns = {
    start_ms: [0, 0],
    ttft_ms: [NaN, NaN],
    itl_ms: [[], []],
    completion_tokens: [30, 12],
    chunk_tokens: null,
    end_ms: [1500, 800],
  };
  assert.equal(peakOutputTokensPerS(rows(2), columns), 30);
  assert.equal(peakOutputTokensPerS(new Uint32Array(0), columns), null);
});

Deno.test("summarize reports the peaks and the per-user output rate of each group", () => {
  const run = makeRun([
    makeRecord({ index: 0 }),
    makeRecord({ index: 1, start_ms: makeRecord().start_ms + 10 }),
  ]);
  const [row] = summarize(toTable(run)).objects() as Record<string, number | null>[];
  assert.equal(row.peak_concurrent_requests, 2);
  assert.equal(row.peak_output_tokens_per_s, 8); // 2 requests × 4 tokens within one second
  assert.equal(row.output_tokens_per_s_per_user_p50, 100); // TPOT 10 ms
  assert.equal("output_tokens_per_s_per_user_count" in row, false); // not a latency
  assert.equal(row.ttst_ms_p50, 10);
});
