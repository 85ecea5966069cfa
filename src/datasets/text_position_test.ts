import assert from "node:assert/strict";
import { jsonErrorLine, lineOf, topLevelArrayElementOffsets } from "./text_position.ts";
import { repeatEndlessly, seededShuffle, takeCycling } from "./shuffle.ts";

Deno.test("lineOf() counts newlines before an offset", () => {
  assert.equal(lineOf("abc", 0), 1);
  assert.equal(lineOf("a\nb\nc", 4), 3);
});

Deno.test("topLevelArrayElementOffsets() skips brackets and commas inside strings and nested values", () => {
  const text = '[ {"a": "x,]"}, [1, [2]],\n "s\\"", 3 ]';
  const offsets = topLevelArrayElementOffsets(text);
  assert.deepEqual(offsets.map((o) => text[o]), ["{", "[", '"', "3"]);
  assert.deepEqual(topLevelArrayElementOffsets("[]"), []);
});

Deno.test("jsonErrorLine() finds the line of the first syntax error", () => {
  assert.equal(jsonErrorLine('{\n "a": 1,\n "b": }'), 3);
  assert.equal(jsonErrorLine('[\n "ok",\n "bad\\x"\n]'), 3);
  assert.equal(jsonErrorLine("[1,\n2"), 2);
  assert.equal(jsonErrorLine("[1, 2]"), null);
  assert.equal(jsonErrorLine('[{"a": 1},\n{"b": '), 2, "a truncated file points at its end");
});

Deno.test("seededShuffle(), takeCycling() and repeatEndlessly() keep every item", () => {
  const items = [1, 2, 3, 4, 5, 6];
  assert.deepEqual([...seededShuffle(items, 9)].sort(), items);
  assert.deepEqual(seededShuffle(items, 9), seededShuffle(items, 9));
  assert.deepEqual(takeCycling([1, 2], 5), [1, 2, 1, 2, 1]);
  assert.deepEqual(takeCycling([], 3), []);
  const seen: number[] = [];
  for (const x of repeatEndlessly([7, 8])) if (seen.push(x) === 5) break;
  assert.deepEqual(seen, [7, 8, 7, 8, 7]);
  assert.deepEqual([...repeatEndlessly([])], []);
});
