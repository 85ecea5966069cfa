import assert from "node:assert/strict";
import type { ErrorKind, RequestRecord, RequestSpec, Run } from "../types.ts";
import { collect } from "./collect.ts";
import type { CollectOptions } from "./options.ts";
import {
  delay,
  type LoopbackServer,
  type RawRequest,
  type RawResponse,
  scenarioOf,
  sse,
  startLoopbackServer,
  writeChatStream,
} from "./_loopback_server.ts";

const API_KEY = "sk-test-very-secret-4242";
/** Bytes the "too-large" scenario managed to send before the client hung up. */
let tooLargeSentBytes = 0;
const encoder = new TextEncoder();

/** Answers by scenario name (the prompt). Unknown names get a normal 3-chunk chat stream. */
async function scenarios(request: RawRequest, response: RawResponse): Promise<void> {
  if (request.path === "/v1/models") {
    await response.json(200, { object: "list", data: [{ id: "test-model", object: "model" }] });
    return;
  }
  const name = scenarioOf(request);
  const id = `chatcmpl-${request.headers["x-request-id"]}`;
  const base = { id, object: "chat.completion.chunk", created: 1, model: "test-model" };
  const content = (text: string) =>
    sse({ ...base, choices: [{ index: 0, delta: { content: text } }] });
  switch (name) {
    case "http400":
      await response.json(400, {
        error: {
          message: "This model's maximum context length is 16 tokens.",
          type: "BadRequestError",
          param: "messages",
          code: 400,
        },
      });
      return;
    case "http404":
      await response.json(404, {
        error: {
          message: "The model `nope` does not exist.",
          type: "NotFoundError",
          param: "model",
          code: 404,
        },
      });
      return;
    case "http500-flat":
      await response.json(500, {
        object: "error",
        message: "Internal server error",
        type: "InternalServerError",
        param: null,
        code: 500,
      });
      return;
    case "http401":
      await response.json(401, { error: "Unauthorized" });
      return;
    case "http401-echo":
      // A hostile/buggy server that echoes the credentials back.
      await response.json(401, {
        error: { message: `bad header ${request.headers.authorization}`, type: "AuthError" },
      });
      return;
    case "reset": {
      await response.head(200);
      await response.chunk(content("partial"));
      await delay(20);
      response.destroy();
      return;
    }
    case "stall":
      await response.head(200);
      await response.chunk(content("then nothing"));
      await response.closedPromise;
      return;
    case "no-headers":
      await response.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n");
      await response.closedPromise;
      return;
    case "too-large": {
      await response.head(200);
      const big = content("x".repeat(64 * 1024));
      tooLargeSentBytes = 0;
      while (tooLargeSentBytes < 64 * 1024 * 1024 && !response.closed) {
        await response.chunk(big);
        tooLargeSentBytes += big.length;
        await delay(0); // let the event loop see the client hang up
      }
      if (!response.closed) await response.end();
      return;
    }
    case "utf8": {
      await response.head(200);
      const text = encoder.encode(content("é€🎉"));
      // Split inside every multibyte character, one byte per write.
      for (let i = 0; i < text.length; i++) await response.chunk(text.subarray(i, i + 1));
      await response.chunk(
        new Uint8Array([
          ...encoder.encode('data: {"choices":[{"delta":{"content":"a'),
          0xff,
          ...encoder.encode('b"}}]}\n\n'),
        ]),
      );
      await response.chunk(
        sse({ ...base, choices: [], usage: { prompt_tokens: 2, completion_tokens: 4 } }),
      );
      await response.chunk(sse("[DONE]"));
      await response.end();
      return;
    }
    case "malformed-json":
      await response.head(200);
      await response.chunk(content("ok"));
      await response.chunk("data: {not json}\n\n");
      await response.chunk(sse("[DONE]"));
      await response.end();
      return;
    case "malformed-line":
      await response.head(200);
      await response.chunk(content("ok"));
      await response.chunk("this is not sse\n\n");
      await response.chunk(sse("[DONE]"));
      await response.end();
      return;
    case "comments":
      await response.head(200);
      await response.chunk(": keep-alive\n\n");
      await response.chunk(content("a"));
      await response.chunk(":ping\r\n\r\n");
      await response.chunk(content("b"));
      await response.chunk(
        sse({ ...base, choices: [], usage: { prompt_tokens: 2, completion_tokens: 2 } }),
      );
      await response.chunk(sse("[DONE]"));
      await response.end();
      return;
    case "no-done":
      await response.head(200);
      await response.chunk(content("a"));
      await response.chunk(content("b"));
      await response.end();
      return;
    case "error-event":
      await response.head(200);
      await response.chunk(content("a"));
      await response.chunk(
        sse({
          error: {
            message: "Internal server error",
            type: "InternalServerError",
            param: null,
            code: 500,
          },
        }),
      );
      await response.chunk(sse("[DONE]"));
      await response.end();
      return;
    case "non-stream":
      await response.json(200, {
        id,
        object: "chat.completion",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "Hello there" },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      });
      return;
    default:
      await writeChatStream(response, id, ["Hel", "lo", " world"], { gapMs: 2 });
  }
}

