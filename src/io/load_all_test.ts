import assert from "node:assert/strict";
import { join } from "node:path";
import { save } from "./save.ts";
import { loadAll } from "./load_all.ts";
import { NotARunFileError } from "./errors.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import type { Run } from "../types.ts";

const T0 = 1_700_000_000_000;

function shard(index: number, starts: number[]): Run {
  const records = starts.map((start, i) =>
    makeRecord({ index: i, request_id: `s${index}-${i}`, start_ms: T0 + start, run_id: "big" })
  );
  return makeRun(records, {
    run_id: "big",
    load: {
      concurrency: 4,
      burstiness: 1,
      warmup: 0,
      seed: 0,
      requests: starts.length,
      shard: { index, count: 2 },
    },
    interrupted: index === 1,
  });
}

Deno.test("loadAll() merges the shards of one run: re-indexed by start time, union duration", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await save(shard(0, [0, 200]), join(dir, "a.json"));
    await save(shard(1, [100, 300, 400]), join(dir, "b.csv"));
    await save(
      makeRun([makeRecord({ run_id: "other" })], { run_id: "other" }),
      join(dir, "c.jsonl"),
    );
    await Deno.writeTextFile(join(dir, "notes.txt"), "ignored");
    await Deno.writeTextFile(join(dir, ".a.json.1234.tmp"), "ignored");
    const runs = await loadAll(dir);
    assert.deepEqual(runs.map((r) => r.meta.run_id), ["big", "other"]);
    const big = runs[0];
    assert.deepEqual(big.requests.map((r) => r.request_id), [
      "s0-0",
      "s1-0",
      "s0-1",
      "s1-1",
      "s1-2",
    ]);
    assert.deepEqual(big.requests.map((r) => r.index), [0, 1, 2, 3, 4]);
    assert.equal(big.meta.started_ms, T0);
    assert.equal(big.meta.ended_ms, T0 + 450);
    assert.equal(big.meta.duration_ms, 450);
    assert.equal(big.meta.interrupted, true);
    assert.equal(big.meta.load.shard, undefined);
    assert.equal(big.meta.load.requests, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadAll() keeps one copy when the same shard is saved twice (jsonl while running, json after)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([0, 1, 2].map((index) => makeRecord({ index })));
    await save({ ...run, requests: run.requests.slice(0, 2) }, join(dir, "run.jsonl"));
    await save(run, join(dir, "run.json"));
    const runs = await loadAll([join(dir, "run.jsonl"), join(dir, "run.json")]);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].requests.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadAll(dir, { salvage: true }) reads past a crashed run's cut-off last line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "crashed.jsonl");
    await save(makeRun([makeRecord({ index: 0 }), makeRecord({ index: 1 })]), path);
    // A kill -9 in the middle of writing the third record leaves half a line.
    await Deno.writeTextFile(path, '{"type":"request","run_id":"x","ind', { append: true });
    await assert.rejects(() => loadAll(dir), /crashed\.jsonl:\d+/);
    const [run] = await loadAll(dir, { salvage: true });
    assert.equal(run.requests.length, 2);
    assert.equal(run.meta.salvage?.skipped_lines, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadAll() returns both of two different runs that reuse a run id, and warns naming both files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = (started: number) =>
      makeRun([makeRecord({ run_id: "same", start_ms: started })], {
        run_id: "same",
        created_at: new Date(started).toISOString(),
        started_ms: started,
        ended_ms: started + 1000,
      });
    await save(run(T0), join(dir, "a.json"));
    await save(run(T0), join(dir, "a.jsonl")); // a copy of a: not a second run
    await save(run(T0 + 60_000), join(dir, "b.json"));
    const warnings: string[] = [];
    const runs = await loadAll(dir, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(runs.map((r) => r.meta.started_ms), [T0, T0 + 60_000]);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /a\.json.* and .*b\.json are different runs with the same run_id same/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadAll() refuses two different runs of the same shard, naming both files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = shard(0, [0]);
    const again = shard(0, [0]);
    again.meta.started_ms += 60_000;
    await save(first, join(dir, "a.json"));
    await save(again, join(dir, "b.json"));
    await assert.rejects(loadAll(dir), /a\.json and .*b\.json are different runs of shard 0/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadAll(folder) skips, with a warning, files that hold no run; named ones still throw", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await save(makeRun([makeRecord({ run_id: "a" })], { run_id: "a" }), join(dir, "a.json"));
    await Deno.writeTextFile(join(dir, "config.yaml"), "replicas: 2\n");
    await Deno.writeTextFile(join(dir, "package.json"), '{"name":"x"}\n');
    await Deno.writeTextFile(join(dir, "notes.csv"), "when,what\n1,tuned\n");
    await Deno.writeTextFile(join(dir, "events.jsonl"), '{"type":"event"}\n');
    const warnings: string[] = [];
    const runs = await loadAll(dir, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(runs.map((r) => r.meta.run_id), ["a"]);
    assert.equal(warnings.length, 4);
    for (const name of ["config.yaml", "events.jsonl", "notes.csv", "package.json"]) {
      assert.ok(warnings.some((w) => w.startsWith(`loadAll: skipped ${join(dir, name)}`)), name);
    }
    await assert.rejects(() => loadAll([join(dir, "config.yaml")]), NotARunFileError);
    // A damaged run file is no such case: it throws even in a folder.
    await Deno.writeTextFile(join(dir, "b.json"), '{"schema_version":1,"meta":{"run_id":2}}\n');
    await assert.rejects(() => loadAll(dir, { onWarning: () => {} }), /b\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
