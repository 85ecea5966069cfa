/**
 * collect against a hostile server (a small Deno.serve on 127.0.0.1:0): nothing measured is lost
 * when the JSONL log fails, values no file can hold are replaced with a note, secrets echoed back
 * are redacted, and answers that are not a stream say what they were.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { collect } from "./collect.ts";
import { load } from "../io/load.ts";
import { save } from "../io/save.ts";
import { finiteRun } from "../io/finite.ts";

const KEY = "sk-hostile-secret-1234";

type Handler = (request: Request) => Response | Promise<Response>;

async function withServer(handler: Handler, body: (url: string) => Promise<void>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  try {
    await body(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

/** An SSE answer: each value one `data:` event, then `[DONE]`. */
function sse(events: unknown[]): Response {
  const text = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

/** A chat stream whose continuous usage overflows: chunk_tokens gets −Infinity. */
function overflowingStream(id: string): Response {
  const chunk = (text: string, tokens: number) => ({
    id,
    choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
    usage: { prompt_tokens: 3, completion_tokens: tokens },
  });
  return sse([chunk("a", 1.7e308), chunk("b", -1.7e308), {
    id,
    choices: [{ index: 0, delta: {}, finish_reason: "+cmd|' /C calc'!A0" }],
    usage: { prompt_tokens: 3, completion_tokens: 2 },
  }]);
}

const REQUESTS = Array.from({ length: 6 }, () => ({ prompt: "hi", max_tokens: 4 }));

Deno.test("collect returns the whole run, with a warning, when its JSONL log cannot be written (/dev/full)", async () => {
  await withServer(() => overflowingStream("chatcmpl-1"), async (url) => {
    const run = await collect({
      url,
      model: "m",
      requests: REQUESTS,
      count: 5,
      concurrency: 2,
      jsonlPath: "/dev/full",
    });
    assert.equal(run.requests.length, 5, "every finished request is in the run");
    assert.equal(run.meta.warnings?.length, 1);
    assert.match(run.meta.warnings![0], /JSONL log \/dev\/full is incomplete.*No space left/);
  });
});

Deno.test("collect refuses a JSONL log that already holds another run, before sending anything", async () => {
  const dir = await Deno.makeTempDir();
  let hits = 0;
  try {
    await withServer(() => {
      hits++;
      return overflowingStream("chatcmpl-1");
    }, async (url) => {
      const path = join(dir, "log.jsonl");
      await collect({
        url,
        model: "m",
        requests: REQUESTS,
        count: 2,
        jsonlPath: path,
        runId: "first",
      });
      const sent = hits;
      await assert.rejects(
        collect({ url, model: "m", requests: REQUESTS, count: 2, jsonlPath: path }),
        /log\.jsonl already holds the log of run first/,
      );
      assert.equal(hits, sent, "nothing was sent");
      assert.deepEqual((await load(path)).requests.map((r) => r.index), [0, 1]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collect's JSONL log ends with a closing meta line; cut before it, it loads as interrupted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withServer(() => overflowingStream("chatcmpl-1"), async (url) => {
      const path = join(dir, "log.jsonl");
      const run = await collect({ url, model: "m", requests: REQUESTS, count: 3, jsonlPath: path });
      const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(lines[0].type, "meta");
      assert.equal(lines[0].ended_ms, null, "the first line does not claim an end");
      assert.deepEqual(lines.at(-1), {
        type: "meta",
        ended_ms: run.meta.ended_ms,
        duration_ms: run.meta.duration_ms,
        interrupted: false,
      });
      const whole = await load(path);
      assert.equal(whole.meta.interrupted, false);
      assert.equal(whole.meta.duration_ms, run.meta.duration_ms);

      // What kill -9 leaves: the lines before the closing one.
      const killed = join(dir, "killed.jsonl");
      await Deno.writeTextFile(
        killed,
        lines.slice(0, -1).map((l) => JSON.stringify(l)).join("\n") + "\n",
      );
      const salvaged = await load(killed, { salvage: true });
      assert.equal(salvaged.meta.interrupted, true);
      assert.ok(salvaged.meta.duration_ms > 0, `duration ${salvaged.meta.duration_ms}`);
      assert.ok(salvaged.meta.ended_ms > salvaged.meta.started_ms);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collect stores a non-finite token count from a hostile stream as null with a note, and the run round-trips", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withServer(() => overflowingStream('=HYPERLINK("http://evil")'), async (url) => {
      const run = await collect({
        url,
        model: "@model",
        requests: [{ prompt: "hi", max_tokens: 4, tag: "-tag" }],
        count: 2,
        continuousUsage: true,
      });
      const record = run.requests[0];
      assert.equal(record.chunk_tokens, null);
      assert.match(record.value_notes?.join() ?? "", /chunk_tokens: held -Infinity/);
      assert.deepEqual(finiteRun(run), run, "collect already gives storable values");
      for (const ext of ["json", "jsonl", "csv"]) {
        const path = await save(run, join(dir, `run.${ext}`));
        assert.deepEqual({ ...await load(path) }, run, ext);
      }
      const csv = await Deno.readTextFile(join(dir, "run.csv"));
      assert.ok(csv.includes(`"'=HYPERLINK(""http://evil"")"`), "the response id is neutralised");
      assert.ok(csv.includes(`'+cmd|' /C calc'!A0`), "the finish reason is neutralised");
      assert.ok(csv.includes(",'@model,"), "the model is neutralised");
      assert.ok(csv.includes(",'-tag,"), "the tag is neutralised");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collect redacts the API key from a response id that echoes it", async () => {
  await withServer(() => overflowingStream(`chatcmpl-${KEY}`), async (url) => {
    const run = await collect({ url, model: "m", requests: REQUESTS, count: 1, apiKey: KEY });
    assert.equal(run.requests[0].response_id, "chatcmpl-[redacted]");
  });
});

Deno.test("collect says where a redirect pointed, and what a 200 JSON answer to a stream held", async () => {
  await withServer(() =>
    new Response(null, {
      status: 302,
      headers: { location: "https://elsewhere.example/v1/chat/completions" },
    }), async (url) => {
    const run = await collect({ url, model: "m", requests: REQUESTS, count: 1 });
    assert.deepEqual(run.requests[0].error, {
      kind: "http_error",
      status: 302,
      message: "HTTP 302 redirect to https://elsewhere.example/v1/chat/completions " +
        "(redirects are not followed: give the final URL)",
    });
  });
  await withServer(
    () => Response.json({ error: { message: "streaming is disabled" } }),
    async (url) => {
      const run = await collect({ url, model: "m", requests: REQUESTS, count: 1 });
      assert.equal(run.requests[0].error?.kind, "malformed_stream");
      assert.match(
        run.requests[0].error!.message,
        /^HTTP 200 with content-type application\/json, not text\/event-stream, to a streaming request: streaming is disabled$/,
      );
    },
  );
});

Deno.test("collect with a duration beyond setTimeout's range (3,000,000 s) runs every request", async () => {
  await withServer(() => overflowingStream("chatcmpl-1"), async (url) => {
    const run = await collect({
      url,
      model: "m",
      requests: REQUESTS,
      count: 6,
      concurrency: 1,
      durationS: 3_000_000,
    });
    assert.equal(run.requests.length, 6);
    assert.equal(run.meta.interrupted, false);
  });
});