async function withServer<T>(
  handler: typeof scenarios,
  fn: (server: LoopbackServer) => Promise<T>,
): Promise<T> {
  const server = await startLoopbackServer(handler);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

const specs = (...names: string[]): RequestSpec[] =>
  names.map((prompt) => ({ prompt, max_tokens: 8 }));

async function runScenarios(names: string[], extra: Partial<CollectOptions> = {}): Promise<Run> {
  return await withServer(
    scenarios,
    (server) =>
      collect({
        url: server.url,
        requests: specs(...names),
        concurrency: 2,
        timeoutMs: 2000,
        ...extra,
      }),
  );
}

function assertOk(record: RequestRecord): void {
  assert.equal(record.success, true, JSON.stringify(record.error));
  assert.equal(record.error, null);
}

function assertFailed(record: RequestRecord, kind: ErrorKind): void {
  assert.equal(record.success, false, `expected ${kind}`);
  assert.equal(record.error?.kind, kind, JSON.stringify(record.error));
  assert.ok((record.error?.message.length ?? 0) > 0);
}

// ---------------------------------------------------------------------------------------------

Deno.test("collect() measures a normal chat stream and fills every record field", async () => {
  const run = await runScenarios(["hello", "world"], {
    label: "t",
    extra: { k: 1 },
    runId: "abc123def456",
  });
  assert.equal(run.requests.length, 2);
  for (const [i, r] of run.requests.entries()) {
    assertOk(r);
    assert.equal(r.index, i);
    assert.equal(r.run_id, "abc123def456");
    assert.match(r.request_id, new RegExp(`^vm-[0-9a-f]{16}-${i}$`));
    assert.match(r.trace_id, /^[0-9a-f]{32}$/);
    assert.match(r.span_id, /^[0-9a-f]{16}$/);
    assert.equal(r.response_id, `chatcmpl-${r.request_id}`);
    assert.equal(r.model, "test-model");
    assert.equal(r.endpoint, "chat");
    assert.equal(r.stream, true);
    assert.equal(r.chunk_times_ms.length, 3);
    assert.equal(r.itl_ms.length, 2);
    assert.equal(r.ttft_ms, r.chunk_times_ms[0]);
    assert.ok(r.headers_ms !== null && r.ttft_ms !== null && r.e2e_ms !== null);
    assert.ok(r.headers_ms <= r.ttft_ms && r.ttft_ms <= r.e2e_ms);
    assert.ok(r.first_chunk_ms !== null && r.first_chunk_ms <= r.ttft_ms);
    assert.ok(r.last_chunk_ms !== null && r.last_chunk_ms <= r.e2e_ms);
    assert.equal(r.completion_tokens, 3);
    assert.equal(r.prompt_tokens, 5);
    assert.equal(r.token_source, "usage");
    assert.equal(r.tpot_ms, (r.e2e_ms - r.ttft_ms) / 2);
    assert.equal(r.finish_reason, "stop");
    assert.equal(r.output_chars, "Hello world".length);
    assert.equal(r.span_status, "not_enriched");
    assert.deepEqual(r.server_spans, []);
    assert.equal(r.server_ttft_ms, null);
    assert.equal(r.lateness_ms, r.start_ms - r.scheduled_ms);
    assert.deepEqual(r.params, {
      model: "test-model",
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
  }
  assert.notEqual(run.requests[0].trace_id, run.requests[1].trace_id);
  const m = run.meta;
  assert.equal(m.schema_version, 1);
  assert.equal(m.label, "t");
  assert.equal(m.model, "test-model");
  assert.deepEqual(m.extra, { k: 1 });
  assert.equal(m.client.tool, "vllm-metrics");
  assert.equal(m.client.runtime, `deno ${Deno.version.deno}`);
  assert.ok(m.ended_ms >= m.started_ms && m.duration_ms === m.ended_ms - m.started_ms);
  assert.equal(m.interrupted, false);
  assert.equal(m.trace_source, null);
  assert.equal(m.prometheus, null);
  assert.deepEqual(m.load, { burstiness: 1, warmup: 0, seed: 0, concurrency: 2 });
  assert.ok(!Number.isNaN(Date.parse(m.created_at)));
});

Deno.test("collect() sends a fresh traceparent and the X-Request-Id on every request", async () => {
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url + "/v1/",
      model: "m",
      requests: specs("a", "b", "c"),
      requestIdPrefix: "p-",
      sampled: false,
    });
    const posts = server.requests.filter((r) => r.method === "POST");
    assert.equal(posts.length, 3);
    for (const post of posts) {
      assert.equal(post.path, "/v1/chat/completions");
      const record = run.requests.find((r) => r.request_id === post.headers["x-request-id"]);
      assert.ok(record, post.headers["x-request-id"]);
      assert.equal(post.headers.traceparent, `00-${record.trace_id}-${record.span_id}-00`);
      assert.equal(record.span_status, "unsampled");
      assert.equal(record.sampled, false);
    }
    const [first, ...rest] = run.requests.map((r) => r.request_id);
    const random = /^p-([0-9a-f]{16})-0$/.exec(first)?.[1];
    assert.ok(random, first);
    assert.deepEqual(rest, [`p-${random}-1`, `p-${random}-2`]);
  });
});

