import assert from "node:assert/strict";
import { startSimulator } from "./server.ts";
import type { SimulatorOptions } from "./options.ts";
import { metricValue, postJson, readSse } from "./_test_support.ts";

const FAST: SimulatorOptions = {
  decodeStepMs: 1,
  decodeStepMsPerSeq: 0,
  prefillBaseMs: 1,
  prefillMsPerToken: 0,
  frontendOverheadMs: 0.5,
  recordGroundTruth: true,
  log: false,
};

const CHAT = "/v1/chat/completions";
const COMPLETIONS = "/v1/completions";
const LABELS = 'model_name="sim-llama-3-8b",engine="0"';

Deno.test("chat stream: role chunk first, content chunks, final finish, usage chunk, [DONE] last", async () => {
  const sim = await startSimulator(FAST);
  try {
    const res = await postJson(sim.url, CHAT, {
      model: "sim-llama-3-8b",
      messages: [{ role: "user", content: "Tell me something nice." }],
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    }, { "X-Request-Id": "req-chat-1" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    const { events, raw } = await readSse(res);
    assert.ok(raw.endsWith("data: [DONE]\n\n"));
    assert.equal(events.at(-1), "[DONE]");
    const chunks = events.slice(0, -1) as Record<string, unknown>[];
    // role + 5 content chunks + usage chunk
    assert.equal(chunks.length, 7);
    for (const c of chunks) {
      assert.equal(c.id, "chatcmpl-req-chat-1");
      assert.equal(c.object, "chat.completion.chunk");
      assert.equal(c.model, "sim-llama-3-8b");
      assert.equal(c.created, chunks[0].created);
      assert.equal(typeof c.created, "number");
    }
    assert.deepEqual(chunks[0].choices, [{
      index: 0,
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: null,
    }]);
    const content = chunks.slice(1, 6).map((c) => (c.choices as Record<string, unknown>[])[0]);
    for (const [i, choice] of content.entries()) {
      assert.equal(choice.index, 0);
      assert.equal(choice.logprobs, null);
      assert.equal(
        (choice.delta as { content: string }).content.length,
        4,
        "one 4-char token per chunk",
      );
      assert.equal(choice.finish_reason, i === 4 ? "length" : null);
      if (i === 4) assert.equal(choice.stop_reason, null);
      else assert.ok(!("stop_reason" in choice));
    }
    assert.deepEqual(chunks[6].choices, []);
    assert.deepEqual(chunks[6].usage, { prompt_tokens: 6, total_tokens: 11, completion_tokens: 5 });
    assert.ok(!("usage" in chunks[1]), "no per-chunk usage without continuous_usage_stats");
  } finally {
    await sim.close();
  }
});

Deno.test("chat stream with continuous_usage_stats carries cumulative usage on every chunk", async () => {
  const sim = await startSimulator(FAST);
  try {
    const res = await postJson(sim.url, CHAT, {
      messages: [{ role: "user", content: "abcdabcd" }],
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
    const { events } = await readSse(res);
    const usages = events.slice(0, -1).map((e) =>
      ((e as Record<string, unknown>).usage as { completion_tokens: number }).completion_tokens
    );
    assert.deepEqual(usages, [0, 1, 2, 3, 3]);
  } finally {
    await sim.close();
  }
});

Deno.test("completions stream: text_completion chunks, no role chunk, every choice key present", async () => {
  const sim = await startSimulator(FAST);
  try {
    const res = await postJson(sim.url, COMPLETIONS, {
      prompt: "Once upon a time",
      max_tokens: 4,
      stream: true,
    }, { "x-request-id": "c-7" });
    const { events } = await readSse(res);
    assert.equal(events.at(-1), "[DONE]");
    const chunks = events.slice(0, -1) as Record<string, unknown>[];
    assert.equal(chunks.length, 4);
    chunks.forEach((c, i) => {
      assert.equal(c.id, "cmpl-c-7");
      assert.equal(c.object, "text_completion");
      const choice = (c.choices as Record<string, unknown>[])[0];
      assert.deepEqual(Object.keys(choice), [
        "index",
        "text",
        "logprobs",
        "finish_reason",
        "stop_reason",
        "prompt_token_ids",
        "token_ids",
      ]);
      assert.equal(choice.finish_reason, i === 3 ? "length" : null);
    });
    const text = chunks.map((c) => (c.choices as { text: string }[])[0].text).join("");
    assert.equal(text.length, 16);
  } finally {
    await sim.close();
  }
});

Deno.test("non-streaming chat and completions return vLLM's response shapes", async () => {
  const sim = await startSimulator(FAST);
  try {
    const chat = await (await postJson(sim.url, CHAT, {
      messages: [{ role: "system", content: "abcd" }, {
        role: "user",
        content: [{ type: "text", text: "efgh" }],
      }],
      max_completion_tokens: 3,
    }, { "x-request-id": "nc" })).json();
    assert.equal(chat.id, "chatcmpl-nc");
    assert.equal(chat.object, "chat.completion");
    assert.equal(chat.choices[0].message.role, "assistant");
    assert.equal(chat.choices[0].message.content.length, 12);
    assert.equal(chat.choices[0].finish_reason, "length");
    assert.deepEqual(
      { p: chat.usage.prompt_tokens, c: chat.usage.completion_tokens, t: chat.usage.total_tokens },
      { p: 2, c: 3, t: 5 },
    );
    const comp = await (await postJson(sim.url, COMPLETIONS, { prompt: "abcdefgh", max_tokens: 2 }))
      .json();
    assert.match(comp.id, /^cmpl-[0-9a-f]{16}$/, "random 16-hex id without X-Request-Id");
    assert.equal(comp.object, "text_completion");
    assert.equal(comp.choices[0].text.length, 8);
    assert.equal(comp.usage.completion_tokens, 2);
  } finally {
    await sim.close();
  }
});

Deno.test("without ignore_eos a seeded early stop ends with finish_reason stop before max_tokens", async () => {
  const sim = await startSimulator({ ...FAST, earlyStopRate: 1 });
  try {
    const stopped = await (await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 50 }))
      .json();
    assert.equal(stopped.choices[0].finish_reason, "stop");
    assert.ok(stopped.usage.completion_tokens < 50);
    const full = await (await postJson(sim.url, COMPLETIONS, {
      prompt: "x",
      max_tokens: 50,
      ignore_eos: true,
    })).json();
    assert.equal(full.choices[0].finish_reason, "length");
    assert.equal(full.usage.completion_tokens, 50);
  } finally {
    await sim.close();
  }
});

Deno.test("streamInterval puts several tokens in one content chunk", async () => {
  const sim = await startSimulator({ ...FAST, streamInterval: 4 });
  try {
    const { events } = await readSse(
      await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 10, stream: true }),
    );
    const lengths = events.slice(0, -1).map((e) =>
      ((e as Record<string, unknown>).choices as { text: string }[])[0].text.length / 4
    );
    assert.deepEqual(lengths, [1, 4, 4, 1]);
  } finally {
    await sim.close();
  }
});

