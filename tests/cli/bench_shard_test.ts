import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { loadAll } from "../../src/io/load_all.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";

Deno.test("bench --shard splits one load over two clients that write one run id", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_shard_" });
  try {
    const common = [
      "--simulate",
      "--concurrency",
      "3",
      "--requests",
      "9",
      "--input-tokens",
      "16",
      "--output-tokens",
      "4",
      "--run-id",
      "split-run",
      "--out",
      out,
    ];
    const results = await Promise.all([
      runBench([...common, "--shard", "0/2"]),
      runBench([...common, "--shard", "1/2"]),
    ]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const runFiles = filesIn(out).filter((f) => f.endsWith(".json"));
    assert.equal(runFiles.length, 2);
    assert.ok(
      runFiles.some((f) => f.includes("shard0of2")) &&
        runFiles.some((f) => f.includes("shard1of2")),
    );
    const runs = await Promise.all(runFiles.map((f) => load(join(out, f))));
    assert.deepEqual(runs.map((r) => r.meta.run_id), ["split-run", "split-run"]);
    const byShard = runs.sort((a, b) => a.meta.load.shard!.index - b.meta.load.shard!.index);
    assert.deepEqual(byShard.map((r) => r.requests.length), [5, 4], "9 requests split 5 + 4");
    assert.deepEqual(
      byShard.map((r) => r.meta.load.concurrency),
      [2, 1],
      "concurrency 3 split 2 + 1",
    );
    const requestIds = byShard.flatMap((r) => r.requests.map((q) => q.request_id));
    assert.equal(new Set(requestIds).size, 9, "the shards' X-Request-Ids are distinct");

    const [merged, ...others] = await loadAll(out);
    assert.equal(others.length, 0, "loadAll merges the shards into one run");
    assert.equal(merged.meta.run_id, "split-run");
    assert.equal(merged.requests.length, 9);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