const FAILURES: Array<[string, ErrorKind]> = [
  ["http400", "http_error"],
  ["http404", "http_error"],
  ["http500-flat", "http_error"],
  ["http401", "http_error"],
  ["reset", "connection_reset"],
  ["stall", "timeout"],
  ["no-headers", "timeout"],
  ["malformed-json", "malformed_stream"],
  ["malformed-line", "malformed_stream"],
  ["no-done", "incomplete_stream"],
  ["error-event", "stream_error"],
];

for (const [scenario, kind] of FAILURES) {
  Deno.test(`collect() records "${scenario}" as ${kind} while the other requests of the run succeed`, async () => {
    const run = await runScenarios(["before", scenario, "after"], {
      timeoutMs: kind === "timeout" ? 500 : 10_000,
    });
    assert.equal(run.requests.length, 3);
    assertOk(run.requests[0]);
    assertFailed(run.requests[1], kind);
    assertOk(run.requests[2]);
    assert.equal(run.requests[1].e2e_ms, null);
    assert.equal(run.requests[1].tpot_ms, null);
  });
}

Deno.test("collect() says in the idle timeout message whether headers never came or the stream stalled", async () => {
  const run = await runScenarios(["stall", "no-headers"], {
    timeoutMs: 10_000,
    idleTimeoutMs: 200,
  });
  assertFailed(run.requests[0], "timeout");
  assert.match(run.requests[0].error?.message ?? "", /stream stalled/);
  assert.notEqual(run.requests[0].headers_ms, null);
  assertFailed(run.requests[1], "timeout");
  assert.match(run.requests[1].error?.message ?? "", /no response headers/);
  assert.equal(run.requests[1].headers_ms, null);
});

