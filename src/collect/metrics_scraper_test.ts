import assert from "node:assert/strict";
import { startMetricsScraper } from "./metrics_scraper.ts";
import { collect } from "./collect.ts";
import { startSimulator } from "../sim/mod.ts";
import { toMetricsTable } from "../table/to_metrics_table.ts";
import { delay, startLoopbackServer, writeChatStream } from "./_loopback_server.ts";
import { load } from "../io/load.ts";
import { makeRun } from "../table/_fixtures.ts";

Deno.test("collect with scrapeInterval keeps vLLM's gauges and counters over the run", async () => {
  // 4 slots and a small KV cache: the queue fills, and requests are preempted.
  const sim = await startSimulator({ maxNumSeqs: 4, kvCacheBlocks: 8, decodeStepMs: 5 });
  try {
    const run = await collect({
      url: sim.url,
      requests: Array.from({ length: 12 }, () => ({ prompt: "Hello there", max_tokens: 40 })),
      concurrency: 12,
      scrapeInterval: 20,
    });
    assert.equal(run.requests.filter((r) => r.success).length, 12);
    const scraped = run.meta.server_metrics!;
    assert.ok(scraped.at_ms.length >= 3, `${scraped.at_ms.length} scrapes`);
    assert.equal(scraped.failures, 0);
    assert.equal(scraped.types["vllm:kv_cache_usage_perc"], "gauge");
    assert.equal(scraped.types["vllm:num_preemptions_total"], "counter");
    assert.ok(!Object.keys(scraped.values).some((k) => k.includes("_bucket")), "no histograms");
    const table = toMetricsTable(run);
    const values = (metric: string) =>
      table.filter(`d => d.metric === '${metric}'`).array("value") as number[];
    assert.ok(Math.max(...values("vllm:num_requests_waiting")) > 0, "requests waited");
    assert.ok(Math.max(...values("vllm:num_requests_running")) <= 4);
    assert.ok(Math.max(...values("vllm:kv_cache_usage_perc")) > 0.5, "the cache filled");
    assert.ok(Math.max(...values("vllm:num_preemptions_total")) > 0, "preemptions counted");
    assert.equal(run.meta.warnings, undefined);
  } finally {
    await sim.close();
  }
});

Deno.test("a /metrics that fails or hangs is counted and neither fails nor holds up the run", async () => {
  let metricsAnswered = false;
  const server = await startLoopbackServer(async (request, response) => {
    if (request.path === "/metrics") {
      await delay(3000); // hangs far beyond the run; the run must not wait for it
      metricsAnswered = true;
      return await response.json(500, { error: "late" });
    }
    await writeChatStream(response, "chatcmpl-1", ["a", "b", "c"], { gapMs: 50 });
  });
  try {
    const run = await collect({
      url: server.url,
      model: "test-model",
      requests: [{ prompt: "x", max_tokens: 3 }, { prompt: "y", max_tokens: 3 }],
      scrapeInterval: 10,
    });
    assert.equal(metricsAnswered, false, "the run ended before the hanging scrape was answered");
    assert.equal(run.requests.filter((r) => r.success).length, 2);
    const scraped = run.meta.server_metrics!;
    assert.equal(scraped.at_ms.length, 0);
    assert.ok(scraped.skipped > 0, "ticks during the hanging scrape were skipped");
  } finally {
    await server.close();
  }
});

Deno.test("a scraper pointed at a closed port counts its failures and keeps the last error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const scraper = startMetricsScraper({ url: `http://127.0.0.1:${port}`, intervalMs: 10 });
  await delay(100);
  const series = await scraper.stop();
  assert.ok(series.failures >= 2, `${series.failures} failures`);
  assert.match(series.last_error!, /127\.0\.0\.1/);
  assert.equal(series.url, `http://127.0.0.1:${port}/metrics`);
  assert.deepEqual(series.at_ms, []);
});

Deno.test("startMetricsScraper rejects an interval that is not a positive number", () => {
  assert.throws(
    () => startMetricsScraper({ url: "http://127.0.0.1:1", intervalMs: 0 }),
    RangeError,
  );
});

Deno.test("from a real vLLM 0.32 /metrics the scraper keeps the vllm: gauges and counters only", async () => {
  const real = await Deno.readTextFile(
    new URL("../sim/testdata/vllm-0.32.0/metrics.txt", import.meta.url),
  );
  const server = await startLoopbackServer(async (_request, response) => {
    await response.head(200, { "content-type": "text/plain; version=0.0.4" });
    await response.chunk(real);
    await response.end();
  });
  try {
    const scraper = startMetricsScraper({ url: server.url, intervalMs: 1000 });
    await delay(300);
    const series = await scraper.stop();
    const names = new Set(Object.keys(series.values).map((k) => k.split("{", 1)[0]));
    for (
      const name of [
        "vllm:kv_cache_usage_perc",
        "vllm:num_requests_running",
        "vllm:num_requests_waiting",
        "vllm:num_preemptions_total",
        "vllm:prefix_cache_hits_total",
        "vllm:prefix_cache_queries_total",
        "vllm:generation_tokens_total",
      ]
    ) assert.ok(names.has(name), name);
    for (const name of names) {
      assert.ok(name.startsWith("vllm:") && !name.endsWith("_created"), name);
      assert.ok(!/_bucket$|_sum$|_count$/.test(name), name);
    }
    const hits = Object.entries(series.values).find(([k]) =>
      k.startsWith("vllm:prefix_cache_hits_total")
    )!;
    assert.deepEqual(hits[1], [1792]);
  } finally {
    await server.close();
  }
});

Deno.test("a JSONL log cut before its closing line still holds every scrape of /metrics", async () => {
  const sim = await startSimulator({ maxNumSeqs: 2, decodeStepMs: 5 });
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/run.jsonl`;
    const run = await collect({
      url: sim.url,
      requests: Array.from({ length: 6 }, () => ({ prompt: "Hello there", max_tokens: 20 })),
      concurrency: 6,
      scrapeInterval: 20,
      jsonlPath: path,
    });
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.equal(JSON.parse(lines.at(-1)!).type, "meta", "the closing line");
    await Deno.writeTextFile(path, lines.slice(0, -1).join("\n") + "\n"); // as after a crash
    const loaded = await load(path);
    const scraped = run.meta.server_metrics!;
    assert.ok(scraped.at_ms.length >= 2, `${scraped.at_ms.length} scrapes`);
    assert.equal(loaded.meta.interrupted, true);
    assert.deepEqual(loaded.meta.server_metrics!.at_ms, scraped.at_ms);
    assert.deepEqual(loaded.meta.server_metrics!.values, scraped.values);
    assert.deepEqual(loaded.meta.server_metrics!.types, scraped.types);
    assert.match(loaded.meta.warnings!.join("\n"), /rebuilt from \d+ metrics lines/);
    // With its closing line, the file's own copy is used and nothing is said.
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const whole = await load(path);
    assert.deepEqual(whole.meta.server_metrics, scraped);
    assert.equal(whole.meta.warnings, undefined);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a malformed metrics line names the file and line, and salvage skips it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/run.jsonl`;
    const meta = { type: "meta", ...makeRun([]).meta, ended_ms: null, duration_ms: null };
    const sample = { type: "metrics", url: "u", interval_ms: 10, at_ms: 1, values: { a: "x" } };
    await Deno.writeTextFile(path, `${JSON.stringify(meta)}\n${JSON.stringify(sample)}\n`);
    await assert.rejects(() => load(path), /run\.jsonl:2.*values must be an object of numbers/);
    const salvaged = await load(path, { salvage: true });
    assert.equal(salvaged.meta.server_metrics, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
