import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { runArb } from "./_record_arbitrary.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

const FORMATS = ["json", "jsonl", "csv", "parquet", "arrow"] as const;

/** Plain data of a run (drops the non-enumerable display symbols; keeps every field). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

Deno.test("save() then load() returns an identical run in every format, for arbitrary records", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const format of FORMATS) {
      await fc.assert(
        fc.asyncProperty(runArb(4), async (run) => {
          const path = await save(run, join(dir, `run.${format}`));
          const loaded = await load(path);
          assert.deepEqual(plain(loaded), plain(run), format);
          // Not only equal after JSON: the records' values keep their types (null stays null).
          assert.deepEqual(loaded.requests, plain(run.requests));
        }),
        { numRuns: 60 },
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save() keeps chunk times, server spans, params and error details", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const record = makeRecord({
      chunk_tokens: [1, 2, 1, 3],
      params: { temperature: 0.7, stop: ["\n\n", ","] },
      error: {
        kind: "http_error",
        message: 'bad "request", see\nlogs',
        status: 400,
        type: "BadRequestError",
        param: null,
      },
      server_spans: [{
        trace_id: "0af7651916cd43dd8448eb211c80319c",
        span_id: "00f067aa0ba902b7",
        parent_span_id: "b7ad6b7169203331",
        name: "llm_request",
        kind: 2,
        start_time_unix_nano: "1700000000000000001",
        end_time_unix_nano: "1700000000050000001",
        start_ms: 1700000000000,
        end_ms: 1700000000050,
        attributes: { "gen_ai.request.id": "req-0", n: 1 },
        resource: { "service.name": "vllm" },
        scope: "vllm.llm_engine",
      }],
    });
    const run = makeRun([record]);
    for (const format of FORMATS) {
      const loaded = await load(await save(run, join(dir, `x.${format}`)));
      assert.deepEqual(plain(loaded), plain(run), format);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save() writes atomically: no temp file is left and the parent directory is created", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "nested", "run.json");
    assert.equal(await save(makeRun([makeRecord()]), path), path);
    const names = [];
    for await (const entry of Deno.readDir(join(dir, "nested"))) names.push(entry.name);
    assert.deepEqual(names, ["run.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save() takes the format from the extension or the option, and rejects unknown ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([makeRecord()]);
    const path = await save(run, join(dir, "run.txt"), { format: "csv" });
    assert.ok(
      (await Deno.readTextFile(path)).startsWith("# vllm-metrics schema_version=1\n# meta={"),
    );
    await assert.rejects(() => save(run, join(dir, "run.txt")), /run\.txt: cannot tell the format/);
    await assert.rejects(
      () => save(run, join(dir, "a.json"), { format: "xml" as never }),
      /format must be/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load() of a JSON file in another layout (pretty-printed) works too", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([makeRecord(), makeRecord({ index: 1 })]);
    const path = join(dir, "pretty.json");
    await Deno.writeTextFile(path, JSON.stringify({ schema_version: 1, ...run }, null, 2));
    assert.deepEqual(plain(await load(path)), plain(run));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load() returns a run that displays in Jupyter without changing its JSON", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([makeRecord()]);
    const loaded = await load(await save(run, join(dir, "run.json")));
    const display = (loaded as unknown as Record<symbol, () => Record<string, string>>)[
      Symbol.for("Jupyter.display")
    ];
    assert.equal(typeof display, "function");
    assert.ok(display()["text/html"].includes("test (run-1)"));
    assert.equal(JSON.stringify(loaded), JSON.stringify(run));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