Deno.test("collect() gives SSE messages that arrive in one body piece the same timestamp", async () => {
  await withServer(async (_request, response) => {
    const chunk = (text: string) =>
      sse({ id: "c", choices: [{ index: 0, delta: { content: text } }] });
    await response.head(200);
    await response.chunk(chunk("a") + chunk("b") + chunk("c"));
    await response.chunk(
      sse({ id: "c", choices: [], usage: { prompt_tokens: 1, completion_tokens: 3 } }) +
        sse("[DONE]"),
    );
    await response.end();
  }, async (server) => {
    const run = await collect({ url: server.url, model: "m", requests: specs("x") });
    const r = run.requests[0];
    assertOk(r);
    assert.equal(r.chunk_times_ms.length, 3);
    assert.deepEqual(r.itl_ms, [0, 0]);
    assert.equal(r.chunk_times_ms[0], r.ttft_ms);
  });
});

Deno.test("collect() keeps vLLM's error fields from the nested and the flat error shapes", async () => {
  const run = await runScenarios(["http400", "http404", "http500-flat", "http401"]);
  const [e400, e404, e500, e401] = run.requests.map((r) => r.error);
  assert.equal(e400?.status, 400);
  assert.equal(e400?.type, "BadRequestError");
  assert.equal(e400?.param, "messages");
  assert.match(e400?.message ?? "", /maximum context length/);
  assert.equal(e404?.status, 404);
  assert.equal(e404?.type, "NotFoundError");
  assert.equal(e404?.param, "model");
  assert.equal(e500?.status, 500);
  assert.equal(e500?.type, "InternalServerError");
  assert.equal(e500?.param, null);
  assert.equal(e401?.status, 401);
  assert.match(e401?.message ?? "", /Unauthorized/);
});

Deno.test("collect() records a mid-stream error event with its type and keeps the chunks before it", async () => {
  const run = await runScenarios(["error-event"]);
  const r = run.requests[0];
  assertFailed(r, "stream_error");
  assert.equal(r.error?.type, "InternalServerError");
  assert.equal(r.error?.status, 500);
  assert.equal(r.chunk_times_ms.length, 1);
  assert.notEqual(r.ttft_ms, null);
});

Deno.test("collect() decodes multibyte characters split across pieces and invalid UTF-8 without failing", async () => {
  const run = await runScenarios(["utf8"]);
  const r = run.requests[0];
  assertOk(r);
  assert.equal(r.chunk_times_ms.length, 2);
  // "é€🎉" is 4 UTF-16 units; "a\uFFFDb" is 3.
  assert.equal(r.output_chars, 7);
  assert.equal(r.completion_tokens, 4);
});

Deno.test("collect() ignores SSE comment lines", async () => {
  const run = await runScenarios(["comments"]);
  assertOk(run.requests[0]);
  assert.equal(run.requests[0].chunk_times_ms.length, 2);
});

Deno.test("collect() drops a response larger than maxResponseBytes, keeping memory bounded", async () => {
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: specs("before", "too-large", "after"),
      concurrency: 1,
      maxResponseBytes: 1024 * 1024,
    });
    assertOk(run.requests[0]);
    assertFailed(run.requests[1], "response_too_large");
    assertOk(run.requests[2]);
    // The client hung up long before the server's 64 MiB were sent (socket buffers hold a few MiB).
    assert.ok(tooLargeSentBytes < 32 * 1024 * 1024, `server sent ${tooLargeSentBytes} bytes`);
    assert.equal(server.requests.length, 3);
  });
});

Deno.test("collect() records connection_refused for every request when the server is down, and completes", async () => {
  const server = await startLoopbackServer(scenarios);
  const url = server.url;
  await server.close();
  const run = await collect({ url, model: "m", requests: specs("a", "b"), concurrency: 2 });
  assert.equal(run.requests.length, 2);
  for (const r of run.requests) {
    assertFailed(r, "connection_refused");
    assert.equal(r.headers_ms, null);
    assert.equal(r.token_source, "none");
  }
});

