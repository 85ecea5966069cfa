import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { loadAll } from "../../src/io/load_all.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";

const API_KEY = "sk-test-never-written-0123";

Deno.test("bench --simulate with a concurrency sweep writes one run per level, a summary and a report", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_sweep_" });
  try {
    const { code, stdout, stderr } = await runBench([
      "--simulate",
      "--concurrency",
      "1,4",
      "--requests",
      "8",
      "--input-tokens",
      "32",
      "--output-tokens",
      "8",
      "--slo",
      "ttft=1000",
      "--api-key",
      API_KEY,
      "--out",
      out,
    ]);
    assert.equal(code, 0, stderr);
    const files = filesIn(out);
    const runFiles = files.filter((f) => f.endsWith(".json"));
    assert.equal(runFiles.length, 2, files.join(", "));
    assert.equal(files.filter((f) => f.endsWith(".csv") && !f.includes("summary")).length, 2);
    const reports = filesIn(join(out, "reports"));
    assert.deepEqual(reports.map((f) => f.replace(/^.*_/, "")), [
      "bench-summary.csv",
      "bench-summary.html",
    ]);
    assert.equal(files.filter((f) => f.endsWith(".jsonl")).length, 0, "the crash log is removed");

    // The summary names both runs.
    assert.match(stdout, /bench-c1-rinf/);
    assert.match(stdout, /bench-c4-rinf/);
    assert.match(stdout, /server spans joined: 8 of 8 requests/);

    const concurrencies: number[] = [];
    for (const name of runFiles) {
      const run = await load(join(out, name));
      assert.equal(run.requests.length, 8);
      assert.ok(run.requests.every((r) => r.success), "every request succeeded");
      assert.ok(run.requests.every((r) => r.span_status === "found"), "every request has its span");
      assert.equal(run.meta.trace_source, "embedded");
      assert.ok(run.meta.prometheus, "the simulator's /metrics was scraped");
      concurrencies.push(run.meta.load.concurrency!);
      const fromCsv = await load(join(out, name.replace(/\.json$/, ".csv")));
      assert.deepEqual(fromCsv.requests.map((r) => r.ttft_ms), run.requests.map((r) => r.ttft_ms));
    }
    assert.deepEqual(concurrencies.sort(), [1, 4]);

    const summaryCsv = await Deno.readTextFile(join(out, "reports", reports[0]));
    const [header, ...rows] = summaryCsv.trim().split("\n");
    assert.equal(rows.length, 2);
    assert.match(header, /goodput/);
    assert.match(await Deno.readTextFile(join(out, "reports", reports[1])), /<svg/);
    assert.equal((await loadAll(out)).length, 2, "loadAll(out) reads the two runs");

    // The simulator requires the key, so every success proves it was sent; no file keeps it.
    for (const name of [...files, ...reports.map((f) => join("reports", f))]) {
      const text = await Deno.readTextFile(join(out, name));
      assert.ok(!text.includes(API_KEY), `${name} contains the API key`);
    }
    assert.ok(!stdout.includes(API_KEY) && !stderr.includes(API_KEY));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
