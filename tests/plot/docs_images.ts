/**
 * Writes the README's example charts (docs/img/*.png) from the seeded synthetic data of the
 * plot tests: `deno run -A tests/plot/docs_images.ts`.
 *
 * @module
 */

import { plot, render } from "../../src/plot/mod.ts";
import { syntheticChunkTable, syntheticSweepSummary, syntheticTable } from "./_fixtures.ts";

const out = new URL("../../docs/img/", import.meta.url);
await Deno.mkdir(out, { recursive: true });
const runs = syntheticTable({ requests: 400, seed: 21, labels: ["baseline", "tuned"] });
const one = syntheticTable({ requests: 60, seed: 21, concurrency: 6 });
const images = {
  "ttft-ecdf.png": plot.ecdf(runs, { metric: "ttft_ms", color: "label" }),
  "breakdown.png": plot.breakdown(one),
  "timeline.png": plot.timeline(one),
  "sweep.png": plot.sweep(syntheticSweepSummary(), { x: "concurrency" }),
  "itl-over-time.png": plot.itlOverTime(syntheticChunkTable({ requests: 300, seed: 21 })),
};
for (const [name, spec] of Object.entries(images)) {
  await Deno.writeFile(new URL(name, out), await render(spec, { format: "png" }));
  console.log(`docs/img/${name}`);
}
