import assert from "node:assert/strict";
import { outputTokensPerSecondPerUser, timeToSecondTokenMs } from "./interactivity.ts";

Deno.test("time to second token is the first chunk gap when chunks carry one token each", () => {
  const record = { chunk_times_ms: [40, 52, 60], chunk_tokens: null, completion_tokens: 3 };
  assert.equal(timeToSecondTokenMs(record), 12);
});

Deno.test("time to second token follows per-chunk token counts when the server gave them", () => {
  // an empty first chunk, then one token, then two: token 1 at 52, token 2 at 60
  const record = { chunk_times_ms: [40, 52, 60], chunk_tokens: [0, 1, 2], completion_tokens: 3 };
  assert.equal(timeToSecondTokenMs(record), 8);
});

Deno.test("time to second token is null for fewer than two tokens or chunks", () => {
  assert.equal(
    timeToSecondTokenMs({ chunk_times_ms: [40, 50], chunk_tokens: null, completion_tokens: 1 }),
    null,
  );
  assert.equal(
    timeToSecondTokenMs({ chunk_times_ms: [], chunk_tokens: null, completion_tokens: null }),
    null,
  );
  assert.equal(
    timeToSecondTokenMs({ chunk_times_ms: [40], chunk_tokens: [1], completion_tokens: 1 }),
    null,
  );
});

Deno.test("output tokens/s per user is the inverse of TPOT and null without a TPOT", () => {
  assert.equal(outputTokensPerSecondPerUser({ tpot_ms: 25 }), 40);
  assert.equal(outputTokensPerSecondPerUser({ tpot_ms: 0 }), null);
  assert.equal(outputTokensPerSecondPerUser({ tpot_ms: null }), null);
});