Deno.test("GET /v1/models lists the served model", async () => {
  const sim = await startSimulator({ ...FAST, model: "my-model" });
  try {
    const body = await (await fetch(`${sim.url}/v1/models`)).json();
    assert.equal(body.object, "list");
    assert.equal(body.data.length, 1);
    assert.equal(body.data[0].id, "my-model");
    assert.equal(body.data[0].object, "model");
    assert.equal(body.data[0].owned_by, "vllm");
  } finally {
    await sim.close();
  }
});

Deno.test("errors use vLLM's statuses and shapes", async () => {
  const sim = await startSimulator({ ...FAST, maxModelLen: 100, maxBodyBytes: 2000 });
  try {
    const cases: [string, unknown, number, string, string | null][] = [
      [
        CHAT,
        { model: "gpt-9", messages: [{ role: "user", content: "hi" }] },
        404,
        "NotFoundError",
        "model",
      ],
      [CHAT, "{not json", 400, "Bad Request", "body"],
      [CHAT, { max_tokens: 3 }, 400, "Bad Request", "body.messages"],
      [
        CHAT,
        { messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } },
        400,
        "BadRequestError",
        "stream_options",
      ],
      [
        CHAT,
        { messages: [{ role: "user", content: "hi" }], max_tokens: "many" },
        400,
        "Bad Request",
        "body.max_tokens",
      ],
      [
        COMPLETIONS,
        { prompt: "a".repeat(200), max_tokens: 101 },
        400,
        "BadRequestError",
        "max_tokens",
      ],
      [COMPLETIONS, { prompt: "a".repeat(404) }, 400, "BadRequestError", "input_tokens"],
      [COMPLETIONS, { prompt: "hi", max_tokens: 0 }, 400, "BadRequestError", "max_tokens"],
    ];
    for (const [path, body, status, type, param] of cases) {
      const res = await postJson(sim.url, path, body);
      const json = await res.json();
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      assert.equal(json.error.type, type, JSON.stringify(json));
      assert.equal(json.error.param, param);
      assert.equal(json.error.code, status);
      assert.equal(typeof json.error.message, "string");
    }
    const notFound = await (await postJson(sim.url, CHAT, { model: "gpt-9", messages: [] })).json();
    assert.equal(
      notFound.error.message,
      "The model `gpt-9` does not exist. Valid aliases: sim-llama-3-8b.",
    );

    const big = await postJson(sim.url, COMPLETIONS, { prompt: "a".repeat(5000) });
    assert.equal(big.status, 413);
    assert.equal((await big.json()).error.code, 413);

    const route = await fetch(`${sim.url}/v1/nothing`);
    assert.equal(route.status, 404);
    await route.body?.cancel();
    const method = await fetch(`${sim.url}${CHAT}`);
    assert.equal(method.status, 405);
    await method.body?.cancel();
    assert.equal(sim.groundTruth().length, 0, "rejected bodies are not requests of the engine");
  } finally {
    await sim.close();
  }
});

