import assert from "node:assert/strict";
import {
  clientMetrics,
  gapsMs,
  metricsFromChunkTimes,
  nonStreamMetrics,
  StreamMetricsBuilder,
  type TimedMessage,
  tpotMs,
  vllmBenchMetrics,
} from "./client.ts";

const role = {
  id: "chatcmpl-r1",
  choices: [{ index: 0, delta: { role: "assistant", content: "" } }],
};
const content = (text: string, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-r1",
  choices: [{ index: 0, delta: { content: text }, finish_reason: null, ...extra }],
});
const usage = (prompt: number, completion: number) => ({
  id: "chatcmpl-r1",
  choices: [],
  usage: {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  },
});

/** A vLLM-shaped chat stream: role chunk with the first token, multi-token chunks, usage, [DONE]. */
const CHAT: TimedMessage[] = [
  { t_ms: 50, data: role },
  { t_ms: 50, data: content("Hello") }, // 1 token
  { t_ms: 70, data: content(" big world") }, // 2 tokens in one chunk
  { t_ms: 80, data: content("!", { finish_reason: "stop" }) }, // 1 token
  { t_ms: 81, data: usage(12, 4) },
  { t_ms: 82, data: "[DONE]" },
];

Deno.test("clientMetrics() on a chat stream skips the role chunk for TTFT and ITL and ends at [DONE]", () => {
  const m = clientMetrics(CHAT, { endpoint: "chat" });
  assert.equal(m.ttft_ms, 50);
  assert.deepEqual(m.chunk_times_ms, [50, 70, 80]);
  assert.deepEqual(m.itl_ms, [20, 10]);
  assert.equal(m.e2e_ms, 82);
  // (82 − 50) / (4 − 1)
  assert.equal(m.tpot_ms, 32 / 3);
  assert.equal(m.first_chunk_ms, 50);
  assert.equal(m.last_chunk_ms, 81);
  assert.deepEqual(m.non_content_chunk_times_ms, [50]);
  assert.equal(m.prompt_tokens, 12);
  assert.equal(m.completion_tokens, 4);
  assert.equal(m.token_source, "usage");
  assert.equal(m.finish_reason, "stop");
  assert.equal(m.output_chars, "Hello big world!".length);
  assert.equal(m.response_id, "chatcmpl-r1");
  assert.equal(m.chunk_tokens, null);
  assert.equal(m.done, true);
});

Deno.test("vllmBenchMetrics() reproduces vllm bench: role chunk as TTFT, its gap in ITL, usage chunk as E2E", () => {
  const m = clientMetrics(CHAT, { endpoint: "chat" });
  const bench = vllmBenchMetrics({ endpoint: "chat", ...m });
  // Role chunk and first content chunk arrived together here, so TTFT is equal ...
  assert.equal(bench.ttft_ms, 50);
  // ... but the role→content gap is one extra (zero) ITL entry.
  assert.deepEqual(bench.itl_ms, [0, 20, 10]);
  assert.equal(bench.e2e_ms, 81);
  assert.equal(bench.tpot_ms, (81 - 50) / 3);
  assert.equal(bench.output_tokens, 4);
});

Deno.test("vllmBenchMetrics() differs from ours when the role chunk arrives before the first token", () => {
  const stream: TimedMessage[] = [
    { t_ms: 10, data: role }, // e.g. V0 chunked prefill: role chunk early
    { t_ms: 40, data: content("a") },
    { t_ms: 45, data: content("b", { finish_reason: "length" }) },
    { t_ms: 46, data: usage(3, 2) },
    { t_ms: 47, data: "[DONE]" },
  ];
  const ours = clientMetrics(stream, { endpoint: "chat" });
  const bench = vllmBenchMetrics({ endpoint: "chat", ...ours });
  assert.equal(ours.ttft_ms, 40);
  assert.equal(bench.ttft_ms, 10);
  assert.deepEqual(ours.itl_ms, [5]);
  assert.deepEqual(bench.itl_ms, [30, 5]);
  assert.equal(ours.tpot_ms, 7);
  assert.equal(bench.tpot_ms, 36);
});

