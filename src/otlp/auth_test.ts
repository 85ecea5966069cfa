import assert from "node:assert/strict";
import { bearerTokenMatches } from "./auth.ts";

Deno.test("bearerTokenMatches() accepts only Bearer with the exact token", () => {
  assert.equal(bearerTokenMatches("Bearer s3cret", "s3cret"), true);
  assert.equal(bearerTokenMatches("bearer  s3cret ", "s3cret"), true);
  assert.equal(bearerTokenMatches("Bearer s3cre", "s3cret"), false);
  assert.equal(bearerTokenMatches("Bearer s3cretX", "s3cret"), false);
  assert.equal(bearerTokenMatches("Basic s3cret", "s3cret"), false);
  assert.equal(bearerTokenMatches("s3cret", "s3cret"), false);
  assert.equal(bearerTokenMatches(null, "s3cret"), false);
  assert.equal(bearerTokenMatches(undefined, "s3cret"), false);
});
