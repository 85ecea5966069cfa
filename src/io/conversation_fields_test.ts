import assert from "node:assert/strict";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { toTable } from "../table/to_table.ts";

const FORMATS = ["json", "jsonl", "csv", "parquet", "arrow"] as const;

Deno.test("conversation_id and turn round-trip in every format, and stay absent outside conversations", async () => {
  const run = makeRun([
    makeRecord({ index: 0, conversation_id: "conv-0", turn: 1 }),
    makeRecord({ index: 1, conversation_id: "conv-0", turn: 2 }),
    makeRecord({ index: 2 }), // not a conversation's turn
  ]);
  const dir = await Deno.makeTempDir();
  try {
    for (const format of FORMATS) {
      const loaded = await load(await save(run, join(dir, `run.${format}`)));
      assert.deepEqual(
        loaded.requests.map((r) => [r.conversation_id, r.turn]),
        [["conv-0", 1], ["conv-0", 2], [undefined, undefined]],
        format,
      );
      assert.ok(!("turn" in loaded.requests[2]), format);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("toTable() has conversation_id and turn columns, null outside conversations", () => {
  const table = toTable(makeRun([
    makeRecord({ index: 0, conversation_id: "c", turn: 3 }),
    makeRecord({ index: 1 }),
  ]));
  assert.deepEqual(table.array("conversation_id"), ["c", null]);
  assert.deepEqual(Array.from(table.array("turn") as Float64Array), [3, NaN]);
});