Deno.test("vllmBenchMetrics() of a completions stream ends at the last chunk with choices, not the usage chunk", () => {
  const stream: TimedMessage[] = [
    { t_ms: 30, data: { id: "cmpl-1", choices: [{ index: 0, text: "One" }] } },
    { t_ms: 38, data: { id: "cmpl-1", choices: [{ index: 0, text: "", finish_reason: "stop" }] } },
    {
      t_ms: 39,
      data: { id: "cmpl-1", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } },
    },
    { t_ms: 40, data: "[DONE]" },
  ];
  const ours = clientMetrics(stream, { endpoint: "completions" });
  assert.equal(ours.ttft_ms, 30);
  assert.deepEqual(ours.chunk_times_ms, [30]);
  assert.deepEqual(ours.non_content_chunk_times_ms, [38]);
  assert.equal(ours.e2e_ms, 40);
  assert.equal(ours.tpot_ms, 10);
  assert.equal(ours.finish_reason, "stop");
  const bench = vllmBenchMetrics({ endpoint: "completions", ...ours });
  assert.equal(bench.ttft_ms, 30);
  assert.deepEqual(bench.itl_ms, [8]);
  assert.equal(bench.e2e_ms, 38);
  assert.equal(bench.tpot_ms, 8);
});

Deno.test("vllmBenchMetrics() of a failed record is empty", () => {
  const ours = clientMetrics(CHAT, { endpoint: "chat" });
  const bench = vllmBenchMetrics({ endpoint: "chat", ...ours, success: false });
  assert.deepEqual(bench, {
    ttft_ms: null,
    itl_ms: [],
    e2e_ms: null,
    tpot_ms: null,
    output_tokens: null,
  });
});

Deno.test("vllmBenchMetrics() on a record without non-content times treats an earlier first chunk as the role chunk", () => {
  const bench = vllmBenchMetrics({
    endpoint: "chat",
    first_chunk_ms: 5,
    last_chunk_ms: 30,
    chunk_times_ms: [10, 20],
    completion_tokens: 3,
  });
  assert.deepEqual(bench.itl_ms, [5, 10]);
  assert.equal(bench.tpot_ms, 12.5);
});

Deno.test("clientMetrics() counts reasoning and tool-call chunks as content", () => {
  const stream: TimedMessage[] = [
    { t_ms: 5, data: role },
    { t_ms: 9, data: { choices: [{ delta: { reasoning: "think" } }] } },
    { t_ms: 12, data: { choices: [{ delta: { reasoning_content: "more" } }] } },
    {
      t_ms: 20,
      data: {
        choices: [{
          delta: {
            tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f" } }],
          },
        }],
      },
    },
    {
      t_ms: 25,
      data: {
        choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] } }],
      },
    },
    { t_ms: 26, data: { choices: [{ delta: {}, finish_reason: "tool_calls" }] } },
    { t_ms: 30, data: "[DONE]" },
  ];
  const m = clientMetrics(stream, { endpoint: "chat", promptTokensEstimate: 7 });
  assert.equal(m.ttft_ms, 9);
  assert.deepEqual(m.chunk_times_ms, [9, 12, 20, 25]);
  assert.deepEqual(m.itl_ms, [3, 8, 5]);
  assert.deepEqual(m.non_content_chunk_times_ms, [5, 26]);
  assert.equal(m.finish_reason, "tool_calls");
  assert.equal(m.output_chars, "think".length + "more".length + '{"x":1}'.length);
  // No usage: estimated from the text (16 chars → 4 tokens) and the given prompt estimate.
  assert.equal(m.token_source, "estimate");
  assert.equal(m.completion_tokens, 4);
  assert.equal(m.prompt_tokens, 7);
  assert.equal(m.tpot_ms, (30 - 9) / 3);
});

Deno.test("clientMetrics() takes tokens per chunk from continuous usage deltas", () => {
  const cu = (completion: number) => ({
    prompt_tokens: 9,
    completion_tokens: completion,
    total_tokens: 9 + completion,
  });
  const stream: TimedMessage[] = [
    { t_ms: 40, data: { choices: [{ delta: { role: "assistant", content: "" } }], usage: cu(0) } },
    { t_ms: 41, data: { choices: [{ delta: { content: "a" } }], usage: cu(1) } },
    { t_ms: 60, data: { choices: [{ delta: { content: "bcd" } }], usage: cu(4) } }, // 3 tokens (spec decode)
    {
      t_ms: 70,
      data: { choices: [{ delta: { content: "e" }, finish_reason: "length" }], usage: cu(5) },
    },
    { t_ms: 71, data: "[DONE]" },
  ];
  const m = clientMetrics(stream, { endpoint: "chat" });
  assert.deepEqual(m.chunk_tokens, [1, 3, 1]);
  assert.equal(m.token_source, "continuous_usage");
  assert.equal(m.completion_tokens, 5);
  assert.equal(m.prompt_tokens, 9);
  assert.equal(m.tpot_ms, (71 - 41) / 4);
});

