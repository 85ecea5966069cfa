import assert from "node:assert/strict";
import { join } from "node:path";
import { parse as parseYamlText } from "../deps/yaml.ts";
import { load } from "./load.ts";
import { loadAll } from "./load_all.ts";
import { save } from "./save.ts";
import { checkMeta, checkRecord } from "./validate.ts";
import type { Run } from "../types.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { toTable } from "../table/to_table.ts";

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url).pathname;
const readJson = async (name: string) => JSON.parse(await Deno.readTextFile(testdata(name)));

/** Every record and the meta pass the checks `load` applies to this tool's own files. */
function assertValidRun(run: Run): void {
  checkMeta(run.meta, { file: "test" });
  run.requests.forEach((r, i) => checkRecord(r, { file: "test", line: i }));
}

/** Saving to each of this tool's formats and loading again gives the same run. */
async function assertRoundTrips(run: Run): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    for (const ext of ["json", "jsonl", "csv", "parquet", "arrow"]) {
      const again = await load(await save(run, join(dir, `run.${ext}`)));
      assert.deepEqual(JSON.parse(JSON.stringify(again)), JSON.parse(JSON.stringify(run)), ext);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a vllm bench serve --save-detailed file loads as a run with vllm bench's own timings", async () => {
  const raw = await readJson("vllm-bench-serve-errors.json");
  const run = await load(testdata("vllm-bench-serve-errors.json"));
  assertValidRun(run);
  assert.equal(run.meta.source?.tool, "vllm bench serve");
  assert.equal(run.meta.source?.version, null); // the file does not record it
  assert.equal(run.meta.client.tool, "vllm bench serve");
  assert.ok(run.meta.source?.missing.includes("trace_id"));
  assert.match(run.meta.source!.note, /no source for: .*server_\*/);
  assert.equal(run.meta.model, raw.model_id);
  assert.equal(run.meta.load.concurrency, raw.max_concurrency);
  assert.equal(run.requests.length, raw.ttfts.length);
  assert.deepEqual(run.requests.map((r) => r.success), raw.errors.map((e: string) => e === ""));
  const failed = run.requests.find((r) => !r.success)!;
  assert.equal(failed.error?.message, "Internal Server Error");
  assert.equal(failed.ttft_ms, null); // vllm bench writes 0.0 for a failed request
  const i = run.requests.findIndex((r) => r.success);
  const ok = run.requests[i];
  assert.equal(ok.ttft_ms, raw.ttfts[i] * 1000);
  assert.equal(ok.e2e_ms, raw.latencies[i] * 1000);
  assert.deepEqual(ok.itl_ms, raw.itls[i].map((s: number) => s * 1000));
  assert.equal(ok.chunk_times_ms.length, raw.itls[i].length + 1);
  assert.equal(ok.completion_tokens, raw.output_lens[i]);
  assert.equal(ok.prompt_tokens, raw.input_lens[i]);
  assert.equal(ok.output_chars, raw.generated_texts[i].length);
  assert.equal(ok.lateness_ms, raw.queue_times[i] * 1000);
  assert.equal(ok.tpot_ms, (ok.e2e_ms! - ok.ttft_ms!) / (ok.completion_tokens! - 1));
  assert.ok(Math.abs(run.meta.duration_ms - raw.duration * 1000) < 1e-3); // epoch ms round-off
  assert.equal(run.meta.extra.mean_ttft_ms, raw.mean_ttft_ms); // the settings and summary kept
  assert.equal(run.meta.extra.ttfts, undefined); // the per-request lists are the records
  await assertRoundTrips(run);
});

Deno.test("a vllm bench result saved without --save-detailed is refused with the flag to use", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const raw = await readJson("vllm-bench-serve.json");
    for (const key of ["ttfts", "itls", "input_lens", "output_lens", "errors", "start_times"]) {
      delete raw[key];
    }
    const path = join(dir, "summary-only.json");
    await Deno.writeTextFile(path, JSON.stringify(raw));
    await assert.rejects(load(path), /summary-only\.json: .*--save-detailed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a GuideLLM YAML report loads as a run with the strategy as load settings", async () => {
  const raw = parseYamlText(await Deno.readTextFile(testdata("guidellm-constant.yaml")));
  const run = await load(testdata("guidellm-constant.yaml"));
  assertValidRun(run);
  const benchmark = raw.benchmarks[0];
  assert.equal(run.meta.source?.tool, "guidellm");
  assert.equal(run.meta.source?.version, raw.metadata.guidellm_version);
  assert.equal(run.meta.load.rate, benchmark.config.strategy.rate);
  assert.equal(run.meta.url, raw.config.spec.backend.target);
  assert.equal(run.meta.label, "guidellm constant@10");
  assert.equal(run.requests.length, benchmark.requests.successful.length);
  const byId = new Map(run.requests.map((r) => [r.request_id, r]));
  for (const stats of benchmark.requests.successful) {
    const r = byId.get(stats.request_id)!;
    assert.equal(r.ttft_ms, stats.time_to_first_token_ms);
    assert.equal(r.e2e_ms, stats.request_latency * 1000);
    assert.equal(r.tpot_ms, stats.inter_token_latency_ms);
    assert.equal(r.completion_tokens, stats.output_tokens);
    assert.equal(r.response_id, stats.response_id);
    assert.equal(r.scheduled_ms, stats.info.timings.targeted_start * 1000);
    assert.deepEqual(r.itl_ms, []); // GuideLLM keeps no per-token times
  }
  assert.ok(run.meta.source?.missing.includes("itl_ms"));
  await assertRoundTrips(run);
});

