import assert from "node:assert/strict";
import { attributesToRecord, flattenSpans, nanosToMs } from "./spans.ts";
import { llmRequestPayload, spanIdOf, traceIdOf } from "./_test_helpers.ts";

Deno.test("nanosToMs() keeps the exact nanoseconds as a canonical string and ms as a float", () => {
  assert.deepEqual(nanosToMs("1790341371953418752"), ["1790341371953418752", 1790341371953.4187]);
  assert.deepEqual(nanosToMs("007"), ["7", 0.000007]);
  assert.deepEqual(nanosToMs(1_000_000), ["1000000", 1]);
  assert.equal(nanosToMs("-1"), null);
  assert.equal(nanosToMs("1e9"), null);
  assert.equal(nanosToMs({} as unknown as string), null);
});

Deno.test("attributesToRecord() stores a __proto__ key as a plain property", () => {
  const record = attributesToRecord([
    {
      key: "__proto__",
      value: { kvlistValue: { values: [{ key: "a", value: { intValue: "1" } }] } },
    },
    { key: "n", value: { intValue: "14" } },
  ]);
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.deepEqual(Object.keys(record), ["__proto__", "n"]);
  assert.equal(record.n, 14);
});

Deno.test("attributesToRecord() ignores attribute lists that are not arrays", () => {
  assert.deepEqual(attributesToRecord(5 as never), {});
  assert.deepEqual(attributesToRecord("ab" as never), {});
});

Deno.test("flattenSpans() rejects spans with zero or missing timestamps", () => {
  const payload = llmRequestPayload([
    { traceId: traceIdOf(1), spanId: spanIdOf(1), startTimeUnixNano: "0" },
    { traceId: traceIdOf(2), spanId: spanIdOf(2) },
  ]);
  delete payload.resourceSpans![0].scopeSpans![0].spans![1].endTimeUnixNano;
  const { spans, rejected } = flattenSpans(payload);
  assert.equal(spans.length, 0);
  assert.equal(rejected.length, 2);
  assert.match(rejected[0].reason, /invalid startTimeUnixNano or endTimeUnixNano/);
});

Deno.test("flattenSpans() tolerates non-array containers in untrusted JSON", () => {
  const result = flattenSpans(
    { resourceSpans: [{ scopeSpans: 5, instrumentationLibrarySpans: [{ spans: "x" }] }] } as never,
  );
  assert.deepEqual(result, { spans: [], rejected: [] });
});
