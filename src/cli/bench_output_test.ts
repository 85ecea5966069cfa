import assert from "node:assert/strict";
import { join } from "node:path";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { parseBenchArgs } from "./bench_args.ts";
import { formatSweepTable, summaryCsv, summaryOf, writeRunFiles } from "./bench_output.ts";
import { load } from "../io/load.ts";

const runOf = (runId: string, label: string, ttfts: number[]) =>
  makeRun(
    ttfts.map((ttft_ms, index) => makeRecord({ run_id: runId, index, ttft_ms })),
    { run_id: runId, label },
  );

Deno.test("summaryCsv() writes a header and one row per run, empty cells for missing values", () => {
  const args = parseBenchArgs(["--percentiles", "50,99"]);
  const csv = summaryCsv(summaryOf([runOf("a", "c1", [10, 20]), runOf("b", "c4", [30, 40])], args));
  const [header, ...rows] = csv.trimEnd().split("\n");
  const columns = header.split(",");
  assert.ok(columns.includes("ttft_ms_p50") && columns.includes("ttft_ms_p99"));
  assert.equal(rows.length, 2);
  const p50 = columns.indexOf("ttft_ms_p50");
  assert.deepEqual(rows.map((r) => Number(r.split(",")[p50])), [15, 35]);
  const goodput = columns.indexOf("goodput");
  assert.deepEqual(rows.map((r) => r.split(",")[goodput]), ["", ""], "no --slo: no goodput");
});

Deno.test("formatSweepTable() gives one aligned line per run with the headline columns", () => {
  const args = parseBenchArgs(["--slo", "ttft=25"]);
  const text = formatSweepTable(
    summaryOf([runOf("a", "c1", [10, 20]), runOf("b", "c4", [30, 40])], args),
  );
  const lines = text.split("\n");
  assert.equal(lines.length, 4, "header, rule, two runs");
  assert.match(
    lines[0],
    /^run\s+requests\s+failed\s+req\/s\s+out tok\/s\s+goodput req\/s\s+TTFT p50 ms/,
  );
  assert.match(lines[2], /^c1\s/);
  assert.match(lines[3], /^c4\s/);
  assert.ok(!lines[0].includes("queue"), "no server columns without traces");
});

Deno.test("writeRunFiles() writes JSON and CSV that load back to the same run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench_output_" });
  try {
    const run = runOf("r", "x", [5, 6, 7]);
    const [jsonPath, csvPath] = await writeRunFiles(run, join(dir, "run"));
    assert.deepEqual([jsonPath, csvPath], [join(dir, "run.json"), join(dir, "run.csv")]);
    for (const path of [jsonPath, csvPath]) {
      const loaded = await load(path);
      assert.deepEqual(loaded.requests.map((r) => r.ttft_ms), [5, 6, 7]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
