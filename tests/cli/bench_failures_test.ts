import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";

Deno.test("bench against an unreachable server saves the failures as data and exits 3", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_unreachable_" });
  try {
    const { code, stdout, stderr } = await runBench([
      "--url",
      "http://127.0.0.1:9",
      "--model",
      "some-model",
      "--requests",
      "3",
      "--concurrency",
      "1",
      "--out",
      out,
    ]);
    assert.equal(code, 3, `${stdout}\n${stderr}`);
    const runFile = filesIn(out).find((f) => f.endsWith(".json"));
    assert.ok(runFile, "the run is saved");
    const run = await load(join(out, runFile));
    assert.equal(run.requests.length, 3);
    for (const record of run.requests) {
      assert.equal(record.success, false);
      assert.equal(record.error?.kind, "connection_refused");
    }
    assert.match(stderr, /no Prometheus metrics/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench with --model auto and an unreachable server exits 1 with the reason", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_unreachable_" });
  try {
    const { code, stderr } = await runBench([
      "--url",
      "http://127.0.0.1:9",
      "--requests",
      "1",
      "--no-prometheus",
      "--out",
      out,
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /^bench: /m);
    assert.match(stderr, /127\.0\.0\.1:9/);
    assert.deepEqual(filesIn(out), [], "no empty log is left for loadAll to trip on");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
