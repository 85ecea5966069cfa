import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { FileFormatError } from "./errors.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

const run = makeRun([0, 1, 2].map((index) => makeRecord({ index })));

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsAt(path: string, pattern: RegExp) {
  const error = await load(path).then(() => null, (e) => e);
  assert.ok(error instanceof FileFormatError, `expected a FileFormatError, got ${error}`);
  assert.match(error.message, pattern);
  assert.ok(error.message.startsWith(path), error.message);
}

Deno.test("load() rejects an unknown schema version naming the file and line 1", async () => {
  await withDir(async (dir) => {
    for (const format of ["json", "jsonl", "csv"]) {
      const path = await save(run, join(dir, `v.${format}`));
      const text = await Deno.readTextFile(path);
      await Deno.writeTextFile(
        path,
        text.replaceAll('schema_version":1', 'schema_version":2').replace(
          "schema_version=1",
          "schema_version=2",
        ),
      );
      await rejectsAt(path, /:1: unsupported schema_version 2 \(this version reads 1\)/);
    }
  });
});

Deno.test("load() rejects a truncated file and names the line", async () => {
  await withDir(async (dir) => {
    for (const format of ["json", "jsonl"]) {
      const path = await save(run, join(dir, `t.${format}`));
      const text = await Deno.readTextFile(path);
      await Deno.writeTextFile(path, text.slice(0, text.lastIndexOf('"span_status"')));
      await rejectsAt(path, format === "json" ? /:4:\d+: truncated/ : /:4: truncated last line/);
    }
    const csv = await save(run, join(dir, "t.csv"));
    const text = await Deno.readTextFile(csv);
    await Deno.writeTextFile(csv, text.slice(0, text.lastIndexOf('"{""temperature""') + 5));
    await rejectsAt(csv, /t\.csv:6:15 \(column "params"\): quoted cell is never closed/);
  });
});

Deno.test("load() names the line, column and field of a bad CSV cell", async () => {
  await withDir(async (dir) => {
    const path = await save(run, join(dir, "c.csv"));
    const lines = (await Deno.readTextFile(path)).split("\n");
    const header = lines[2].split(",");
    const ttft = header.indexOf("ttft_ms");
    const cells = lines[4].split(",");
    cells[ttft] = "fast";
    lines[4] = cells.join(",");
    await Deno.writeTextFile(path, lines.join("\n"));
    await rejectsAt(
      path,
      new RegExp(`c\\.csv:5:${ttft + 1} \\(column "ttft_ms"\\): not a number: "fast"`),
    );
  });
});

Deno.test("load() names the line and field of a record with a wrong type", async () => {
  await withDir(async (dir) => {
    const path = await save(run, join(dir, "w.jsonl"));
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace('"success":true', '"success":"yes"'));
    await rejectsAt(path, /w\.jsonl:2: request field "success" must be boolean, got "yes"/);
  });
});

Deno.test("load() with salvage skips bad and cut-off lines of a crash-safe JSONL and reports them", async () => {
  await withDir(async (dir) => {
    const path = await save(run, join(dir, "s.jsonl"));
    const lines = (await Deno.readTextFile(path)).split("\n");
    lines[2] = "{not json";
    const text = lines.join("\n");
    await Deno.writeTextFile(path, text.slice(0, text.length - 40)); // cut the last record
    const loaded = await load(path, { salvage: true });
    assert.deepEqual(loaded.requests.map((r) => r.index), [0]);
    assert.equal(loaded.meta.salvage?.skipped_lines, 2);
    assert.match(loaded.meta.salvage!.errors[0], /s\.jsonl:3:2: invalid JSON/);
    assert.match(loaded.meta.salvage!.errors[1], /s\.jsonl:4: truncated last line/);
    await rejectsAt(path, /s\.jsonl:3:2: invalid JSON/);
  });
});

Deno.test("load() with salvage keeps the rows of a CSV before a cut-off row", async () => {
  await withDir(async (dir) => {
    const path = await save(run, join(dir, "s.csv"));
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.slice(0, text.lastIndexOf('"{""temperature""') + 5));
    const loaded = await load(path, { salvage: true });
    assert.deepEqual(loaded.requests.map((r) => r.index), [0, 1]);
    assert.equal(loaded.meta.salvage?.skipped_lines, 1);
  });
});

Deno.test("load() of a JSONL without final times derives them from the requests", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "live.jsonl");
    const { started_ms: _s, ended_ms: _e, duration_ms: _d, ...meta } = run.meta;
    const lines = [JSON.stringify({ type: "meta", ...meta, ended_ms: null })];
    for (const r of run.requests) lines.push(JSON.stringify({ type: "request", ...r }));
    lines.push(JSON.stringify({ type: "meta", interrupted: true }));
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const loaded = await load(path);
    assert.equal(loaded.meta.started_ms, run.requests[0].start_ms);
    assert.equal(loaded.meta.ended_ms, run.requests[2].start_ms + 50);
    assert.equal(loaded.meta.duration_ms, 250);
    assert.equal(loaded.meta.interrupted, true, "a later meta line updates the meta");
  });
});

Deno.test("load() of arbitrary bytes or lines throws only FileFormatErrors naming the file", async () => {
  await withDir(async (dir) => {
    const valid = {
      json: await Deno.readTextFile(await save(run, join(dir, "ok.json"))),
      jsonl: await Deno.readTextFile(await save(run, join(dir, "ok.jsonl"))),
      csv: await Deno.readTextFile(await save(run, join(dir, "ok.csv"))),
    };
    const mutation = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => () => bytes),
      fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 20 })).map(
        ([a, b, s]) => (text: string) => {
          // Replace a slice of a valid file with arbitrary text (corruption in the middle).
          const i = a % (text.length + 1), j = Math.min(text.length, i + (b % 50));
          return new TextEncoder().encode(text.slice(0, i) + s + text.slice(j));
        },
      ),
      fc.nat().map((a) => (text: string) =>
        new TextEncoder().encode(text.slice(0, a % (text.length + 1)))
      ),
      fc.array(
        fc.constantFrom(
          '{"type":"request"}',
          '{"type":"meta"}',
          "[",
          "]}",
          "",
          '"',
          "# meta={}",
          "null",
          "{}",
        ),
        { maxLength: 8 },
      )
        .map((lines) => (text: string) =>
          new TextEncoder().encode(
            text.split("\n").slice(0, 2).join("\n") + "\n" + lines.join("\n"),
          )
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("json", "jsonl", "csv") as fc.Arbitrary<"json" | "jsonl" | "csv">,
        mutation,
        fc.boolean(),
        async (format, mutate, salvage) => {
          const path = join(dir, `fuzz.${format}`);
          await Deno.writeFile(path, mutate(valid[format]));
          try {
            await load(path, { salvage });
          } catch (error) {
            assert.ok(error instanceof FileFormatError, `${format}: ${error}`);
            assert.ok(error.message.startsWith(path), error.message);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
