import assert from "node:assert/strict";
import { openJsonlSink } from "./jsonl_sink.ts";

Deno.test("openJsonlSink() appends one line per value, in call order, even when writes overlap", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.jsonl`;
  try {
    const sink = await openJsonlSink(path);
    const big = "x".repeat(200_000);
    await Promise.all([
      sink.write({ n: 1, big }),
      sink.write({ n: 2 }),
      sink.write({ n: 3, text: "line\nbreak é" }),
    ]);
    assert.equal(sink.lines, 3);
    await sink.close();
    await sink.close(); // twice is fine
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.equal(lines.at(-1), "");
    const values = lines.slice(0, -1).map((l) => JSON.parse(l));
    assert.deepEqual(values.map((v) => v.n), [1, 2, 3]);
    assert.equal(values[0].big.length, 200_000);
    assert.equal(values[2].text, "line\nbreak é");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openJsonlSink() makes each line readable before the next write is awaited", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.jsonl`;
  try {
    const sink = await openJsonlSink(path, { syncEachLine: true });
    await sink.write({ a: 1 });
    assert.equal(await Deno.readTextFile(path), '{"a":1}\n');
    await sink.write({ b: 2 });
    assert.equal(await Deno.readTextFile(path), '{"a":1}\n{"b":2}\n');
    await sink.close();
    await assert.rejects(() => sink.write({ c: 3 }), /closed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openJsonlSink() refuses a file that already holds another run's log, naming the run", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.jsonl`;
  try {
    const before = '{"type":"meta","run_id":"abc123"}\n{"type":"request","index":0}\n';
    await Deno.writeTextFile(path, before);
    await assert.rejects(
      openJsonlSink(path),
      /out\.jsonl already holds the log of run abc123; a JSONL log is never appended to/,
    );
    assert.equal(await Deno.readTextFile(path), before, "the file is untouched");
    await Deno.writeTextFile(path, "not json\n");
    await assert.rejects(openJsonlSink(path), /already holds 9 bytes/);
    await Deno.writeTextFile(path, "");
    const sink = await openJsonlSink(path); // an empty file (claimed with createNew) is fine
    await sink.write({ a: 1 });
    await sink.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
