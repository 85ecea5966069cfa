import assert from "node:assert/strict";
import { estimateTokens } from "../util/tokens.ts";
import { tokenText } from "./text.ts";

Deno.test("tokenText() gives four characters per token, deterministically", () => {
  const text = tokenText(123, 0, 50);
  assert.equal(text.length, 200);
  assert.equal(estimateTokens(text), 50);
  assert.equal(tokenText(123, 10, 5), text.slice(40, 60), "pieces concatenate to the whole");
  assert.notEqual(tokenText(124, 0, 50), text, "the salt varies the words");
  assert.ok(!text.includes("undefined"));
});
