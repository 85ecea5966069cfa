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
    await writeChatStream(response, "chatcmpl-1", ["a", "b"]);
  });
  try {
    const run = await collect({
      url: server.url,
      model: "test-model",
      requests: [{ prompt: "x", max_tokens: 2 }, { prompt: "y", max_tokens: 2 }],
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
