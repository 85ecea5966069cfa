// The stream's end is its end: [DONE] finishes a request whatever the server does after it, the
// timeout is a total deadline (idleTimeoutMs watches silence), and one SSE event has a size limit.
// Each scenario is a hostile server on 127.0.0.1:0 writing exactly the bytes that broke it before.
import assert from "node:assert/strict";
import type { RequestRecord, Run } from "../types.ts";
import { collect } from "./collect.ts";
import type { CollectOptions } from "./options.ts";
import {
  delay,
  type RawRequest,
  type RawResponse,
  scenarioOf,
  sse,
  startLoopbackServer,
  writeChatStream,
} from "./_loopback_server.ts";

/** Whether the client closed its side during the "kept-open" scenario. */
let keptOpenClosedByClient = false;

async function hostile(request: RawRequest, response: RawResponse): Promise<void> {
  const id = `chatcmpl-${request.headers["x-request-id"]}`;
  const base = { id, object: "chat.completion.chunk", created: 1, model: "test-model" };
  const content = (text: string, finish: string | null = null) =>
    sse({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: finish }] });
  const usage = sse({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
  switch (scenarioOf(request)) {
    case "after-done":
      await response.head(200);
      await response.chunk(content("a"));
      await response.chunk(content("b", "stop") + usage);
      await response.chunk(sse("[DONE]") + content("late in the same piece"));
      await delay(30);
      await response.chunk(content("late in a later piece"));
      await response.end();
      return;
    case "error-after-done":
      await response.head(200);
      await response.chunk(content("a"));
      await response.chunk(content("b", "stop") + usage + sse("[DONE]"));
      await delay(20);
      await response.chunk(sse({ error: { message: "late failure", type: "InternalError" } }));
      await response.end();
      return;
    case "kept-open":
      await response.head(200);
      await response.chunk(content("a"));
      await response.chunk(content("b", "stop") + usage + sse("[DONE]"));
      await response.closedPromise; // never ends the body
      keptOpenClosedByClient = true;
      return;
    case "trickle": {
      // 1 byte every 20 ms: never idle, but the whole response takes about 2.5 s.
      await response.head(200);
      const text = content("x".repeat(60), "stop") + usage + sse("[DONE]");
      for (let i = 0; i < text.length && !response.closed; i += 1) {
        await response.chunk(text.slice(i, i + 1));
        await delay(20);
      }
      if (!response.closed) await response.end();
      return;
    }
    case "pause":
      await response.head(200);
      await response.chunk(content("a"));
      await delay(600);
      if (response.closed) return;
      await response.chunk(content("b", "stop") + usage + sse("[DONE]"));
      await response.end();
      return;
    case "huge-event": {
      // One 2 MB data line in 16 KiB pieces.
      await response.head(200);
      const line = content("y".repeat(2_000_000));
      for (let i = 0; i < line.length && !response.closed; i += 16 * 1024) {
        await response.chunk(line.slice(i, i + 16 * 1024));
      }
      if (response.closed) return;
      await response.chunk(usage + sse("[DONE]"));
      await response.end();
      return;
    }
    default:
      await writeChatStream(response, id, ["Hel", "lo"], { gapMs: 2 });
  }
}

async function run(names: string[], extra: Partial<CollectOptions> = {}): Promise<Run> {
  const server = await startLoopbackServer(hostile);
  try {
    return await collect({
      url: server.url,
      model: "test-model",
      requests: names.map((prompt) => ({ prompt, max_tokens: 8 })),
      concurrency: 1,
      timeoutMs: 10_000,
      ...extra,
    });
  } finally {
    await server.close();
  }
}

function assertOk(record: RequestRecord): void {
  assert.equal(record.success, true, JSON.stringify(record.error));
}

Deno.test("collect() ignores SSE messages after [DONE], keeps the timing of [DONE] and notes them", async () => {
  const { requests: [before, record, after] } = await run(["ok", "after-done", "ok"]);
  assertOk(before);
  assertOk(record);
  assertOk(after);
  assert.equal(record.chunk_times_ms.length, 2);
  assert.equal(record.itl_ms.length, 1);
  assert.equal(record.completion_tokens, 2);
  assert.equal(record.output_chars, 2);
  assert.ok(record.e2e_ms !== null && record.e2e_ms >= record.chunk_times_ms[1]);
  assert.deepEqual(record.stream_notes, [
    "the server sent 2 SSE message(s) after data: [DONE]; ignored",
  ]);
  assert.equal(before.stream_notes, undefined);
});

Deno.test("collect() keeps a request that finished with [DONE] a success despite a later error event", async () => {
  const { requests: [record] } = await run(["error-after-done"]);
  assertOk(record);
  assert.equal(record.error, null);
  assert.equal(record.chunk_times_ms.length, 2);
  assert.deepEqual(record.stream_notes, [
    "the server sent 1 SSE message(s) after data: [DONE]; ignored",
  ]);
});

Deno.test("collect() ends a request at [DONE] and closes the connection when the server keeps it open", async () => {
  keptOpenClosedByClient = false;
  const { requests: [record, next] } = await run(["kept-open", "ok"], { timeoutMs: 5_000 });
  assertOk(record);
  assertOk(next);
  assert.equal(record.completion_tokens, 2);
  assert.ok(record.e2e_ms !== null);
  assert.equal(keptOpenClosedByClient, true);
  assert.equal(record.stream_notes?.length, 1);
  assert.match(record.stream_notes[0], /kept the connection open after data: \[DONE\]/);
});

Deno.test("collect() treats timeoutMs as a total deadline: a server trickling bytes cannot hold a request past it", async () => {
  const { requests: [record, next] } = await run(["trickle", "ok"], { timeoutMs: 500 });
  assert.equal(record.success, false);
  assert.equal(record.error?.kind, "timeout");
  assert.match(record.error?.message ?? "", /had not ended after 500 ms \(timeoutMs, the total/);
  assert.equal(record.e2e_ms, null);
  assertOk(next);
});

Deno.test("collect() fails a stream silent for longer than idleTimeoutMs, well within timeoutMs", async () => {
  const { requests: [paused] } = await run(["pause"], { timeoutMs: 10_000, idleTimeoutMs: 150 });
  assert.equal(paused.error?.kind, "timeout");
  assert.match(paused.error?.message ?? "", /stream stalled for \d+ ms \(idleTimeoutMs 150 ms\)/);
  const { requests: [patient] } = await run(["pause"], { idleTimeoutMs: 5_000 });
  assertOk(patient);
});

Deno.test("collect() fails an SSE event larger than maxEventChars as event_too_large, never as a success", async () => {
  const { requests: [before, huge, after] } = await run(["ok", "huge-event", "ok"], {
    maxEventChars: 1024 * 1024,
  });
  assertOk(before);
  assert.equal(huge.success, false);
  assert.equal(huge.error?.kind, "event_too_large");
  assert.match(huge.error?.message ?? "", /maxEventChars \(1048576 characters/);
  assertOk(after);
  const { requests: [allowed] } = await run(["huge-event"], { maxEventChars: 4 * 1024 * 1024 });
  assertOk(allowed);
  assert.equal(allowed.output_chars, 2_000_000);
});

Deno.test("collect() rejects a bad idleTimeoutMs or maxEventChars before sending anything", async () => {
  const base = { url: "http://127.0.0.1:9", model: "m", requests: [{ prompt: "x" }] };
  await assert.rejects(collect({ ...base, idleTimeoutMs: 0 }), /option idleTimeoutMs must be > 0/);
  await assert.rejects(
    collect({ ...base, maxEventChars: 1.5 }),
    /option maxEventChars must be an integer, got 1.5/,
  );
});
