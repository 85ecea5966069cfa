import assert from "node:assert/strict";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { FileFormatError } from "./errors.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import type { ServerMetricsSeries } from "../types.ts";

const series: ServerMetricsSeries = {
  url: "http://127.0.0.1:8000/metrics",
  interval_ms: 1000,
  at_ms: [1_700_000_000_000, 1_700_000_001_000],
  values: {
    'vllm:kv_cache_usage_perc{engine="0",model_name="m"}': [0.25, null],
    'vllm:num_preemptions_total{engine="0",model_name="m"}': [0, 3],
  },
  types: { "vllm:kv_cache_usage_perc": "gauge", "vllm:num_preemptions_total": "counter" },
  failures: 1,
  skipped: 0,
  last_error: "prometheus did not answer within 1000 ms",
};

Deno.test("the server's metrics over the run survive save and load in every format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([makeRecord()], { server_metrics: series });
    for (const ext of ["json", "jsonl", "csv"]) {
      const path = await save(run, join(dir, `run.${ext}`));
      assert.deepEqual((await load(path)).meta.server_metrics, series, ext);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load() names the series whose values do not match the scrapes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = { ...series, values: { "vllm:x": [1] } }; // 1 value for 2 scrapes
    const path = join(dir, "bad.json");
    const meta = { ...makeRun([]).meta, server_metrics: bad };
    await Deno.writeTextFile(
      path,
      `{"schema_version":1,"meta":${JSON.stringify(meta)},"requests":[\n]}\n`,
    );
    await assert.rejects(
      () => load(path),
      (e: unknown) =>
        e instanceof FileFormatError &&
        /meta\.server_metrics\.values\["vllm:x"\] must be 2 numbers or nulls/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
