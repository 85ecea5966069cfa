import assert from "node:assert/strict";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { loadAll } from "./load_all.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
// The round trip of arbitrary records through Parquet and Arrow is in save_load_test.ts.
import { chunkTablePath } from "./columnar_format.ts";
import { flechette } from "../deps/arquero.ts";
import { parquetMetadata, parquetReadObjects } from "../deps/hyparquet.ts";
import { FileFormatError } from "./errors.ts";

Deno.test("the chunk table beside the request table has one row per content chunk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([
      makeRecord({ chunk_tokens: [1, 2, 1, 3] }),
      makeRecord({ index: 1, request_id: "req-1", chunk_times_ms: [5, 9], chunk_tokens: null }),
    ]);
    const parquet = await save(run, join(dir, "r.parquet"));
    assert.equal(chunkTablePath(parquet), join(dir, "r.chunks.parquet"));
    const bytes = await Deno.readFile(chunkTablePath(parquet));
    const rows = await parquetReadObjects({ file: bytes.buffer as ArrayBuffer });
    assert.deepEqual(rows.map((r) => [r.index, r.chunk, r.t_ms, r.gap_ms, r.tokens]), [
      [0, 0, 20, null, 1],
      [0, 1, 30, 10, 2],
      [0, 2, 40, 10, 1],
      [0, 3, 50, 10, 3],
      [1, 0, 5, null, null],
      [1, 1, 9, 4, null],
    ]);
    const meta = parquetMetadata(bytes.buffer as ArrayBuffer).key_value_metadata ?? [];
    assert.equal(meta.find((e) => e.key === "vllm_metrics.schema_version")?.value, "1");

    const arrow = await save(run, join(dir, "r.arrow"));
    const table = flechette.tableFromIPC(await Deno.readFile(chunkTablePath(arrow)));
    assert.deepEqual(Array.from(table.getChild("wall_ms")!.toArray()).slice(0, 2), [
      run.requests[0].start_ms + 20,
      run.requests[0].start_ms + 30,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadAll reads Parquet and Arrow runs of a folder and skips their chunk tables", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await save(
      makeRun([makeRecord({ run_id: "a" })], { run_id: "a", label: "a" }),
      `${dir}/a.parquet`,
    );
    await save(
      makeRun([makeRecord({ run_id: "b" })], { run_id: "b", label: "b" }),
      `${dir}/b.arrow`,
    );
    const runs = await loadAll(dir);
    assert.deepEqual(runs.map((r) => r.meta.label), ["a", "b"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load() of a Parquet or Arrow file that is not a run names the file and the problem", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const junk = join(dir, "junk.parquet");
    await Deno.writeTextFile(junk, "not parquet at all");
    await assert.rejects(load(junk), (e: Error) => {
      assert.ok(e instanceof FileFormatError);
      assert.match(e.message, /junk\.parquet: not a readable parquet file/);
      return true;
    });
    // A run's chunk table is Arrow too, but holds no request table: its records are refused.
    const path = await save(makeRun([makeRecord()]), join(dir, "r.arrow"));
    await assert.rejects(load(chunkTablePath(path)), /r\.chunks\.arrow:1: request field/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