Deno.test("collect() with model auto and an unreachable server throws a clear error", async () => {
  const server = await startLoopbackServer(scenarios);
  const url = server.url;
  await server.close();
  await assert.rejects(() => collect({ url, requests: specs("a") }), /model "auto".*\/v1\/models/);
});

Deno.test("collect() with model auto and a server without models throws a clear error before sending", async () => {
  await withServer(async (request, response) => {
    if (request.path === "/v1/models") await response.json(200, { object: "list", data: [] });
    else await scenarios(request, response);
  }, async (server) => {
    await assert.rejects(
      () => collect({ url: server.url, requests: specs("a") }),
      /lists no models/,
    );
    assert.equal(server.requests.filter((r) => r.method === "POST").length, 0);
  });
});

Deno.test("collect() handles non-streaming responses without faking a TTFT", async () => {
  const run = await runScenarios(["non-stream"], { stream: false });
  const r = run.requests[0];
  assertOk(r);
  assert.equal(r.stream, false);
  assert.equal(r.ttft_ms, null);
  assert.equal(r.tpot_ms, null);
  assert.notEqual(r.e2e_ms, null);
  assert.deepEqual(r.chunk_times_ms, []);
  assert.equal(r.completion_tokens, 2);
  assert.equal(r.token_source, "usage");
  assert.equal(r.output_chars, "Hello there".length);
  assert.equal(r.params.stream, false);
  assert.equal(r.params.stream_options, undefined);
});

Deno.test("collect() sends completions requests to /v1/completions and measures them", async () => {
  await withServer(async (request, response) => {
    assert.equal(request.path, "/v1/completions");
    const body = JSON.parse(request.body);
    assert.equal(body.prompt, "p");
    await response.head(200);
    const base = { id: "cmpl-1", object: "text_completion", model: "m" };
    await response.chunk(
      sse({ ...base, choices: [{ index: 0, text: "ab", finish_reason: null }] }),
    );
    await delay(3);
    await response.chunk(
      sse({ ...base, choices: [{ index: 0, text: "cd", finish_reason: "length" }] }),
    );
    await response.chunk(
      sse({ ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }),
    );
    await response.chunk(sse("[DONE]"));
    await response.end();
  }, async (server) => {
    const run = await collect({
      url: server.url,
      endpoint: "completions",
      model: "m",
      requests: [{ prompt: "p" }],
    });
    const r = run.requests[0];
    assertOk(r);
    assert.equal(r.response_id, "cmpl-1");
    assert.equal(r.chunk_times_ms.length, 2);
    assert.equal(r.finish_reason, "length");
    assert.equal(run.meta.endpoint, "completions");
  });
});

Deno.test("collect() never exceeds the concurrency limit", async () => {
  await withServer(scenarios, async (server) => {
    let maxClientInFlight = 0;
    const run = await collect({
      url: server.url,
      model: "m",
      requests: specs(...Array.from({ length: 12 }, (_, i) => `r${i}`)),
      concurrency: 3,
      onProgress: (p) => (maxClientInFlight = Math.max(maxClientInFlight, p.in_flight)),
    });
    assert.equal(run.requests.length, 12);
    run.requests.forEach(assertOk);
    assert.ok(server.maxInFlight <= 3, `server saw ${server.maxInFlight} at once`);
    assert.ok(maxClientInFlight <= 3);
    assert.ok(server.maxInFlight >= 2, "requests did overlap");
  });
});

Deno.test("collect() open loop with a rate schedules in order and caps concurrency when asked", async () => {
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: specs(...Array.from({ length: 8 }, (_, i) => `r${i}`)),
      rate: 200,
      burstiness: 0.5,
      seed: 3,
      concurrency: 2,
    });
    assert.equal(run.requests.length, 8);
    run.requests.forEach(assertOk);
    for (let i = 1; i < run.requests.length; i++) {
      assert.ok(run.requests[i].scheduled_ms >= run.requests[i - 1].scheduled_ms);
    }
    for (const r of run.requests) assert.ok(r.start_ms >= r.scheduled_ms);
    assert.ok(server.maxInFlight <= 2);
    assert.deepEqual(run.meta.load, {
      burstiness: 0.5,
      warmup: 0,
      seed: 3,
      concurrency: 2,
      rate: 200,
    });
  });
});

