/**
 * What deploy/k8s/bench-job.yaml does, without Kubernetes: N shard processes (`--shard I/N`, as
 * the Indexed Job's pods run them) against one shared server, then the merge step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSimulator } from "../../src/sim/server.ts";
import { load } from "../../src/io/load.ts";
import { mergeRuns } from "../../src/cli/merge.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";
import type { Run } from "../../src/types.ts";

const SHARDS = 3;
const REQUESTS = 90;
const RATE = 60;

/** Arrivals per second a shard scheduled: (n − 1) gaps over the span of its schedule. */
function scheduledRate(run: Run): number {
  const times = run.requests.map((r) => r.scheduled_ms).sort((a, b) => a - b);
  return (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
}

Deno.test("shards of one run on one server merge into every request once, at the asked rate", async () => {
  const sim = await startSimulator({ port: 0 });
  const out = await Deno.makeTempDir({ prefix: "bench_shard_merge_" });
  try {
    const common = [
      "--url",
      sim.url,
      "--rate",
      String(RATE),
      "--requests",
      String(REQUESTS),
      "--input-tokens",
      "16",
      "--output-tokens",
      "4",
      "--run-id",
      "k8s-run",
      "--out",
      out,
    ];
    const results = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => runBench([...common, "--shard", `${i}/${SHARDS}`])),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const shardFiles = filesIn(out).filter((f) => f.endsWith(".json"));
    const shards = await Promise.all(shardFiles.map((f) => load(join(out, f))));
    assert.deepEqual(shards.map((s) => s.requests.length), [30, 30, 30]);
    assert.deepEqual(shards.map((s) => s.meta.load.rate), [20, 20, 20], "the rate divided by N");

    const merged = await mergeRuns(out, join(out, "merged"));
    assert.equal(merged.runs.length, 1, "one run id, one merged run");
    const run = await load(merged.runs[0]);
    assert.equal(run.requests.length, REQUESTS);
    assert.equal(new Set(run.requests.map((r) => r.request_id)).size, REQUESTS, "each once");
    assert.deepEqual(run.requests.map((r) => r.index), [...Array(REQUESTS).keys()]);
    assert.equal(run.requests.filter((r) => !r.success).length, 0);
    assert.equal(run.meta.load.shard, undefined);
    assert.equal(run.meta.load.requests, REQUESTS);

    // N Poisson streams of rate R/N add up to rate R: each shard's schedule (seeded, so the same
    // on every machine) has its own estimated rate; their sum is within 4 standard errors of R.
    const total = shards.reduce((sum, s) => sum + scheduledRate(s), 0);
    assert.ok(Math.abs(total - RATE) < 4 * RATE / Math.sqrt(REQUESTS), `sum of rates ${total}`);

    const html = await Deno.readTextFile(merged.report);
    assert.match(html, /k8s-run/);
  } finally {
    await sim.close();
    await Deno.remove(out, { recursive: true });
  }
});
