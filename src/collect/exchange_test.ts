import assert from "node:assert/strict";
import { Agent } from "../deps/undici.ts";
import { nowMs } from "../util/clock.ts";
import { type BodyReader, exchange, type ExchangeRequest } from "./exchange.ts";
import { type RawHandler, startLoopbackServer } from "./_loopback_server.ts";

/** Runs `body` against a loopback server answering with `handler`, with a fresh pool. */
async function withServer(
  handler: RawHandler,
  body: (request: (signal?: AbortSignal) => ExchangeRequest, agent: Agent) => Promise<void>,
): Promise<void> {
  const server = await startLoopbackServer(handler);
  const agent = new Agent({ connections: 1 });
  const request = (signal = new AbortController().signal): ExchangeRequest => ({
    origin: server.url,
    path: "/v1/completions",
    headers: { "x-request-id": "r1" },
    body: '{"prompt":"hi"}',
    signal,
  });
  try {
    await body(request, agent);
  } finally {
    await agent.destroy();
    await server.close();
  }
}

/** A reader that keeps each piece as text with its arrival time. */
function recorder(): BodyReader & { pieces: [string, number][]; ended: boolean } {
  const decoder = new TextDecoder();
  return {
    pieces: [],
    ended: false,
    data(piece, atMs) {
      this.pieces.push([decoder.decode(piece), atMs]);
    },
    end() {
      this.ended = true;
    },
  };
}

Deno.test("exchange() sends the request and hands each body piece over with its arrival time", async () => {
  await withServer(async (req, res) => {
    assert.equal(req.method, "POST");
    assert.equal(req.headers["x-request-id"], "r1");
    assert.equal(req.body, '{"prompt":"hi"}');
    await res.head(200, { "content-type": "text/event-stream" });
    await res.chunk("data: 1\n\n");
    await new Promise((resolve) => setTimeout(resolve, 30));
    await res.chunk("data: 2\n\n");
    await res.end();
  }, async (request, agent) => {
    const reader = recorder();
    let status = 0;
    let headersAtMs = 0;
    const before = nowMs();
    await exchange(agent, request(), (head) => {
      status = head.statusCode;
      headersAtMs = head.atMs;
      assert.equal(head.headers["content-type"], "text/event-stream");
      return reader;
    });
    assert.equal(status, 200);
    assert.deepEqual(reader.pieces.map(([text]) => text), ["data: 1\n\n", "data: 2\n\n"]);
    assert.equal(reader.ended, true);
    const [[, first], [, second]] = reader.pieces;
    assert.ok(before <= headersAtMs && headersAtMs <= first);
    assert.ok(second - first >= 25, `the pause between pieces shows in their times`);
  });
});

Deno.test("exchange() fails with what the reader threw, and drops the connection", async () => {
  let closed: Promise<void> = Promise.resolve();
  await withServer(async (_req, res) => {
    closed = res.closedPromise;
    await res.head(200);
    await res.chunk("too much");
    await res.closedPromise; // never ends on its own
  }, async (request, agent) => {
    const thrown = new Error("the reader gave up");
    await assert.rejects(
      exchange(agent, request(), () => ({
        data() {
          throw thrown;
        },
        end() {},
      })),
      (err) => err === thrown,
    );
    await closed; // the server saw the client close
  });
});

Deno.test("exchange() closed by the reader resolves and closes the connection", async () => {
  let closed: Promise<void> = Promise.resolve();
  await withServer(async (_req, res) => {
    closed = res.closedPromise;
    await res.head(200);
    await res.chunk("data: [DONE]\n\n");
    await res.closedPromise; // keeps the connection open
  }, async (request, agent) => {
    await exchange(agent, request(), (_head, control) => ({
      data: () => control.close(),
      end() {},
    }));
    await closed;
  });
});

Deno.test("exchange() aborted by its signal rejects with the signal's reason, queued or reading", async () => {
  await withServer(async (_req, res) => {
    await res.head(200);
    await res.chunk("data: 1\n\n");
    await res.closedPromise;
  }, async (request, agent) => {
    const already = new AbortController();
    already.abort(new Error("aborted before the start"));
    await assert.rejects(exchange(agent, request(already.signal), recorder), /before the start/);

    const reading = new AbortController();
    const reader = recorder();
    const done = exchange(agent, request(reading.signal), () => {
      setTimeout(() => reading.abort(new Error("stalled")), 20);
      return reader;
    });
    await assert.rejects(done, /stalled/);
    assert.equal(reader.pieces.length, 1);
  });
});

Deno.test("exchange() rejects with undici's socket error when the server resets mid-body", async () => {
  await withServer(async (_req, res) => {
    await res.head(200);
    await res.chunk("data: 1\n\n");
    res.destroy();
  }, async (request, agent) => {
    await assert.rejects(
      exchange(agent, request(), recorder),
      (err: Error & { code?: string }) => err.code === "UND_ERR_SOCKET",
    );
  });
});
