/**
 * Conversations played by `collect` against the simulator, through a recording proxy that keeps
 * every chat body the server received.
 */
import assert from "node:assert/strict";
import { collect } from "../collect/collect.ts";
import { startSimulator } from "../sim/mod.ts";
import type { ChatMessage, RequestRecord } from "../types.ts";
import { type ConversationScript, conversationsDataset } from "./conversations.ts";

interface Exchange {
  /** `X-Request-Id` of the request. */
  requestId: string;
  /** The messages the server received. */
  messages: ChatMessage[];
  /** The content the server streamed back. */
  answer: string;
}

/** The `delta.content` pieces of a chat SSE body, joined. */
function streamedContent(sse: string): string {
  let text = "";
  for (const line of sse.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const choices = JSON.parse(line.slice(6)).choices ?? [];
    for (const choice of choices) text += choice.delta?.content ?? "";
  }
  return text;
}

/**
 * A proxy on 127.0.0.1:0 in front of `target` that records every chat exchange it forwards
 * (responses are buffered: this is for checking bodies, not timing).
 */
function recordingProxy(target: string) {
  const exchanges: Exchange[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = req.method === "GET" ? undefined : await req.text();
    const path = new URL(req.url).pathname;
    const response = await fetch(target + path, { method: req.method, headers: req.headers, body });
    const text = await response.text();
    if (path === "/v1/chat/completions") {
      exchanges.push({
        requestId: req.headers.get("x-request-id") ?? "",
        messages: JSON.parse(body!).messages,
        answer: streamedContent(text),
      });
    }
    return new Response(text, { status: response.status, headers: response.headers });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, exchanges, close: () => server.shutdown() };
}

/** The records of each conversation, by turn. */
function byConversation(records: RequestRecord[]): Map<string, RequestRecord[]> {
  const groups = new Map<string, RequestRecord[]>();
  for (const r of records) {
    const list = groups.get(r.conversation_id!) ?? [];
    list.push(r);
    groups.set(r.conversation_id!, list);
  }
  for (const list of groups.values()) list.sort((a, b) => a.turn! - b.turn!);
  return groups;
}

const threeTurns = (id: string): ConversationScript => ({
  id,
  turns: [1, 2, 3].map((t) => ({ content: `${id} question ${t}`, max_tokens: 6 })),
});

Deno.test("collect() sends each turn with the model's actual previous answers in its history", async () => {
  const sim = await startSimulator({ port: 0 });
  const proxy = recordingProxy(sim.url);
  try {
    const run = await collect({
      url: proxy.url,
      requests: conversationsDataset([threeTurns("a"), threeTurns("b")], { thinkTimeMs: 5 }),
      concurrency: 2,
    });
    assert.equal(run.requests.length, 6);
    assert.ok(run.requests.every((r) => r.success));
    assert.equal(run.meta.dataset?.name, "conversations");
    const groups = byConversation(run.requests);
    assert.deepEqual([...groups.keys()].sort(), ["a", "b"]);
    for (const [id, turns] of groups) {
      assert.deepEqual(turns.map((r) => r.turn), [1, 2, 3]);
      const sent = turns.map((r) => proxy.exchanges.find((e) => e.requestId === r.request_id)!);
      // Turn k+1 is turn k's messages, the answer the server streamed to turn k, the next question.
      assert.deepEqual(sent[0].messages, [{ role: "user", content: `${id} question 1` }]);
      for (let k = 1; k < sent.length; k++) {
        assert.deepEqual(sent[k].messages, [
          ...sent[k - 1].messages,
          { role: "assistant", content: sent[k - 1].answer },
          { role: "user", content: `${id} question ${k + 1}` },
        ]);
        assert.ok(sent[k - 1].answer.length > 0);
      }
      // Each turn went after the previous one's answer had arrived.
      for (let k = 1; k < turns.length; k++) {
        assert.ok(turns[k].start_ms >= turns[k - 1].start_ms + turns[k - 1].e2e_ms!);
      }
    }
    assert.ok(!("answer" in run.requests[0]), "the answer text is not stored in the record");
  } finally {
    await proxy.close();
    await sim.close();
  }
});

Deno.test("collect() sends other conversations' turns while one waits out its think time", async () => {
  const sim = await startSimulator({ port: 0 });
  try {
    const scripts: ConversationScript[] = [
      { id: "a", turns: [{ content: "a1", max_tokens: 2 }, { content: "a2", max_tokens: 2 }] },
      { id: "b", turns: [{ content: "b1", max_tokens: 2 }] },
      { id: "c", turns: [{ content: "c1", max_tokens: 2 }] },
    ];
    const order = async (thinkTimeMs: number) => {
      const run = await collect({
        url: sim.url,
        requests: conversationsDataset(scripts, { thinkTimeMs }),
        concurrency: 1,
      });
      return run.requests.map((r) => `${r.conversation_id}${r.turn}`);
    };
    // No think time: a's second turn is ready as soon as a1's answer is in, and goes next.
    assert.deepEqual(await order(0), ["a1", "b1", "a2", "c1"]);
    // A think time: a2 waits while b and c go.
    assert.deepEqual(await order(1_000), ["a1", "b1", "c1", "a2"]);
  } finally {
    await sim.close();
  }
});

Deno.test("collect() ends conversations cleanly at its count and when a turn fails", async () => {
  const sim = await startSimulator({ port: 0, maxModelLen: 64 });
  try {
    // Endless conversations, cut by count while turns wait out a long think time.
    const endless = {
      *[Symbol.iterator]() {
        for (let i = 0;; i++) yield threeTurns(`c${i}`);
      },
    };
    const counted = await collect({
      url: sim.url,
      requests: conversationsDataset(endless, { thinkTimeMs: 60_000 }),
      concurrency: 2,
      count: 3,
    });
    assert.deepEqual(counted.requests.map((r) => r.turn), [1, 1, 1]);
    // 20-token messages and 8-token answers: turn 3's history (76 tokens) is longer than
    // max_model_len 64 and fails; that conversation ends there, the failure recorded.
    const long: ConversationScript = {
      id: "long",
      turns: [1, 2, 3, 4].map(() => ({ content: "word ".repeat(16), max_tokens: 8 })),
    };
    const failed = await collect({
      url: sim.url,
      requests: conversationsDataset([long], { params: { ignore_eos: true } }),
    });
    assert.deepEqual(failed.requests.map((r) => [r.turn, r.success]), [
      [1, true],
      [2, true],
      [3, false],
    ]);
    assert.equal(failed.requests[2].error?.kind, "http_error");
  } finally {
    await sim.close();
  }
});

Deno.test("collect() ends at its duration or when stopped while every conversation waits out its think time", async () => {
  const sim = await startSimulator({ port: 0 });
  try {
    // An hour of think time: a run that waited for a follow-up turn would never end.
    const requests = () =>
      conversationsDataset([threeTurns("a"), threeTurns("b")], { thinkTimeMs: 3_600_000 });
    const timed = await collect({ url: sim.url, requests: requests(), durationS: 0.5 });
    assert.deepEqual(timed.requests.map((r) => r.turn), [1, 1]);
    assert.equal(timed.meta.interrupted, false);
    const stop = new AbortController();
    const stopped = await collect({
      url: sim.url,
      requests: requests(),
      concurrency: 1,
      signal: stop.signal,
      onRecord: (record) => record.conversation_id === "b" && stop.abort(),
    });
    assert.deepEqual(stopped.requests.map((r) => `${r.conversation_id}${r.turn}`), ["a1", "b1"]);
    assert.equal(stopped.meta.interrupted, true);
  } finally {
    await sim.close();
  }
});
