import assert from "node:assert/strict";
import { parseTraceparent, randomHexId } from "./traceparent.ts";

Deno.test("parseTraceparent() reads ids and the sampled flag", () => {
  assert.deepEqual(parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), {
    trace_id: "0af7651916cd43dd8448eb211c80319c",
    parent_span_id: "b7ad6b7169203331",
    sampled: true,
  });
  assert.equal(
    parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00")!.sampled,
    false,
  );
  assert.equal(
    parseTraceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03-xyz")!.sampled,
    true,
  );
});

Deno.test("parseTraceparent() returns null for absent or invalid headers", () => {
  for (
    const bad of [
      null,
      "",
      "garbage",
      "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
      "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
    ]
  ) {
    assert.equal(parseTraceparent(bad), null, String(bad));
  }
});

Deno.test("randomHexId() gives lower-case hex of the requested width", () => {
  assert.match(randomHexId(8), /^[0-9a-f]{16}$/);
  assert.match(randomHexId(16), /^[0-9a-f]{32}$/);
  assert.notEqual(randomHexId(16), randomHexId(16));
});
