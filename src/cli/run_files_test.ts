import assert from "node:assert/strict";
import { join } from "node:path";
import { claimJsonl, runFileBase, saveNew } from "./run_files.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { load } from "../io/load.ts";

const LOAD = { burstiness: 1, warmup: 0, seed: 0 };

Deno.test("runFileBase() puts the run id in the name, so same-second runs of one label differ", () => {
  const now = new Date("2026-12-03T14:50:36.100Z");
  assert.equal(
    runFileBase("D", "bench", LOAD, "a1b2", now),
    join("D", "2026-12-03T14-50-36Z_bench_a1b2"),
  );
  assert.notEqual(
    runFileBase("D", "bench", LOAD, "a1b2", now),
    runFileBase("D", "bench", LOAD, "c3d4", now),
  );
  assert.match(
    runFileBase("D", "bench", { ...LOAD, shard: { index: 1, count: 2 } }, "r", now),
    /_bench-shard1of2_r$/,
  );
});

Deno.test("claimJsonl() and saveNew() never reuse a taken name: a second run gets -2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const base = join(dir, "run");
    const [a, b] = await Promise.all([claimJsonl(base), claimJsonl(base)]);
    assert.deepEqual([a, b].sort(), [`${base}-2.jsonl`, `${base}.jsonl`]);
    const first = makeRun([makeRecord({ request_id: "first" })]);
    const second = makeRun([makeRecord({ request_id: "second" })]);
    assert.equal(await saveNew(first, base, "json"), `${base}.json`);
    assert.equal(await saveNew(second, base, "json"), `${base}-2.json`);
    assert.equal((await load(`${base}.json`)).requests[0].request_id, "first");
    assert.equal((await load(`${base}-2.json`)).requests[0].request_id, "second");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
