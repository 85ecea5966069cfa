import assert from "node:assert/strict";
import { plot, render } from "../../src/plot/mod.ts";
import { toChunkTable, toTable } from "../../src/table/mod.ts";
import { summarize } from "../../src/summarize/mod.ts";
import type { VegaLiteSpec } from "../../src/types.ts";
import { compile, dataRows, svgText } from "./_helpers.ts";
import { syntheticRuns } from "./_fixtures.ts";

// The real tables of src/table and src/summarize, from Run objects.
const runs = syntheticRuns({ requests: 50, labels: ["baseline", "tuned"], seed: 13 });
const table = toTable(runs);
const chunks = toChunkTable(runs);
const summary = summarize(table);

const charts: [string, () => VegaLiteSpec][] = [
  ["histogram", () => plot.histogram(table, { metric: "itl_ms", color: "label" })],
  ["ecdf", () => plot.ecdf(table, { metric: "ttft_ms", color: "label" })],
  ["breakdown", () => plot.breakdown(table)],
  ["timeline", () => plot.timeline(table)],
  ["itlOverTime", () => plot.itlOverTime(chunks)],
  ["itlByPosition", () => plot.itlByPosition(chunks)],
  ["throughputOverTime", () => plot.throughputOverTime(chunks)],
  ["inFlight", () => plot.inFlight(table)],
  ["sweep", () => plot.sweep(summary, { x: "concurrency", y: ["ttft_ms_p99"] })],
  ["throughputVsLatency", () => plot.throughputVsLatency(summary)],
  ["compare", () => plot.compare(table, { metric: "e2e_ms" })],
];

for (const [name, make] of charts) {
  Deno.test(`${name} draws the tables built by toTable, toChunkTable and summarize`, async () => {
    const spec = make();
    compile(spec);
    assert.ok(dataRows(spec).length > 0 || JSON.stringify(spec).includes("layer"));
    assert.ok(!svgText(await render(spec)).includes("no data"), `${name} found no data`);
  });
}

Deno.test("histogram of toTable's ITL lists counts every gap of successful requests", () => {
  const spec = plot.histogram(table, { metric: "itl_ms", clipQuantile: 1 });
  const total = dataRows(spec).reduce((a, r) => a + (r.count as number), 0);
  const expected = runs.flatMap((r) => r.requests).filter((r) => r.success)
    .reduce((a, r) => a + r.itl_ms.length, 0);
  assert.equal(total, expected);
});
