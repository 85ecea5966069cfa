import assert from "node:assert/strict";
import { table } from "../deps/arquero.ts";
import { groupRows } from "./groups.ts";

Deno.test("groupRows() splits rows by several columns in order of first appearance", () => {
  const t = table({ a: ["x", "y", "x", "x"], b: [1, 1, 2, 1] });
  const g = groupRows(t, ["a", "b"]);
  assert.deepEqual(g.keys, [["x", 1], ["y", 1], ["x", 2]]);
  assert.deepEqual(g.rows.map((r) => [...r]), [[0, 3], [1], [2]]);
});

Deno.test("groupRows() treats NaN as one value and finds a single group when keys are constant", () => {
  const t = table({ a: new Float64Array([NaN, NaN, NaN]), b: ["r", "r", "r"] });
  const g = groupRows(t, ["a", "b"]);
  assert.equal(g.rows.length, 1);
  assert.deepEqual([...g.rows[0]], [0, 1, 2]);
  assert.ok(Number.isNaN(g.keys[0][0]));
  const mixed = groupRows(table({ a: new Float64Array([NaN, 1, NaN]) }), ["a"]);
  assert.deepEqual(mixed.rows.map((r) => [...r]), [[0, 2], [1]]);
});

Deno.test("groupRows() respects the table's filter and gives one group without names", () => {
  const t = table({ a: ["x", "y", "x"] }).filter((d: { a: string }) => d.a === "x");
  assert.deepEqual(groupRows(t, ["a"]).rows.map((r) => [...r]), [[0, 2]]);
  assert.deepEqual(groupRows(t, []).rows.map((r) => [...r]), [[0, 2]]);
  assert.deepEqual(groupRows(table({ a: [] }), ["a"]).rows, []);
});
