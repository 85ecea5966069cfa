import assert from "node:assert/strict";
import { SseParser } from "../collect/sse.ts";
import { type ClientMetrics, nonStreamMetrics, StreamMetricsBuilder } from "./client.ts";
import type { Endpoint } from "../types.ts";

/**
 * Chunk shapes as vLLM serializes them (exclude_unset): the role chunk, then deltas. `field` is the
 * reasoning key of the version: `reasoning` (vLLM ≥ #33402, e.g. 0.32), `reasoning_content`
 * (before #27752), or both, equal (between the two).
 */
function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const choice = { index: 0, delta, logprobs: null, finish_reason: finish, token_ids: null };
  return `data: ${
    JSON.stringify({
      id: "chatcmpl-r1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [choice],
    })
  }\n\n`;
}

function usageChunk(usage: Record<string, unknown>): string {
  const body = { id: "chatcmpl-r1", object: "chat.completion.chunk", created: 1, model: "m" };
  return `data: ${JSON.stringify({ ...body, choices: [], usage })}\n\n`;
}

/** The usage chunk of an answer of `completion` tokens, `reasoning` of them reasoning. */
function reasoningUsage(completion: number, reasoning: number): string {
  return usageChunk({
    prompt_tokens: 3,
    total_tokens: 3 + completion,
    completion_tokens: completion,
    completion_tokens_details: { reasoning_tokens: reasoning },
  });
}

const ROLE = chunk({ role: "assistant", content: "" });

/**
 * Feeds SSE pieces through the real parser into a builder, piece i arriving at `times[i]` ms (as
 * collect times each body piece), and finishes it.
 */
function metricsOf(pieces: string[], times: number[], endpoint: Endpoint = "chat"): ClientMetrics {
  const builder = new StreamMetricsBuilder(endpoint);
  let at = 0;
  const parser = new SseParser({
    onEvent(data) {
      if (data === "[DONE]") builder.done(at);
      else builder.add(at, JSON.parse(data));
    },
  });
  const encoder = new TextEncoder();
  pieces.forEach((piece, i) => {
    at = times[i];
    parser.feed(encoder.encode(piece));
  });
  parser.end();
  return builder.finish({ completed: builder.isDone });
}

/** A stream that reasons in two chunks, then answers in two: [role+r1, r2, c1, c2+finish, usage, DONE]. */
function reasoningStream(reasoning: (text: string) => Record<string, unknown>): string[] {
  return [
    ROLE + chunk(reasoning(" so")),
    chunk(reasoning(" hmm")),
    chunk({ content: "Hi" }),
    chunk({ content: " there" }, "stop"),
    reasoningUsage(4, 2),
    "data: [DONE]\n\n",
  ];
}

const TIMES = [10, 20, 30, 40, 41, 42];

for (
  const [version, field] of [
    ["vLLM 0.32 (delta.reasoning)", (t: string) => ({ reasoning: t })],
    ["older vLLM (delta.reasoning_content)", (t: string) => ({ reasoning_content: t })],
    [
      "vLLM between #27752 and #33402 (both fields, equal)",
      (t: string) => ({ reasoning: t, reasoning_content: t }),
    ],
  ] as const
) {
  Deno.test(`SSE reasoning then content, ${version}: ttfot_ms is the first content chunk`, () => {
    const m = metricsOf(reasoningStream(field), TIMES);
    assert.equal(m.ttft_ms, 10); // the first reasoning chunk
    assert.equal(m.ttfot_ms, 30); // the first answer chunk
    assert.deepEqual(m.chunk_times_ms, [10, 20, 30, 40]);
    assert.equal(m.reasoning_chunks, 2);
    assert.equal(m.reasoning_tokens, 2);
    assert.equal(m.completion_tokens, 4);
    // " so" + " hmm" + "Hi" + " there", each reasoning text counted once.
    assert.equal(m.output_chars, 3 + 4 + 2 + 6);
  });
}

