import assert from "node:assert/strict";
import * as aq from "../../src/deps/arquero.ts";
import { plot, render, VEGA_LITE_SCHEMA } from "../../src/plot/mod.ts";
import { compile, svgText } from "./_helpers.ts";
import { syntheticChunkTable, syntheticSweepSummary, syntheticTable } from "./_fixtures.ts";

const requests = syntheticTable({ requests: 20 });
const chunks = syntheticChunkTable({ requests: 20 });
const summary = syntheticSweepSummary();

Deno.test("a chart given the wrong kind of table says which table it takes", () => {
  assert.throws(
    () => plot.itlOverTime(requests),
    /^TypeError: plot\.itlOverTime: this chart takes the chunk table .*use toChunkTable\(runs\)/,
  );
  assert.throws(() => plot.ecdf(chunks, { metric: "ttft_ms" }), /use toTable\(runs\)/);
  assert.throws(
    () => plot.ecdf(summary, { metric: "ttft_ms" }),
    /use toTable\(runs\), not a summary/,
  );
  assert.throws(
    () => plot.sweep(requests, { x: "concurrency", y: ["ttft_ms_p50"] }),
    /takes a summary .*use summarize\(table\)/,
  );
  assert.throws(() => plot.itlOverTime(requests), /\(it has: [^)]*… \(\d+ in all\)\)$/);
});

Deno.test("plot.compare without options says which options it needs", () => {
  for (const options of [undefined, {}, null]) {
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => plot.compare(requests, options as any),
      /^TypeError: plot\.compare: say which metric to compare, e\.g\. plot\.compare\(table, \{ metric: "ttft_ms" \}\)/,
    );
  }
});

Deno.test("a missing column throws a TypeError naming the chart and the column", () => {
  const t = requests.select("start_ms", "e2e_ms", "success");
  assert.throws(() => plot.histogram(t, { metric: "ttft_ms" }), (e: Error) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /plot\.histogram: column "ttft_ms" not found/);
    return true;
  });
  assert.throws(
    () => plot.breakdown(t),
    /plot\.breakdown: columns "server_queue_ms", "server_prefill_ms"/,
  );
  assert.throws(() => plot.ecdf(t, { metric: "itl_ms" }), /column "itl_ms" not found/);
  assert.throws(
    () => plot.compare(requests, { metric: "ttft_ms", color: "nope" }),
    /column "nope"/,
  );
  assert.throws(() => plot.itlOverTime(requests), /plot\.itlOverTime: .*columns? .*"gap_ms"/);
  assert.throws(
    () => plot.sweep(summary, { x: "concurrency", y: ["ttft_ms_p42"] }),
    /"ttft_ms_p42"/,
  );
  assert.throws(() => plot.throughputVsLatency(summary, { latency: "x_ms" }), /"x_ms"/);
});

Deno.test("a non-table input throws a TypeError", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => plot.histogram([{ ttft_ms: 1 }] as any, { metric: "ttft_ms" }),
    /expected an arquero table, got an array/,
  );
});

Deno.test("invalid options throw RangeErrors naming the option", () => {
  assert.throws(() => plot.histogram(requests, { metric: "ttft_ms", maxBins: 0 }), /maxBins/);
  assert.throws(() => plot.histogram(requests, { metric: "ttft_ms", width: -5 }), /width/);
  assert.throws(() => plot.histogram(requests, { metric: "ttft_ms", domain: [5, 1] }), /domain/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => plot.sweep(summary, { x: "load" as any }), /option x/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => plot.compare(requests, { metric: "ttft_ms", kind: "violin" as any }), /kind/);
  assert.throws(() => plot.breakdown(requests, { maxBars: 1.5 }), /maxBars/);
});

const empty = requests.filter(() => false);
const emptyChunks = chunks.filter(() => false);
const noData: [string, () => ReturnType<typeof plot.histogram>][] = [
  ["histogram", () => plot.histogram(empty, { metric: "ttft_ms" })],
  ["ecdf", () => plot.ecdf(empty, { metric: "itl_ms" })],
  ["breakdown", () => plot.breakdown(empty)],
  ["timeline", () => plot.timeline(empty)],
  ["inFlight", () => plot.inFlight(empty)],
  ["compare", () => plot.compare(empty, { metric: "e2e_ms" })],
  ["itlOverTime", () => plot.itlOverTime(emptyChunks)],
  ["itlByPosition", () => plot.itlByPosition(emptyChunks)],
  ["throughputOverTime", () => plot.throughputOverTime(emptyChunks)],
  ["sweep", () => plot.sweep(summary.filter(() => false), { x: "rate" })],
  ["throughputVsLatency", () => plot.throughputVsLatency(summary.filter(() => false))],
];
for (const [name, make] of noData) {
  Deno.test(`${name} of an empty table renders a chart that says "no data"`, async () => {
    const spec = make();
    assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
    compile(spec);
    const svg = await render(spec);
    assert.ok(svgText(svg).includes("no data"));
  });
}

Deno.test("only failed requests gives a no-data latency chart", async () => {
  const t = requests.derive({ success: () => false });
  const svg = await render(plot.ecdf(t, { metric: "ttft_ms" }));
  assert.ok(svgText(svg).includes("no data"));
});

Deno.test("breakdown without server times says to run enrich", async () => {
  const t = syntheticTable({ requests: 10, server: false });
  const svg = await render(plot.breakdown(t));
  assert.match(svgText(svg), /run enrich\(\) with a trace source/);
});

Deno.test("sweep over rate when every rate is null says no data", () => {
  const spec = plot.sweep(summary, { x: "rate" });
  assert.match(JSON.stringify(spec), /no data/);
});

Deno.test("a table with only nulls in a metric gives no data rather than an error", () => {
  const t = aq.table({ ttft_ms: [null, null], success: [true, true] });
  assert.match(JSON.stringify(plot.histogram(t, { metric: "ttft_ms" })), /no data/);
});