Deno.test("collect() sends warmup requests first, with warmup ids, and leaves them out of the results", async () => {
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: specs("first", "second"),
      warmup: 2,
      requestIdPrefix: "x-",
    });
    const ids = server.requests.filter((r) => r.method === "POST").map((r) =>
      r.headers["x-request-id"]
    );
    const random = /^x-([0-9a-f]{16})-0$/.exec(run.requests[0].request_id)?.[1];
    assert.ok(random, run.requests[0].request_id);
    assert.deepEqual(ids.slice(0, 2).sort(), [`warmup-x-${random}-0`, `warmup-x-${random}-1`]);
    assert.deepEqual(ids.slice(2), [`x-${random}-0`, `x-${random}-1`]);
    assert.deepEqual(run.requests.map((r) => r.request_id), [`x-${random}-0`, `x-${random}-1`]);
    assert.equal(run.meta.load.warmup, 2);
  });
});

Deno.test("collect() stops at count and consumes a generator lazily", async () => {
  let pulled = 0;
  function* endless(): Generator<RequestSpec> {
    for (;;) {
      pulled++;
      yield { prompt: `g${pulled}` };
    }
  }
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: endless(),
      count: 4,
      concurrency: 2,
    });
    assert.equal(run.requests.length, 4);
    assert.equal(run.meta.load.requests, 4);
    assert.ok(pulled <= 5, `pulled ${pulled}`);
  });
});

Deno.test("collect() accepts async generators of specs", async () => {
  async function* specsAsync(): AsyncGenerator<RequestSpec> {
    for (let i = 0; i < 3; i++) {
      await delay(1);
      yield { prompt: `a${i}`, tag: "async" };
    }
  }
  await withServer(scenarios, async (server) => {
    const run = await collect({ url: server.url, model: "m", requests: specsAsync() });
    assert.equal(run.requests.length, 3);
    assert.ok(run.requests.every((r) => r.tag === "async" && r.success));
  });
});

Deno.test("collect() stops scheduling when durationS has passed and finishes what is in flight", async () => {
  function* endless(): Generator<RequestSpec> {
    for (;;) yield { prompt: "slow" };
  }
  await withServer(async (request, response) => {
    if (scenarioOf(request) === "slow") {
      await writeChatStream(response, "chatcmpl-s", ["a", "b"], { gapMs: 20 });
    }
  }, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: endless(),
      durationS: 0.2,
      concurrency: 2,
    });
    assert.ok(run.requests.length >= 2, `${run.requests.length} requests`);
    run.requests.forEach(assertOk);
    assert.equal(run.meta.interrupted, false);
    assert.equal(run.meta.load.duration_s, 0.2);
  });
});

Deno.test("collect() stops scheduling on signal and lets in-flight requests finish", async () => {
  const controller = new AbortController();
  function* endless(): Generator<RequestSpec> {
    for (;;) yield { prompt: "x" };
  }
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: endless(),
      concurrency: 2,
      signal: controller.signal,
      onRecord: (r) => {
        if (r.index === 3) controller.abort();
      },
    });
    assert.equal(run.meta.interrupted, true);
    assert.ok(run.requests.length >= 4);
    run.requests.forEach(assertOk);
  });
});

Deno.test("collect() aborts in-flight requests on abortSignal; they become kind aborted", async () => {
  const controller = new AbortController();
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: specs("ok", "stall", "stall"),
      concurrency: 3,
      timeoutMs: 60_000,
      abortSignal: controller.signal,
      onRecord: (r) => {
        if (r.index === 0) controller.abort();
      },
    });
    assertOk(run.requests[0]);
    assertFailed(run.requests[1], "aborted");
    assertFailed(run.requests[2], "aborted");
    assert.equal(run.meta.interrupted, true);
  });
});

