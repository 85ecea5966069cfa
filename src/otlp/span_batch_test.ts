import assert from "node:assert/strict";
import { decodeSpanBatch, encodeSpanBatch } from "./span_batch.ts";
import type { ServerSpan } from "../types.ts";

const asSpans = (value: unknown) => value as ServerSpan[];

Deno.test("a span batch without special numbers or keys is plain JSON", () => {
  const spans = asSpans([{ name: "llm_request", attributes: { n: 3, s: "x", l: [1, null] } }]);
  const batch = encodeSpanBatch(spans);
  assert.equal(batch.tagged, false);
  assert.deepEqual(JSON.parse(batch.json), spans);
  assert.deepEqual(decodeSpanBatch(batch), spans);
});

Deno.test("a span batch keeps NaN, ±Infinity and attributes that look like its tags", () => {
  const spans = asSpans([{
    name: "llm_request",
    attributes: {
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      list: [NaN, 1],
      forged: { "\u0000number": "NaN" },
      nested: { "\u0000\u0000x": { "\u0000number": 5 } },
    },
  }]);
  const batch = encodeSpanBatch(spans);
  assert.equal(batch.tagged, true);
  assert.deepEqual(decodeSpanBatch(batch), spans);
});

Deno.test("a span batch with only a NUL-led key is tagged and decodes to the same key", () => {
  const spans = asSpans([{ name: "x", attributes: { "\u0000k": 1 } }]);
  const batch = encodeSpanBatch(spans);
  assert.equal(batch.tagged, true);
  assert.deepEqual(decodeSpanBatch(batch), spans);
});