Deno.test("a GuideLLM report with several benchmarks gives one run each through loadAll", async () => {
  const path = testdata("guidellm-concurrent-errors.json");
  const raw = await readJson("guidellm-concurrent-errors.json");
  await assert.rejects(load(path), /holds 2 runs .*loadAll/);
  const runs = await loadAll([path]);
  assert.deepEqual(runs.map((r) => r.meta.load.concurrency), [1, 2]);
  runs.forEach(assertValidRun);
  const errored = raw.benchmarks[1].requests.errored[0];
  const failed = runs[1].requests.find((r) => r.request_id === errored.request_id)!;
  assert.equal(failed.success, false);
  assert.equal(failed.error?.message, errored.info.error);
  assert.equal(runs[1].requests.length, 6);
});

Deno.test("an AIPerf profile_export.jsonl loads with the settings of the summary beside it", async () => {
  const path = testdata("aiperf/profile_export.jsonl");
  const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
  const summary = await readJson("aiperf/profile_export_aiperf.json");
  const run = await load(path);
  assertValidRun(run);
  assert.equal(run.meta.source?.tool, "aiperf");
  assert.equal(run.meta.source?.version, summary.aiperf_version);
  assert.equal(run.meta.model, "sim-llama-3-8b");
  assert.equal(run.meta.load.rate, 10);
  assert.equal(run.requests.length, lines.length);
  assert.equal(run.requests.filter((r) => !r.success).length, lines.filter((l) => l.error).length);
  const byId = new Map(run.requests.map((r) => [r.request_id, r]));
  for (const line of lines) {
    const r = byId.get(line.metadata.x_request_id)!;
    assert.equal(r.start_ms, line.metadata.request_start_ns / 1e6);
    if (line.error) {
      assert.equal(r.error?.status, line.error.code);
      assert.equal(r.ttft_ms, null);
      continue;
    }
    assert.equal(r.ttft_ms, line.metrics.time_to_first_token.value);
    assert.equal(r.e2e_ms, line.metrics.request_latency.value);
    assert.deepEqual(r.itl_ms, line.metrics.inter_chunk_latency.value);
    assert.equal(r.completion_tokens, line.metrics.usage_completion_tokens.value);
    assert.equal(r.token_source, "usage");
  }
  await assertRoundTrips(run);
});

Deno.test("an AIPerf export without its summary loads, listing the settings it lacks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "profile_export.jsonl");
    await Deno.copyFile(testdata("aiperf/profile_export.jsonl"), path);
    const run = await load(path);
    assert.equal(run.meta.source?.version, null);
    assert.equal(run.meta.model, "");
    for (const field of ["url", "model", "client.version"]) {
      assert.ok(run.meta.source?.missing.includes(field), field);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad value in another tool's file is reported with the file and the key path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const raw = await readJson("vllm-bench-serve.json");
    raw.ttfts[3] = "fast";
    const path = join(dir, "bad.json");
    await Deno.writeTextFile(path, JSON.stringify(raw));
    await assert.rejects(load(path), /bad\.json: ttfts\[3\] must be a number, got "fast"/);
    const yaml = join(dir, "other.yaml");
    await Deno.writeTextFile(yaml, "a: 1\n");
    await assert.rejects(load(yaml), /other\.yaml: not a GuideLLM benchmarks report/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs of three tools and this one load together from one folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(testdata("vllm-bench-serve.json"), join(dir, "a.json"));
    await Deno.copyFile(testdata("guidellm-constant.yaml"), join(dir, "b.yaml"));
    await Deno.copyFile(testdata("aiperf/profile_export.jsonl"), join(dir, "c.jsonl"));
    await save(makeRun([makeRecord()]), join(dir, "d.json"));
    const runs = await loadAll(dir);
    assert.deepEqual(runs.map((r) => r.meta.client.tool), [
      "vllm bench serve",
      "guidellm",
      "aiperf",
      makeRun([]).meta.client.tool,
    ]);
    // Each row of the request table says which tool measured it.
    assert.deepEqual([...new Set(toTable(runs).array("tool"))], [
      "vllm bench serve",
      "guidellm",
      "aiperf",
      makeRun([]).meta.client.tool,
    ]);
    assert.deepEqual(runs.map((r) => r.meta.source?.tool ?? null), [
      "vllm bench serve",
      "guidellm",
      "aiperf",
      null,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