Deno.test("apiKey: /v1 needs the bearer key, /metrics and /health do not", async () => {
  const sim = await startSimulator({ ...FAST, apiKey: "s3cret" });
  try {
    const denied = await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 1 });
    assert.equal(denied.status, 401);
    assert.deepEqual(await denied.json(), { error: "Unauthorized" });
    const wrong = await fetch(`${sim.url}/v1/models`, {
      headers: { authorization: "Bearer nope" },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const ok = await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 1 }, {
      authorization: "Bearer s3cret",
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const metrics = await fetch(`${sim.url}/metrics`);
    assert.equal(metrics.status, 200);
    await metrics.body?.cancel();
    const health = await fetch(`${sim.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await sim.close();
  }
});

Deno.test("x-sim-fault http500/http400/http404 answer JSON errors before streaming", async () => {
  const sim = await startSimulator(FAST);
  try {
    for (
      const [fault, status, type] of [
        ["http500", 500, "InternalServerError"],
        ["http400", 400, "BadRequestError"],
        ["http404", 404, "NotFoundError"],
      ] as const
    ) {
      const res = await postJson(sim.url, CHAT, {
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      }, { "x-sim-fault": fault, "x-request-id": fault });
      assert.equal(res.status, status);
      assert.match(res.headers.get("content-type")!, /application\/json/);
      const json = await res.json();
      assert.equal(json.error.type, type);
      assert.equal(json.error.code, status);
    }
    const truth = sim.groundTruth();
    assert.deepEqual(truth.map((t) => [t.request_id, t.outcome, t.fault]), [
      ["http500", "fault", "http500"],
      ["http400", "fault", "http400"],
      ["http404", "fault", "http404"],
    ]);
    const bad = await postJson(sim.url, CHAT, { messages: [{ role: "user", content: "hi" }] }, {
      "x-sim-fault": "explode",
    });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /x-sim-fault must be one of/);
  } finally {
    await sim.close();
  }
});

Deno.test("x-sim-fault stream_error sends an error event then [DONE] and no finish_reason", async () => {
  const sim = await startSimulator(FAST);
  try {
    const res = await postJson(sim.url, CHAT, {
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 6,
      stream: true,
    }, { "x-sim-fault": "stream_error" });
    assert.equal(res.status, 200);
    const { events, complete } = await readSse(res);
    assert.ok(complete);
    assert.equal(events.at(-1), "[DONE]");
    const error = events.at(-2) as { error: { type: string; code: number } };
    assert.equal(error.error.type, "InternalServerError");
    assert.equal(error.error.code, 500);
    const chunks = events.slice(0, -2) as { choices: { finish_reason: string | null }[] }[];
    assert.equal(chunks.length, 1 + 3, "role chunk + half of the tokens");
    assert.ok(chunks.every((c) => c.choices[0].finish_reason === null));
    const [truth] = sim.groundTruth();
    assert.equal(truth.outcome, "fault");
    assert.equal(truth.completion_tokens, 3);
    assert.equal(
      metricValue(
        sim.metricsText(),
        `vllm:request_success_total{${LABELS},finished_reason="error"}`,
      ),
      1,
    );
  } finally {
    await sim.close();
  }
});

Deno.test("x-sim-fault cut drops the connection without [DONE]", async () => {
  const sim = await startSimulator(FAST);
  try {
    const res = await postJson(sim.url, COMPLETIONS, {
      prompt: "hi",
      max_tokens: 4,
      stream: true,
    }, { "x-sim-fault": "cut" });
    assert.equal(res.status, 200);
    const { events, complete } = await readSse(res);
    assert.equal(complete, false, "the body ends in a connection error");
    assert.ok(!events.includes("[DONE]"));
    const [truth] = sim.groundTruth();
    assert.equal(truth.outcome, "fault");
    assert.equal(truth.fault, "cut");
  } finally {
    await sim.close();
  }
});

Deno.test("x-sim-fault stall holds writes after the first content chunk, then finishes", async () => {
  const sim = await startSimulator(FAST);
  try {
    const res = await postJson(sim.url, COMPLETIONS, {
      prompt: "hi",
      max_tokens: 3,
      stream: true,
    }, { "x-sim-fault": "stall", "x-sim-stall-ms": "150" });
    const { events } = await readSse(res);
    assert.equal(events.at(-1), "[DONE]");
    assert.equal(events.length, 4);
    const [truth] = sim.groundTruth();
    assert.equal(truth.outcome, "finished");
    assert.equal(truth.fault, "stall");
    const writes = truth.content_chunk_write_ms;
    assert.equal(writes.length, 3);
    // The stall is a timer of 150 ms: the second write cannot come before it has run.
    assert.ok(writes[1] - writes[0] >= 149, `gap ${writes[1] - writes[0]}`);
  } finally {
    await sim.close();
  }
});

Deno.test("fault rates apply per request from the seeded RNG", async () => {
  const sim = await startSimulator({ ...FAST, faults: { http500Rate: 1 } });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 1 });
      assert.equal(res.status, 500);
      await res.body?.cancel();
    }
  } finally {
    await sim.close();
  }
});

Deno.test("a client disconnect aborts the request and counts finished_reason abort", async () => {
  const sim = await startSimulator({ ...FAST, decodeStepMs: 5 });
  try {
    const controller = new AbortController();
    const res = await postJson(
      sim.url,
      CHAT,
      {
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 1000,
        stream: true,
      },
      { "x-request-id": "gone" },
      controller.signal,
    );
    const reader = res.body!.getReader();
    await reader.read(); // at least one chunk arrived
    controller.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 200 && sim.groundTruth().length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const [truth] = sim.groundTruth();
    assert.equal(truth.outcome, "aborted");
    assert.ok(truth.completion_tokens < 1000);
    const text = sim.metricsText();
    assert.equal(
      metricValue(text, `vllm:request_success_total{${LABELS},finished_reason="abort"}`),
      1,
    );
    assert.equal(metricValue(text, `vllm:num_requests_running{${LABELS}}`), 0);
    assert.equal(metricValue(text, `vllm:e2e_request_latency_seconds_count{${LABELS}}`), 0);
  } finally {
    await sim.close();
  }
});

Deno.test("ground truth records a write time for every SSE event and the engine phases", async () => {
  const sim = await startSimulator(FAST);
  try {
    const { events } = await readSse(
      await postJson(sim.url, CHAT, {
        messages: [{ role: "user", content: "hello" }],
        max_tokens: 4,
        stream: true,
        stream_options: { include_usage: true },
      }, { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }),
    );
    const [truth] = sim.groundTruth();
    assert.equal(truth.chunk_write_ms.length, events.length);
    assert.equal(truth.content_chunk_write_ms.length, 4);
    assert.equal(truth.trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(truth.parent_span_id, "b7ad6b7169203331");
    assert.equal(truth.completion_tokens, 4);
    assert.equal(truth.prompt_tokens, 2);
    for (let i = 1; i < truth.chunk_write_ms.length; i++) {
      assert.ok(truth.chunk_write_ms[i] >= truth.chunk_write_ms[i - 1]);
    }
    assert.ok(truth.chunk_write_ms[0] >= truth.arrival_ms);
    assert.ok(truth.prefill_ms > 0 && truth.decode_ms > 0 && truth.queue_ms >= 0);
  } finally {
    await sim.close();
  }
});

Deno.test("continuous batching: requests beyond maxNumSeqs wait and are served FIFO", async () => {
  const sim = await startSimulator({ ...FAST, maxNumSeqs: 2, decodeStepMs: 10 });
  try {
    const bodies: Promise<unknown>[] = [];
    // Send one by one: each stream's headers come back before the next request is sent, so
    // arrival order is r0..r5.
    for (let i = 0; i < 6; i++) {
      const res = await postJson(sim.url, COMPLETIONS, {
        prompt: "same prompt",
        max_tokens: 40,
        ignore_eos: true,
        stream: true,
      }, { "x-request-id": `r${i}` });
      bodies.push(readSse(res));
    }
    let sawQueue = false;
    for (let i = 0; i < 500 && !sawQueue; i++) {
      const text = sim.metricsText();
      const running = metricValue(text, `vllm:num_requests_running{${LABELS}}`)!;
      const waiting = metricValue(text, `vllm:num_requests_waiting{${LABELS}}`)!;
      assert.ok(running <= 2, "never more than maxNumSeqs running");
      if (waiting >= 2) sawQueue = true;
      else await new Promise((r) => setTimeout(r, 2));
    }
    assert.ok(sawQueue, "the waiting queue grew beyond the running batch");
    await Promise.all(bodies);
    const truth = sim.groundTruth();
    assert.deepEqual(truth.map((t) => t.request_id), ["r0", "r1", "r2", "r3", "r4", "r5"]);
    const queue = Object.fromEntries(truth.map((t) => [t.request_id, t.queue_ms]));
    assert.ok(queue.r2 > queue.r0 && queue.r3 > queue.r1, "the third and fourth waited");
    assert.ok(queue.r4 > queue.r2 && queue.r5 > queue.r3, "the fifth and sixth waited longer");
  } finally {
    await sim.close();
  }
});

Deno.test("GET /metrics exposes vLLM names, labels and histogram buckets", async () => {
  const sim = await startSimulator(FAST);
  try {
    for (let i = 0; i < 2; i++) {
      await (await postJson(sim.url, COMPLETIONS, {
        prompt: "abcdabcd",
        max_tokens: 3,
        ignore_eos: true,
      })).json();
    }
    const res = await fetch(`${sim.url}/metrics`);
    assert.match(res.headers.get("content-type")!, /^text\/plain/);
    const text = await res.text();
    assert.equal(text, sim.metricsText(), "GET /metrics serves metricsText()");
    assert.equal(
      metricValue(text, `vllm:request_success_total{${LABELS},finished_reason="length"}`),
      2,
    );
    assert.equal(metricValue(text, `vllm:prompt_tokens_total{${LABELS}}`), 4);
    assert.equal(metricValue(text, `vllm:generation_tokens_total{${LABELS}}`), 6);
    assert.equal(metricValue(text, `vllm:time_to_first_token_seconds_count{${LABELS}}`), 2);
    assert.equal(
      metricValue(text, `vllm:time_to_first_token_seconds_bucket{${LABELS},le="+Inf"}`),
      2,
    );
    assert.notEqual(
      metricValue(text, `vllm:time_to_first_token_seconds_bucket{${LABELS},le="0.001"}`),
      null,
    );
    assert.notEqual(
      metricValue(text, `vllm:e2e_request_latency_seconds_bucket{${LABELS},le="7680.0"}`),
      null,
    );
    assert.equal(metricValue(text, `vllm:request_queue_time_seconds_count{${LABELS}}`), 2);
    assert.match(text, /# TYPE vllm:request_success_total counter/);
    assert.match(text, /# TYPE vllm:time_to_first_token_seconds histogram/);
  } finally {
    await sim.close();
  }
});

Deno.test("non-streaming faults: stream_error answers 500 at mid-generation, cut drops the connection", async () => {
  const sim = await startSimulator({ ...FAST, frontendOverheadMs: 0 });
  try {
    const failed = await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 6 }, {
      "x-sim-fault": "stream_error",
    });
    assert.equal(failed.status, 500);
    assert.equal((await failed.json()).error.type, "InternalServerError");
    await assert.rejects(async () => {
      const res = await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 6 }, {
        "x-sim-fault": "cut",
      });
      await res.text();
    });
    assert.deepEqual(sim.groundTruth().map((t) => [t.fault, t.outcome, t.completion_tokens]), [
      ["stream_error", "fault", 3],
      ["cut", "fault", 3],
    ]);
  } finally {
    await sim.close();
  }
});

Deno.test("close() ends open streams and leaves the port free", async () => {
  const sim = await startSimulator({ ...FAST, decodeStepMs: 5 });
  const res = await postJson(sim.url, COMPLETIONS, { prompt: "x", max_tokens: 1000, stream: true });
  const reader = res.body!.getReader();
  await reader.read();
  await sim.close();
  await assert.rejects(async () => {
    for (;;) if ((await reader.read()).done) break;
  });
  const [truth] = sim.groundTruth();
  assert.equal(truth.outcome, "aborted");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: sim.port });
  listener.close();
});
