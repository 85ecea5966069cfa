/**
 * The whole pipeline as a user's own script in a folder of their own: `tests/outside/run.sh`
 * copies this file into an empty temporary folder, points its import at this clone's mod.ts by
 * absolute path, and runs it there, where no deno.json (and so no import map) can help.
 * Simulator → collect → enrich → toTable → summarize → plot → render → save → load.
 */
import assert from "node:assert/strict";
import {
  collect,
  enrich,
  load,
  plot,
  randomDataset,
  render,
  save,
  startReceiver,
  startSimulator,
  summarize,
  toTable,
} from "../../mod.ts";

const REQUESTS = 12;
const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
const sim = await startSimulator({ otlpEndpoint: receiver.grpcEndpoint!, exportDelayMs: 100 });
try {
  const run = await collect({
    url: sim.url,
    requests: randomDataset({ inputTokens: 64, outputTokens: 12, seed: 3 }),
    count: REQUESTS,
    concurrency: 4,
  });
  await sim.flushSpans();
  const enriched = await enrich(run, receiver, { timeoutMs: 10_000 });
  const joined = enriched.requests.filter((r) => r.span_status === "found").length;
  assert.equal(joined, REQUESTS, "every request joined to its server span");

  const table = toTable(enriched);
  const summary = summarize(table).objects()[0] as Record<string, unknown>;
  assert.equal(summary.succeeded, REQUESTS);
  assert.ok(Number.isFinite(summary.ttft_ms_p50), "a finite TTFT p50");
  assert.ok(Number.isFinite(summary.server_queue_ms_p50), "a finite server queue p50");

  const png = await render(plot.ecdf(table, { metric: "ttft_ms" }), { format: "png" });
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG image");

  const path = await save(enriched, `${Deno.cwd()}/run.json`);
  const loaded = await load(path);
  assert.equal(loaded.requests.length, REQUESTS);
  console.log(
    `outside pipeline: ${joined} of ${REQUESTS} joined, ttft p50 ${summary.ttft_ms_p50} ms`,
  );
} finally {
  await sim.close();
  await receiver.close();
}