Deno.test("collect() reports progress while running and once at the end", async () => {
  const seen: Array<{ done: number; failed: number; total: number | null }> = [];
  await runScenarios(["a", "http400", "b"], {
    concurrency: 1,
    onProgress: (p) => seen.push({ done: p.done, failed: p.failed, total: p.total }),
  });
  assert.ok(seen.length >= 1);
  assert.deepEqual(seen[seen.length - 1], { done: 3, failed: 1, total: 3 });
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].done >= seen[i - 1].done);
});

Deno.test("collect() appends each record to the JSONL file as it finishes", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/run.jsonl`;
  try {
    const onDiskAtRecord: boolean[] = [];
    const run = await runScenarios(["a", "http500-flat", "b"], {
      concurrency: 1,
      jsonlPath: path,
      onRecord: (record) => {
        const lines = Deno.readTextFileSync(path).split("\n").filter(Boolean).map((l) =>
          JSON.parse(l)
        );
        onDiskAtRecord.push(
          lines.some((l) => l.type === "request" && l.request_id === record.request_id),
        );
      },
    });
    // Each record's line was already in the file when onRecord saw the record.
    assert.deepEqual(onDiskAtRecord, [true, true, true]);
    const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines[0].type, "meta");
    assert.equal(lines[0].run_id, run.meta.run_id);
    assert.deepEqual(lines.slice(1, -1).map((l) => [l.type, l.index, l.success]), [
      ["request", 0, true],
      ["request", 1, false],
      ["request", 2, true],
    ]);
    assert.equal(lines.at(-1).type, "meta", "the closing meta line gives the end");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collect() never writes the API key into records, errors, meta or the JSONL file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/run.jsonl`;
  try {
    await withServer(scenarios, async (server) => {
      const run = await collect({
        url: server.url,
        requests: specs("ok", "http401-echo", "reset"),
        apiKey: API_KEY,
        jsonlPath: path,
        params: { temperature: 0 },
      });
      const posts = server.requests.filter((r) => r.method === "POST");
      assert.ok(posts.every((p) => p.headers.authorization === `Bearer ${API_KEY}`));
      assertFailed(run.requests[1], "http_error");
      assert.match(run.requests[1].error?.message ?? "", /\[redacted\]/);
      assert.ok(!JSON.stringify(run).includes(API_KEY));
      assert.ok(!(await Deno.readTextFile(path)).includes(API_KEY));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collect() strips credentials from the URL and sends them as Basic auth", async () => {
  await withServer(scenarios, async (server) => {
    const url = server.url.replace("http://", "http://user:pa55word@");
    const run = await collect({ url, model: "m", requests: specs("ok") });
    assert.equal(run.meta.url, server.url);
    assert.equal(server.requests[0].headers.authorization, `Basic ${btoa("user:pa55word")}`);
    assert.ok(!JSON.stringify(run).includes("pa55word"));
  });
});

Deno.test("collect() merges run params, spec params, continuous usage and max_tokens into the body", async () => {
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: [{
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 5,
        params: { top_p: 0.5, seed: 9 },
      }],
      params: { temperature: 0, seed: 1, ignore_eos: true },
      continuousUsage: true,
    });
    const body = JSON.parse(server.requests[0].body);
    assert.deepEqual(body, {
      model: "m",
      temperature: 0,
      seed: 9,
      ignore_eos: true,
      top_p: 0.5,
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
      messages: [{ role: "user", content: "hi" }],
    });
    const { messages: _messages, ...params } = body;
    assert.deepEqual(run.requests[0].params, params);
  });
});

