import assert from "node:assert/strict";
import { join } from "node:path";
import type { Run } from "../../src/types.ts";
import { filesIn, ROOT, runBench } from "./_bench_helpers.ts";

Deno.test("bench --dataset trace replays a Mooncake trace at its scaled times", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_trace_" });
  try {
    const result = await runBench([
      "--simulate",
      "--dataset",
      "trace",
      "--dataset-path",
      join(ROOT, "src/datasets/testdata/mooncake_trace.jsonl"),
      "--time-scale",
      "0.5",
      "--out",
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [file] = filesIn(out).filter((f) => f.endsWith(".json"));
    const run: Run = JSON.parse(await Deno.readTextFile(join(out, file)));
    const offsets = run.requests.map((r) => r.scheduled_ms - run.meta.started_ms);
    assert.deepEqual(offsets, [0, 20, 20, 47.5, 75]);
    assert.deepEqual(run.requests.map((r) => r.prompt_tokens), [1100, 700, 1300, 300, 1200]);
    assert.deepEqual(run.requests.map((r) => r.completion_tokens), [4, 3, 5, 2, 4]);
    assert.ok(run.requests.every((r) => r.lateness_ms === r.start_ms - r.scheduled_ms));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench --prefix-tokens prints TTFT by group and the prefix-cache hit rate", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_prefix_" });
  try {
    const result = await runBench([
      "--simulate",
      "--prefix-tokens",
      "64",
      "--prefix-groups",
      "2",
      "--input-tokens",
      "16",
      "--output-tokens",
      "2",
      "--requests",
      "6",
      "--concurrency",
      "1",
      "--out",
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    // 6 prompts of 80 tokens; each group's 64-token prefix is reused by its 2 later requests.
    assert.match(result.stdout, /prefix cache hit rate 53\.3\d* % \(256 of 480 prompt tokens/);
    assert.match(result.stdout, /prefix-group-0 +3 /);
    assert.match(result.stdout, /prefix-group-1 +3 /);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
