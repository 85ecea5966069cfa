import assert from "node:assert/strict";
import { type ConversationScript, conversationsDataset } from "./conversations.ts";
import { makeRecord } from "../table/_fixtures.ts";
import type { RequestSpec } from "../types.ts";
import { datasetInfoOf } from "./describe.ts";

const scripts: ConversationScript[] = [
  { id: "a", turns: [{ content: "a1", max_tokens: 4 }, { content: "a2", max_tokens: 5 }] },
  { id: "b", turns: [{ content: "b1" }] },
];

/** Tells the spec's conversation that its request finished. */
function answer(spec: RequestSpec, text: string | null, success = true): void {
  spec.conversation!.answered!(makeRecord({ success }), text);
}

async function nextSpec(iterator: AsyncIterator<RequestSpec>): Promise<RequestSpec> {
  const result = await iterator.next();
  assert.equal(result.done, false);
  return result.value;
}

Deno.test("conversationsDataset() sends a follow-up turn only after the answer, with the answer in its history", async () => {
  const iterator = conversationsDataset(scripts)[Symbol.asyncIterator]();
  const a1 = await nextSpec(iterator);
  assert.deepEqual(a1.messages, [{ role: "user", content: "a1" }]);
  assert.deepEqual([a1.conversation?.id, a1.conversation?.turn, a1.max_tokens], ["a", 1, 4]);
  const b1 = await nextSpec(iterator); // no answer yet: the next conversation starts
  assert.deepEqual([b1.conversation?.id, b1.conversation?.turn], ["b", 1]);
  const waiting = iterator.next(); // nothing ready, one script left to answer: waits
  answer(a1, "the model's own words");
  const a2 = (await waiting).value as RequestSpec;
  assert.deepEqual(a2.messages, [
    { role: "user", content: "a1" },
    { role: "assistant", content: "the model's own words" },
    { role: "user", content: "a2" },
  ]);
  assert.deepEqual([a2.conversation?.id, a2.conversation?.turn, a2.max_tokens], ["a", 2, 5]);
  const end = iterator.next();
  answer(b1, "done");
  answer(a2, "done too");
  assert.deepEqual(await end, { done: true, value: undefined }, "every conversation has ended");
});

Deno.test("conversationsDataset() ends a conversation at a failed turn", async () => {
  const iterator = conversationsDataset([scripts[0]])[Symbol.asyncIterator]();
  const a1 = await nextSpec(iterator);
  const end = iterator.next();
  answer(a1, null, false);
  assert.deepEqual(await end, { done: true, value: undefined });
});

Deno.test("conversationsDataset() return() ends a next() that waits for an answer, and later answers are ignored", async () => {
  const iterator = conversationsDataset([scripts[0]])[Symbol.asyncIterator]();
  const a1 = await nextSpec(iterator);
  const waiting = iterator.next();
  await iterator.return!();
  assert.deepEqual(await waiting, { done: true, value: undefined });
  answer(a1, "late");
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
});

Deno.test("conversationsDataset() return() drops a turn waiting out its think time", async () => {
  const iterator = conversationsDataset([scripts[0]], { thinkTimeMs: 60_000 })
    [Symbol.asyncIterator]();
  answer(await nextSpec(iterator), "ok"); // a2 now waits 60 s: return() must not
  const waiting = iterator.next();
  await iterator.return!();
  assert.deepEqual(await waiting, { done: true, value: undefined });
});

Deno.test("conversationsDataset() keeps at most maxOpen conversations open", async () => {
  const iterator = conversationsDataset(scripts, { maxOpen: 1 })[Symbol.asyncIterator]();
  const a1 = await nextSpec(iterator);
  const next = iterator.next(); // b may not start while a is open
  answer(a1, "x");
  assert.equal(((await next).value as RequestSpec).conversation?.id, "a");
});

Deno.test("conversationsDataset() describes itself and checks its options and scripts", async () => {
  const dataset = conversationsDataset(scripts, {
    thinkTimeMs: 500,
    thinkTimeDistribution: "exponential",
  });
  assert.deepEqual(datasetInfoOf(dataset), {
    name: "conversations",
    settings: {
      think_time_ms: 500,
      think_time_distribution: "exponential",
      max_open: null,
      think_time_seed: 0,
    },
  });
  assert.throws(() => conversationsDataset(scripts, { thinkTimeMs: -1 }), {
    name: "RangeError",
    message: "conversationsDataset: thinkTimeMs must be a finite number ≥ 0, got -1",
  });
  assert.throws(
    // @ts-expect-error: a distribution that does not exist
    () => conversationsDataset(scripts, { thinkTimeDistribution: "gamma" }),
    /thinkTimeDistribution must be "fixed" or "exponential", got "gamma"/,
  );
  assert.throws(() => conversationsDataset(scripts, { maxOpen: 0 }), /maxOpen must be an integer/);
  const empty = conversationsDataset([{ id: "e", turns: [] }])[Symbol.asyncIterator]();
  await assert.rejects(() => empty.next(), {
    name: "TypeError",
    message: 'conversationsDataset: script "e": turns must be a non-empty array',
  });
});