Deno.test("collect() rejects invalid options before sending anything", async () => {
  await withServer(scenarios, async (server) => {
    const ok: CollectOptions = { url: server.url, model: "m", requests: specs("a") };
    const cases: Array<
      [Partial<CollectOptions> | Record<string, unknown>, RegExp, ErrorConstructor]
    > = [
      [{ url: "not a url" }, /option url/, TypeError],
      [{ url: "ftp://x" }, /option url must use http/, TypeError],
      [{ concurrency: 0 }, /option concurrency must be ≥ 1, got 0/, RangeError],
      [{ concurrency: 1.5 }, /option concurrency must be an integer/, RangeError],
      [{ rate: 0 }, /option rate must be > 0, got 0/, RangeError],
      [{ rate: -2 }, /option rate/, RangeError],
      [{ burstiness: 0 }, /option burstiness must be > 0/, RangeError],
      [{ count: -1 }, /option count must be ≥ 0/, RangeError],
      [{ timeoutMs: Number.NaN }, /option timeoutMs must be a number/, TypeError],
      [{ requests: 42 }, /option requests must be an iterable/, TypeError],
      [{ endpoint: "embeddings" }, /option endpoint/, TypeError],
      [
        { requests: [{ max_tokens: 3 }] },
        /requests\[0\] has neither messages nor prompt/,
        TypeError,
      ],
      [{ requests: [{ prompt: "a", max_tokens: 0 }] }, /requests\[0\]\.max_tokens/, RangeError],
      [
        { endpoint: "completions", requests: [{ messages: [{ role: "user", content: "x" }] }] },
        /no prompt/,
        TypeError,
      ],
      [{ shard: { index: 2, count: 2 } }, /option shard/, RangeError],
      [{ stream: false, continuousUsage: true }, /continuousUsage needs stream/, TypeError],
    ];
    for (const [patch, message, type] of cases) {
      await assert.rejects(() => collect({ ...ok, ...patch } as CollectOptions), (err: Error) => {
        assert.ok(err instanceof type, `${JSON.stringify(patch)} → ${err}`);
        assert.match(err.message, message);
        return true;
      });
    }
    assert.equal(server.requests.length, 0);
  });
});

Deno.test("collect() with a shard sends only its share of the specs", async () => {
  await withServer(scenarios, async (server) => {
    const run = await collect({
      url: server.url,
      model: "m",
      requests: specs("s0", "s1", "s2", "s3", "s4"),
      shard: { index: 1, count: 2 },
    });
    assert.deepEqual(server.requests.map(scenarioOf), ["s1", "s3"]);
    assert.equal(run.requests.length, 2);
    assert.deepEqual(run.meta.load.shard, { index: 1, count: 2 });
  });
});

Deno.test("collect() with an unwritable jsonlPath throws before sending anything", async () => {
  await withServer(scenarios, async (server) => {
    await assert.rejects(
      () =>
        collect({
          url: server.url,
          model: "m",
          requests: specs("a"),
          jsonlPath: "/nonexistent-dir/x/run.jsonl",
        }),
      /cannot open jsonlPath "\/nonexistent-dir\/x\/run.jsonl"/,
    );
    assert.equal(server.requests.length, 0);
  });
});

Deno.test("collect() returns an empty run for count 0 and for an empty list", async () => {
  await withServer(scenarios, async (server) => {
    const none = await collect({ url: server.url, model: "m", requests: specs("a"), count: 0 });
    assert.deepEqual(none.requests, []);
    const empty = await collect({ url: server.url, model: "m", requests: [] });
    assert.deepEqual(empty.requests, []);
    assert.equal(server.requests.length, 0);
  });
});

Deno.test("collect() throws after the run when a generator yields an invalid spec later on", async () => {
  function* specsThenBad(): Generator<RequestSpec> {
    yield { prompt: "a" };
    yield { prompt: "b" };
    yield { max_tokens: 3 } as RequestSpec;
  }
  await withServer(scenarios, async (server) => {
    await assert.rejects(
      () => collect({ url: server.url, model: "m", requests: specsThenBad(), concurrency: 1 }),
      /requests\[2\] has neither messages nor prompt/,
    );
    assert.equal(server.requests.length, 2, "the valid requests were sent and finished");
  });
});
