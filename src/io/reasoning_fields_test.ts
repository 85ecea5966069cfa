import assert from "node:assert/strict";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { toTable } from "../table/to_table.ts";
import type { RequestRecord } from "../types.ts";

const FORMATS = ["json", "jsonl", "csv", "parquet", "arrow"] as const;

/** The reasoning fields of a record, as saved (absent fields left out). */
function reasoningFields(record: RequestRecord) {
  const { ttfot_ms, reasoning_tokens, reasoning_chunks } = record;
  return JSON.parse(JSON.stringify({ ttfot_ms, reasoning_tokens, reasoning_chunks }));
}

Deno.test("save() then load() keeps ttfot_ms, reasoning_tokens and reasoning_chunks in every format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([
      makeRecord({ index: 0, ttfot_ms: 61.25, reasoning_tokens: 4, reasoning_chunks: 4 }),
      // No reasoning: ttfot = ttft, the server gave no count, no reasoning chunk.
      makeRecord({ index: 1, ttfot_ms: 20, reasoning_tokens: null, reasoning_chunks: 0 }),
      // Only reasoned (no output), a non-streamed answer: nulls.
      makeRecord({ index: 2, ttfot_ms: null, reasoning_tokens: 0, reasoning_chunks: null }),
    ]);
    for (const format of FORMATS) {
      const loaded = await load(await save(run, join(dir, `run.${format}`)));
      const expected = run.requests.map(reasoningFields);
      const got = loaded.requests.map(reasoningFields);
      // CSV too: a null is written `null`, an absent field an empty cell (docs/FILES.md).
      assert.deepEqual(got, expected, format);
      assert.equal(loaded.requests[2].ttfot_ms, null, format);
      const table = toTable(loaded);
      assert.deepEqual(
        column(table, "ttfot_ms"),
        [61.25, 20, null],
        format,
      );
      assert.deepEqual(column(table, "reasoning_tokens"), [4, null, 0], format);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file written before the reasoning fields loads with them null in the table", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const old = makeRun([makeRecord({ index: 0 }), makeRecord({ index: 1 })]);
    for (const format of FORMATS) {
      const loaded = await load(await save(old, join(dir, `old.${format}`)));
      assert.equal("ttfot_ms" in loaded.requests[0], false, format);
      const table = toTable(loaded);
      for (const name of ["ttfot_ms", "reasoning_tokens", "reasoning_chunks"]) {
        assert.deepEqual(column(table, name), [null, null], name);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A table column as a list, NaN (the table's null) as null. */
function column(table: ReturnType<typeof toTable>, name: string): unknown[] {
  return Array.from(table.array(name) as ArrayLike<unknown>, (v) => Number.isNaN(v) ? null : v);
}
