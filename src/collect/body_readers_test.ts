import assert from "node:assert/strict";
import { StreamMetricsBuilder } from "../metrics/client.ts";
import { RequestFailure } from "./errors.ts";
import { AFTER_DONE_GRACE_MS, JsonReader, SseReader, TextReader } from "./body_readers.ts";

const START_MS = 1_000;
const bytes = (text: string) => new TextEncoder().encode(text);
const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, text: content }] })}\n\n`;

/** An SseReader on a completions stream, with what it did to the request. */
function reader(maxResponseBytes = 1 << 20) {
  const builder = new StreamMetricsBuilder("completions");
  const seen = { closed: 0, done: 0, activityMs: [] as number[] };
  const sse = new SseReader({
    builder,
    startMs: START_MS,
    maxResponseBytes,
    maxEventChars: 1 << 20,
    onActivity: (atMs) => seen.activityMs.push(atMs),
    onDone: () => seen.done++,
  }, { close: () => seen.closed++ });
  return { sse, builder, seen };
}

Deno.test("SseReader times each chunk by its piece's arrival, and the events of one piece share it", () => {
  const { sse, builder, seen } = reader();
  sse.data(bytes(chunk("a")), START_MS + 10);
  sse.data(bytes(chunk("b") + chunk("c")), START_MS + 25);
  sse.data(bytes("data: [DONE]\n\n"), START_MS + 26);
  sse.end();
  const metrics = builder.finish({ completed: true });
  assert.deepEqual(metrics.chunk_times_ms, [10, 25, 25]);
  assert.equal(metrics.e2e_ms, 26);
  assert.deepEqual(seen.activityMs, [1010, 1025, 1026]);
  assert.equal(seen.done, 1);
  assert.deepEqual(sse.notes, []);
});

Deno.test("SseReader ignores and notes what comes after [DONE], and closes a connection kept open", async () => {
  const { sse, builder, seen } = reader();
  sse.data(bytes(chunk("a") + "data: [DONE]\n\n" + chunk("late")), START_MS + 10);
  sse.data(bytes(chunk("later")), START_MS + 900);
  assert.equal(sse.isDone, true);
  assert.deepEqual(builder.finish({ completed: true }).chunk_times_ms, [10]);
  assert.deepEqual(seen.activityMs, [1010], "nothing after [DONE] counts as activity");
  await new Promise((resolve) => setTimeout(resolve, AFTER_DONE_GRACE_MS + 50));
  assert.equal(seen.closed, 1);
  assert.deepEqual(sse.notes, [
    "the server sent 2 SSE message(s) after data: [DONE]; ignored",
    `the server kept the connection open after data: [DONE]; closed by the client after ${AFTER_DONE_GRACE_MS} ms`,
  ]);
});

Deno.test("SseReader stops the wait after [DONE] when the body ends", async () => {
  const { sse, seen } = reader();
  sse.data(bytes("data: [DONE]\n\n"), START_MS + 5);
  sse.end();
  await new Promise((resolve) => setTimeout(resolve, AFTER_DONE_GRACE_MS + 50));
  assert.equal(seen.closed, 0);
  assert.deepEqual(sse.notes, []);
});

Deno.test("SseReader fails a stream past maxResponseBytes, and a line that is not SSE", () => {
  const small = reader(64).sse;
  small.data(bytes(chunk("a")), START_MS + 1);
  assert.throws(
    () => small.data(bytes(chunk("b".repeat(64))), START_MS + 2),
    (err) => err instanceof RequestFailure && err.requestError.kind === "response_too_large",
  );
  const { sse } = reader();
  assert.throws(
    () => sse.data(bytes("<html>\n"), START_MS + 1),
    (err) => err instanceof RequestFailure && err.requestError.kind === "malformed_stream",
  );
});

Deno.test("SseReader notes a connection that failed after [DONE]", () => {
  const { sse } = reader();
  sse.data(bytes("data: [DONE]\n\n"), START_MS + 5);
  sse.failedAfterDone(new Error("other side closed"));
  sse.stop();
  assert.deepEqual(sse.notes, [
    "the connection failed after data: [DONE]: Error: other side closed",
  ]);
});

Deno.test("JsonReader fails a body past maxBytes and a body that is not JSON", () => {
  const big = new JsonReader(8, START_MS, () => {});
  assert.throws(
    () => big.data(bytes('{"id":"0123456789"}'), START_MS + 1),
    (err) => err instanceof RequestFailure && err.requestError.kind === "response_too_large",
  );
  const html = new JsonReader(1024, START_MS, () => {});
  html.data(bytes("<html>busy</html>"), START_MS + 1);
  assert.throws(
    () => html.end(),
    (err) =>
      err instanceof RequestFailure && err.requestError.kind === "malformed_stream" &&
      /not JSON: "<html>busy<\/html>"/.test(err.message),
  );
});

Deno.test("TextReader keeps a character split across pieces whole", () => {
  const reader = new TextReader(1024, { close: () => assert.fail("under the limit: not closed") });
  const text = bytes("é error");
  reader.data(text.subarray(0, 1));
  reader.data(text.subarray(1));
  assert.equal(reader.text, "é error");
});
