import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { jsonErrorOffset, parseJson } from "./json_text.ts";
import { FileFormatError } from "./errors.ts";

Deno.test("parseJson() names the line and column where V8's message gives no position", () => {
  assert.throws(
    () => parseJson('{\n"a": tru}', "x.json"),
    (e: Error) => e instanceof FileFormatError && e.message.startsWith("x.json:2:6: invalid JSON"),
  );
  assert.throws(
    () => parseJson("[1,\n2,\n]", "x.json", 10),
    (e: Error) => e instanceof FileFormatError && e.message.startsWith("x.json:12:1: invalid JSON"),
  );
  assert.throws(
    () => parseJson('{"a":[1,2', "x.json"),
    (e: Error) =>
      e instanceof FileFormatError && e.message.startsWith("x.json:1:10: truncated JSON"),
  );
});

Deno.test("jsonErrorOffset() is -1 exactly when JSON.parse accepts the text", () => {
  const piece = fc.constantFrom(
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"a"',
    '"\\u12"',
    '"\\x"',
    "1",
    "-",
    "1.5e3",
    "01",
    "true",
    "nul",
    "null",
    " ",
    "\n",
    '"',
  );
  fc.assert(
    fc.property(
      fc.oneof(fc.array(piece, { maxLength: 12 }).map((p) => p.join("")), fc.json(), fc.string()),
      (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const offset = jsonErrorOffset(text);
        assert.equal(offset === -1, valid, JSON.stringify(text));
        if (!valid) assert.ok(offset >= 0 && offset <= text.length);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("jsonErrorOffset() handles very deep nesting without overflowing the stack", () => {
  const deep = "[".repeat(200_000) + "]".repeat(199_999);
  assert.equal(jsonErrorOffset(deep), deep.length);
});
