import assert from "node:assert/strict";
import { join } from "node:path";
import { collect } from "../collect/mod.ts";
import { load, save } from "../io/mod.ts";
import { startSimulator } from "../sim/mod.ts";
import { jsonlDataset } from "./jsonl.ts";
import { randomDataset } from "./random.ts";
import { textSha256 } from "./describe.ts";

Deno.test("collect() records the random dataset's settings in meta.dataset, and they round-trip", async () => {
  const sim = await startSimulator();
  const dir = await Deno.makeTempDir();
  try {
    const run = await collect({
      url: sim.url,
      requests: randomDataset({ inputTokens: 32, outputTokens: 4, rangeRatio: 0.25, seed: 9 }),
      count: 2,
      concurrency: 2,
    });
    assert.deepEqual(run.meta.dataset, {
      name: "random",
      settings: {
        input_tokens: 32,
        output_tokens: 4,
        range_ratio: 0.25,
        seed: 9,
        count: null,
        ignore_eos: false,
      },
    });
    for (const ext of ["json", "jsonl", "csv"]) {
      const loaded = await load(await save(run, join(dir, `run.${ext}`)));
      assert.deepEqual(loaded.meta.dataset, run.meta.dataset, ext);
    }
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file dataset is remembered by path and the SHA-256 of its text", async () => {
  const sim = await startSimulator();
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const text = '{"prompt": "Hi", "max_tokens": 2}\n';
    await Deno.writeTextFile(path, text);
    const run = await collect({ url: sim.url, requests: jsonlDataset(path), concurrency: 1 });
    assert.equal(run.meta.dataset?.name, "jsonl");
    assert.equal(run.meta.dataset?.path, path);
    assert.equal(run.meta.dataset?.sha256, textSha256(text));
  } finally {
    await sim.close();
    await Deno.remove(path);
  }
});

Deno.test("a plain array of requests leaves meta.dataset out", async () => {
  const sim = await startSimulator();
  try {
    const run = await collect({ url: sim.url, requests: [{ prompt: "Hi", max_tokens: 2 }] });
    assert.equal(run.meta.dataset, undefined);
  } finally {
    await sim.close();
  }
});