Deno.test("a stream without reasoning has ttfot_ms equal to ttft_ms and no reasoning count", () => {
  const m = metricsOf([
    ROLE + chunk({ content: "Hi" }),
    chunk({ content: " there" }, "stop"),
    usageChunk({ prompt_tokens: 3, total_tokens: 5, completion_tokens: 2 }),
    "data: [DONE]\n\n",
  ], [12, 20, 21, 22]);
  assert.equal(m.ttft_ms, 12);
  assert.equal(m.ttfot_ms, 12);
  assert.equal(m.reasoning_chunks, 0);
  assert.equal(m.reasoning_tokens, null); // the server did not say: unknown, not 0
});

Deno.test("a chunk where reasoning ends and the answer starts counts as both", () => {
  const m = metricsOf([
    ROLE + chunk({ reasoning: " so" }),
    chunk({ reasoning: " ok", content: "Hi" }, "stop"),
    "data: [DONE]\n\n",
  ], [5, 9, 10]);
  assert.equal(m.ttft_ms, 5);
  assert.equal(m.ttfot_ms, 9);
  assert.equal(m.reasoning_chunks, 2);
});

Deno.test("a stream that only reasoned has ttft_ms but no ttfot_ms", () => {
  const m = metricsOf([
    ROLE + chunk({ reasoning: " so" }),
    chunk({ reasoning: " hmm" }, "length"),
    reasoningUsage(2, 2),
    "data: [DONE]\n\n",
  ], [5, 9, 10, 11]);
  assert.equal(m.ttft_ms, 5);
  assert.equal(m.ttfot_ms, null);
  assert.equal(m.reasoning_tokens, 2);
  assert.equal(m.finish_reason, "length");
});

Deno.test("a tool call after reasoning is the first output", () => {
  const call = { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } };
  const m = metricsOf([
    ROLE + chunk({ reasoning: " so" }),
    chunk({ tool_calls: [call] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] }, "tool_calls"),
    "data: [DONE]\n\n",
  ], [5, 9, 12, 13]);
  assert.equal(m.ttfot_ms, 9);
  assert.equal(m.reasoning_chunks, 1);
});

Deno.test("usage reasoning tokens: the server's 0 is kept, a non-count is null", () => {
  const stream = (details: unknown) =>
    metricsOf([
      ROLE + chunk({ content: "Hi" }, "stop"),
      usageChunk({
        prompt_tokens: 3,
        total_tokens: 4,
        completion_tokens: 1,
        completion_tokens_details: details,
      }),
      "data: [DONE]\n\n",
    ], [5, 6, 7]);
  assert.equal(stream({ reasoning_tokens: 0 }).reasoning_tokens, 0);
  assert.equal(stream(null).reasoning_tokens, null);
  assert.equal(stream({ reasoning_tokens: "3" }).reasoning_tokens, null);
  assert.equal(stream({ reasoning_tokens: -1 }).reasoning_tokens, null);
});

Deno.test("completions text is output: ttfot_ms equals ttft_ms", () => {
  const text = (t: string) =>
    `data: ${JSON.stringify({ object: "text_completion", choices: [{ index: 0, text: t }] })}\n\n`;
  const m = metricsOf(
    [text("Hello"), text(" world"), "data: [DONE]\n\n"],
    [8, 9, 10],
    "completions",
  );
  assert.equal(m.ttft_ms, 8);
  assert.equal(m.ttfot_ms, 8);
  assert.equal(m.reasoning_chunks, 0);
});

Deno.test("a non-streamed reasoning answer gives reasoning_tokens from usage and no ttfot_ms", () => {
  const m = nonStreamMetrics(
    {
      id: "chatcmpl-r2",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "Hi", reasoning: " so hmm" },
        finish_reason: "stop",
      }],
      usage: {
        prompt_tokens: 3,
        total_tokens: 7,
        completion_tokens: 4,
        prompt_tokens_details: null,
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    },
    50,
    { endpoint: "chat" },
  );
  assert.equal(m.ttfot_ms, null);
  assert.equal(m.reasoning_tokens, 2);
  assert.equal(m.reasoning_chunks, null);
  assert.equal(m.output_chars, " so hmm".length + 2);
});
