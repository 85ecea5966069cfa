import assert from "node:assert/strict";
import { startMetricsScraper } from "./metrics_scraper.ts";
import { collect } from "./collect.ts";
import { startSimulator } from "../sim/mod.ts";
import { toMetricsTable } from "../table/to_metrics_table.ts";
import { delay, startLoopbackServer, writeChatStream } from "./_loopback_server.ts";

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
