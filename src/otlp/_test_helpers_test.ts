import assert from "node:assert/strict";
import { readFixture } from "./_test_helpers.ts";

Deno.test("readFixture() reads a file of testdata/ and names the path of a missing one", () => {
  assert.match(readFixture("llm_request.otlp.json"), /"llm_request"/);
  assert.throws(
    () => readFixture("no-such-fixture.json"),
    /fixture no-such-fixture\.json not found at .*src\/otlp\/testdata\/no-such-fixture\.json/,
  );
});