Deno.test("clientMetrics() prefers the final usage chunk over continuous usage", () => {
  const stream: TimedMessage[] = [
    {
      t_ms: 1,
      data: {
        choices: [{ delta: { content: "a" } }],
        usage: { prompt_tokens: 2, completion_tokens: 1 },
      },
    },
    { t_ms: 2, data: { choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } } },
    { t_ms: 3, data: "[DONE]" },
  ];
  const m = clientMetrics(stream, { endpoint: "chat" });
  assert.equal(m.token_source, "usage");
  assert.equal(m.completion_tokens, 3);
});

Deno.test("clientMetrics() gives no e2e or tpot to a stream without [DONE], but keeps what arrived", () => {
  const m = clientMetrics(CHAT.slice(0, 3), { endpoint: "chat" });
  assert.equal(m.done, false);
  assert.equal(m.e2e_ms, null);
  assert.equal(m.tpot_ms, null);
  assert.equal(m.ttft_ms, 50);
  assert.deepEqual(m.itl_ms, [20]);
});

Deno.test("clientMetrics() on no messages has token_source none", () => {
  const m = clientMetrics([], { endpoint: "chat", completed: false });
  assert.equal(m.token_source, "none");
  assert.equal(m.prompt_tokens, null);
  assert.equal(m.completion_tokens, null);
  assert.equal(m.ttft_ms, null);
});

Deno.test("StreamMetricsBuilder.add() reports how each message counted and keeps the error payload", () => {
  const b = new StreamMetricsBuilder("chat");
  assert.equal(b.add(1, role), "no_content");
  assert.equal(b.add(2, content("x")), "content");
  assert.equal(b.add(3, usage(1, 1)), "no_choices");
  assert.equal(
    b.add(4, { error: { message: "boom", type: "InternalServerError", code: 500 } }),
    "error",
  );
  assert.equal(b.add(5, [1, 2]), "no_choices");
  assert.deepEqual(b.streamError, { message: "boom", type: "InternalServerError", code: 500 });
  assert.equal(b.messageCount, 5);
});

Deno.test("nonStreamMetrics() reads chat messages and usage and leaves TTFT null", () => {
  const m = nonStreamMetrics(
    {
      id: "chatcmpl-9",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "Hi there", reasoning: "hm" },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 },
    },
    123,
    { endpoint: "chat" },
  );
  assert.equal(m.ttft_ms, null);
  assert.equal(m.tpot_ms, null);
  assert.equal(m.e2e_ms, 123);
  assert.deepEqual(m.itl_ms, []);
  assert.equal(m.prompt_tokens, 6);
  assert.equal(m.completion_tokens, 3);
  assert.equal(m.token_source, "usage");
  assert.equal(m.output_chars, "hmHi there".length);
  assert.equal(m.response_id, "chatcmpl-9");
});

Deno.test("nonStreamMetrics() estimates tokens when there is no usage", () => {
  const m = nonStreamMetrics({ choices: [{ text: "abcdefghi" }] }, 10, {
    endpoint: "completions",
    promptTokensEstimate: 2,
  });
  assert.equal(m.token_source, "estimate");
  assert.equal(m.completion_tokens, 3);
  assert.equal(m.prompt_tokens, 2);
});

Deno.test("gapsMs(), tpotMs() and metricsFromChunkTimes() agree with hand computation", () => {
  assert.deepEqual(gapsMs([]), []);
  assert.deepEqual(gapsMs([3]), []);
  assert.deepEqual(gapsMs([1, 4, 4, 10]), [3, 0, 6]);
  assert.equal(tpotMs(100, 20, 1), null);
  assert.equal(tpotMs(100, null, 5), null);
  assert.equal(tpotMs(100, 20, 5), 20);
  const m = clientMetrics(CHAT, { endpoint: "chat" });
  const again = metricsFromChunkTimes({ ...m });
  assert.equal(again.ttft_ms, m.ttft_ms);
  assert.deepEqual(again.itl_ms, m.itl_ms);
  assert.equal(again.tpot_ms, m.tpot_ms);
});
