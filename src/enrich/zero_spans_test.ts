import assert from "node:assert/strict";
import { collect } from "../collect/mod.ts";
import { startReceiver } from "../otlp/mod.ts";
import { startSimulator } from "../sim/mod.ts";
import { enrich } from "./enrich.ts";
import { NO_SPANS_NOTE } from "./zero_spans.ts";

Deno.test("a run whose receiver got no span says so once, with the likely causes", async () => {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
  // the server exports nowhere, as vLLM started without --otlp-traces-endpoint
  const sim = await startSimulator({});
  try {
    const run = await collect({
      url: sim.url,
      requests: ["a", "b", "c", "d"].map((prompt) => ({ prompt })),
      concurrency: 2,
    });
    const enriched = await enrich(run, receiver, { timeoutMs: 300 });
    const warnings = enriched.meta.warnings ?? [];
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^No server span arrived for any of the 4 requests from embedded/);
    assert.match(warnings[0], /--otlp-traces-endpoint/);
    assert.match(warnings[0], /port/);
    assert.match(warnings[0], /OTEL_TRACES_SAMPLER/);
    assert.ok(enriched.requests.every((r) => r.span_note === NO_SPANS_NOTE));
  } finally {
    await sim.close();
    await receiver.close();
  }
});
