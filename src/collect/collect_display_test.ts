import assert from "node:assert/strict";
import { collect } from "./collect.ts";
import { randomDataset } from "../datasets/mod.ts";
import { startSimulator } from "../sim/mod.ts";

type Displayable = Record<symbol, () => Record<string, string>>;

Deno.test("collect() returns a run that shows as the run view in Jupyter and in console.log", async () => {
  const sim = await startSimulator({ decodeStepMs: 1 });
  try {
    const run = await collect({
      url: sim.url,
      requests: randomDataset({ inputTokens: 16, outputTokens: 4, seed: 1 }),
      count: 3,
      concurrency: 2,
      label: "shown",
    });
    const bundle = (run as unknown as Displayable)[Symbol.for("Jupyter.display")]();
    assert.match(bundle["text/html"], /^<div class="vllm-metrics-run">/);
    assert.match(bundle["text/plain"], /^run +shown \(/);
    assert.equal(Deno.inspect(run), bundle["text/plain"]);
    assert.equal(JSON.parse(JSON.stringify(run)).meta.label, "shown"); // JSON unaffected
  } finally {
    await sim.close();
  }
});
