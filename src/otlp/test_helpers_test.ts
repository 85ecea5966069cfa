import assert from "node:assert/strict";
import { readFixture } from "./test_helpers.ts";

Deno.test("readFixture() reads a shared fixture and names the path of a missing one", () => {
  assert.match(readFixture("vllm-0.29.0-llm_request.otlp.json"), /"llm_request"/);
  assert.throws(
    () => readFixture("no-such-fixture.json"),
    /fixture no-such-fixture\.json not found at .*shared\/fixtures\/no-such-fixture\.json/,
  );
});
