import assert from "node:assert/strict";
import * as aq from "../../src/deps/arquero.ts";
import {
  breakdown,
  compare,
  ecdf,
  histogram,
  inFlight,
  itlByPosition,
  itlOverTime,
  plot,
  sweep,
  throughputOverTime,
  throughputVsLatency,
  timeline,
  VEGA_LITE_SCHEMA,
} from "../../src/plot/mod.ts";
import type { VegaLiteSpec } from "../../src/types.ts";
import { compile, dataRows, renderSvg, svgText } from "./_helpers.ts";
import {
  syntheticChunkTable,
  syntheticConversationTable,
  syntheticMetricsTable,
  syntheticRampTable,
  syntheticSweepSummary,
  syntheticTable,
} from "./_fixtures.ts";

const one = syntheticTable({ requests: 120, seed: 3 });
const two = syntheticTable({ requests: 120, seed: 3, labels: ["baseline", "tuned"] });
const chunks = syntheticChunkTable({ requests: 80, seed: 3 });
const chunks2 = syntheticChunkTable({ requests: 60, seed: 3, labels: ["baseline", "tuned"] });
const summary = syntheticSweepSummary();

/** Every chart function with a typical input, and texts its rendering must show. */
const cases: [string, () => VegaLiteSpec, string[]][] = [
  ["histogram ttft", () => histogram(one, { metric: "ttft_ms" }), ["TTFT (ms)", "count"]],
  ["histogram itl by label", () => histogram(two, { metric: "itl", color: "label" }), [
    "ITL (ms)",
    "fraction of values",
    "baseline",
    "tuned",
  ]],
  ["ecdf tpot", () => ecdf(one, { metric: "tpot_ms" }), ["TPOT (ms)", "fraction of values ≤ x"]],
  ["ecdf e2e by label log", () => ecdf(two, { metric: "e2e_ms", color: "label", logX: true }), [
    "E2E latency (ms), log scale",
    "tuned",
  ]],
  ["ecdf itl from chunk table", () => ecdf(chunks, { metric: "itl_ms" }), ["ITL (ms)"]],
  ["breakdown", () => breakdown(one), [
    "time (ms)",
    "requests by start time",
    "server queue",
    "server prefill",
    "server decode",
    "client overhead",
  ]],
  ["timeline", () => timeline(one), [
    "time since first request (s)",
    "request index",
    "server: queue",
    "client: streaming",
  ]],
  ["itlOverTime", () => itlOverTime(chunks), ["ITL (ms)", "time since first request (s)", "p99"]],
  ["itlOverTime two runs", () => itlOverTime(chunks2), ["baseline", "tuned", "p90"]],
  ["itlByPosition", () => itlByPosition(chunks), ["ITL before this chunk (ms)", "p50"]],
  ["throughputOverTime", () => throughputOverTime(chunks), ["output throughput (tok/s)"]],
  ["throughputOverTime two runs", () => throughputOverTime(chunks2), ["baseline", "tuned"]],
  ["inFlight", () => inFlight(one), ["in flight (client)", "queued (server)", "running (server)"]],
  ["sweep", () => sweep(summary, { x: "concurrency", y: ["ttft_ms_p50", "ttft_ms_p99"] }), [
    "concurrency (max requests in flight)",
    "TTFT p99",
  ]],
  [
    "sweep mixed units",
    () => sweep(summary, { x: "concurrency", y: ["e2e_ms_p99", "output_throughput"] }),
    [
      "ms",
      "tok/s",
    ],
  ],
  ["throughputVsLatency", () => throughputVsLatency(summary, { latency: "tpot_ms_p50" }), [
    "TPOT p50 (ms)",
    "output throughput (tok/s)",
    "c=64",
  ]],
  ["pareto", () => plot.pareto(summary), [
    "output rate per user p50 (tok/s)",
    "output throughput (tok/s)",
    "c=64",
  ]],
  ["serverState", () => plot.serverState(syntheticMetricsTable()), [
    "KV-cache usage (%)",
    "requests on the server",
    "preemptions per scrape interval",
    "time since first request (s)",
    "waiting",
  ]],
  ["serverState two runs", () => plot.serverState(syntheticMetricsTable(["a", "b"])), ["a", "b"]],
  ["byTurn", () => plot.byTurn(syntheticConversationTable()), [
    "TTFT by conversation turn",
    "conversation turn (1 = first user message)",
    "TTFT (ms)",
    "p99",
  ]],
  ["byTurn two runs", () => plot.byTurn(syntheticConversationTable({ labels: ["a", "b"] })), [
    "a",
    "b",
  ]],
  ["latencyVsLoad", () => plot.latencyVsLoad(syntheticRampTable()), [
    "TTFT vs load",
    "request rate in force (req/s)",
    "p90",
  ]],
  ["compare box", () => compare(two, { metric: "ttft_ms", color: "label" }), [
    "TTFT (ms)",
    "baseline",
  ]],
  ["compare ecdf", () => compare(two, { metric: "tpot", kind: "ecdf" }), ["TPOT (ms)", "tuned"]],
];

for (const [name, make, texts] of cases) {
  Deno.test(`plot ${name} gives a v5 spec that compiles, renders and shows its labels`, async () => {
    const spec = make();
    assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
    JSON.parse(JSON.stringify(spec)); // plain JSON
    compile(spec);
    const text = svgText(await renderSvg(spec));
    for (const t of texts) assert.ok(text.includes(t), `${name}: SVG lacks "${t}"`);
  });
}

Deno.test("plot namespace holds every chart function", () => {
  assert.deepEqual(Object.keys(plot).sort(), [
    "breakdown",
    "byTurn",
    "compare",
    "compareCi",
    "ecdf",
    "histogram",
    "inFlight",
    "itlByPosition",
    "itlOverTime",
    "latencyVsLoad",
    "pareto",
    "rateSearch",
    "serverState",
    "sweep",
    "throughputOverTime",
    "throughputVsLatency",
    "timeline",
  ]);
});

Deno.test("histogram counts every successful value exactly once", () => {
  const spec = histogram(one, { metric: "ttft_ms", clipQuantile: 1 });
  const total = dataRows(spec).reduce((a, r) => a + (r.count as number), 0);
  const success = one.array("success");
  const ttft = one.array("ttft_ms");
  let expected = 0;
  for (let i = 0; i < one.numRows(); i++) {
    if (success[i] && Number.isFinite(ttft[i])) expected++;
  }
  assert.equal(total, expected);
  assert.ok(expected < one.numRows(), "fixture has failed requests");
});

Deno.test("histogram leaves out failed requests even when their metric has a value", () => {
  const t = aq.table({ e2e_ms: [10, 11, 5000], success: [true, true, false] });
  const spec = histogram(t, { metric: "e2e_ms", clipQuantile: 1 });
  const rows = dataRows(spec);
  assert.equal(rows.reduce((a, r) => a + (r.count as number), 0), 2);
  assert.ok(rows.every((r) => (r.bin_end as number) <= 20));
});

Deno.test("histogram with clipQuantile says how many tail values it left out", () => {
  const spec = histogram(one, { metric: "itl_ms" });
  const title = spec.title as { subtitle: string };
  assert.match(String(title.subtitle), /values above p99\.5 \([\d.]+ ms\) not shown/);
});

Deno.test("ecdf of itl_ms reads the same values from itl_ms lists and from gap_ms", () => {
  const fromLists = ecdf(syntheticTable({ requests: 40, seed: 9 }), { metric: "itl_ms" });
  const fromChunks = ecdf(syntheticChunkTable({ requests: 40, seed: 9 }), { metric: "itl_ms" });
  assert.deepEqual(dataRows(fromLists), dataRows(fromChunks));
});

Deno.test("ecdf ends at fraction 1 at the maximum value", () => {
  const t = aq.table({ ttft_ms: [3, 1, 2, 2] });
  const rows = dataRows(ecdf(t, { metric: "ttft" }));
  assert.deepEqual(rows, [
    { value: 1, fraction: 0 },
    { value: 1, fraction: 0.25 },
    { value: 2, fraction: 0.75 },
    { value: 3, fraction: 1 },
  ]);
});

Deno.test("breakdown bars add up to each request's e2e latency", () => {
  const spec = breakdown(one, { maxBars: 1000 });
  const rows = dataRows(spec);
  const e2e = new Map<number, number>();
  const start = one.array("start_ms");
  const ok = one.array("success");
  const q = one.array("server_queue_ms");
  const order = [...Array(one.numRows()).keys()].filter((i) => ok[i] && Number.isFinite(q[i]))
    .sort((a, b) => (start[a] as number) - (start[b] as number));
  order.forEach((i, rank) => e2e.set(rank, one.array("e2e_ms")[i] as number));
  for (const r of rows) {
    const sum = ["client_overhead", "queue", "prefill", "decode", "other"]
      .reduce((a, k) => a + (r[k] as number), 0);
    assert.ok(Math.abs(sum - e2e.get(r.x0 as number)!) < 1e-6, `bar ${r.x0}`);
  }
});

Deno.test("breakdown averages consecutive requests above maxBars", () => {
  const spec = breakdown(one, { maxBars: 10 });
  const rows = dataRows(spec);
  assert.ok(rows.length <= 10);
  assert.ok(rows.every((r) => typeof r.n === "number" && (r.n as number) > 1));
  assert.match(JSON.stringify(spec.title), /mean of \d+ consecutive requests/);
});

Deno.test("timeline of a multi-run table shows the chosen run only", () => {
  const first = dataRows(timeline(two, { maxRequests: 500 }));
  const second = dataRows(timeline(two, { run: "run-2", maxRequests: 500 }));
  assert.equal(first.length, 120);
  assert.equal(second.length, 120);
  assert.notDeepEqual(first, second);
  assert.throws(
    () => timeline(two, { run: "nope" }),
    /plot.timeline: option run must be a run_id of the table \(run-1, run-2\), got "nope"/,
  );
});

Deno.test("timeline draws every k-th request above maxRequests", () => {
  const spec = timeline(one, { maxRequests: 25 });
  assert.equal(dataRows(spec).length, 24);
  assert.match(JSON.stringify(spec.title), /1 request in 5 shown \(24 of 120\)/);
});

Deno.test("inFlight of a closed loop with concurrency 4 never exceeds 4", () => {
  const t = syntheticTable({ requests: 100, concurrency: 4, seed: 5 });
  const rows = dataRows(inFlight(t)).filter((r) => r.stat === "in flight (client)");
  const max = Math.max(...rows.map((r) => r.n as number));
  assert.ok(max <= 4 + 1e-9 && max > 3, `max ${max}`);
});

Deno.test("throughputOverTime integrates to the number of tokens", () => {
  const spec = throughputOverTime(chunks);
  const rows = dataRows(spec);
  const step = (rows[0].t_end as number) - (rows[0].t as number);
  const tokens = rows.reduce((a, r) => a + (r.rate as number) * step, 0);
  assert.ok(Math.abs(tokens - chunks.numRows()) < 1e-6);
});

Deno.test("throughputOverTime counts chunks when token counts are unknown", () => {
  const t = aq.table({
    wall_ms: [0, 500, 1000, 1500],
    t_ms: [0, 500, 1000, 1500],
    tokens: [null, null, null, null],
  });
  const spec = throughputOverTime(t);
  assert.match(JSON.stringify(spec), /chunks\/s/);
});

Deno.test("itlByPosition puts the gap of chunk k at position k", () => {
  const t = aq.table({ chunk: [0, 1, 2, 0, 1, 2], gap_ms: [null, 10, 30, null, 20, 50] });
  const rows = dataRows(itlByPosition(t)).filter((r) => r.stat === "p50");
  assert.deepEqual(rows.map((r) => [r.pos, r.ms]), [[1, 15], [2, 40]]);
});

Deno.test("sweep orders points by load and picks a log axis for 1..64", () => {
  const spec = sweep(summary, { x: "concurrency", y: "ttft_ms_p99" });
  const xs = dataRows(spec).map((r) => r.x);
  assert.deepEqual(xs, [1, 2, 4, 8, 16, 32, 64]);
  assert.match(JSON.stringify(spec.encoding), /"type":"log"/);
});

Deno.test("compare box rows hold exact percentiles per group", () => {
  const t = aq.table({
    label: ["a", "a", "a", "a", "a", "b"],
    ttft_ms: [1, 2, 3, 4, 5, 7],
  });
  const rows = dataRows(compare(t, { metric: "ttft_ms" }));
  assert.deepEqual(rows[0], {
    group: "a",
    n: 5,
    p5: 1.2,
    p25: 2,
    p50: 3,
    p75: 4,
    p95: 4.8,
    p99: 4.96,
    max: 5,
  });
  assert.equal(rows[1].p50, 7);
});

Deno.test("charts accept tables with null instead of NaN for missing numbers", async () => {
  const t = syntheticTable({ requests: 30, typed: false });
  for (const spec of [breakdown(t), timeline(t), inFlight(t), ecdf(t, { metric: "tpot_ms" })]) {
    compile(spec);
    await renderSvg(spec);
  }
});

Deno.test("breakdown with normalize shows shares that sum to 1 per bar", () => {
  const rows = dataRows(breakdown(one, { normalize: true }));
  for (const r of rows) {
    const sum = ["client_overhead", "queue", "prefill", "decode", "other"]
      .reduce((a, k) => a + (r[k] as number), 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
  }
});

Deno.test("ITL charts leave out chunk rows of failed requests when the table has success", () => {
  const t = aq.table({
    chunk: [0, 1, 0, 1],
    wall_ms: [0, 10, 0, 500],
    t_ms: [0, 10, 0, 500],
    gap_ms: [null, 10, null, 500],
    success: [true, true, false, false],
  });
  for (const spec of [itlByPosition(t), itlOverTime(t)]) {
    assert.ok(dataRows(spec).every((r) => r.ms === 10), JSON.stringify(dataRows(spec)));
  }
});

Deno.test("timeline marks a failed request without an end time at its start", async () => {
  const t = aq.table({
    start_ms: [1000, 1500],
    ttft_ms: [20, null],
    e2e_ms: [400, null],
    success: [true, false],
  });
  const spec = timeline(t);
  // drawn as a sliver (0.4% of the time axis) from its start, with a cross
  assert.deepEqual(dataRows(spec)[1], { y: 1, s: 0.5, e: 0.502, failed: 1, no_end: 1 });
  compile(spec);
  await renderSvg(spec);
});

Deno.test("histogram and ecdf colour by run when the table holds several runs", () => {
  const two = syntheticTable({ requests: 40, seed: 2, labels: ["baseline", "tuned"] });
  for (
    const spec of [
      plot.histogram(two, { metric: "ttft_ms" }),
      plot.ecdf(two, { metric: "ttft_ms" }),
    ]
  ) {
    const groups = new Set(dataRows(spec).map((r) => r.group).filter((g) => g !== undefined));
    assert.deepEqual([...groups].sort(), ["baseline", "tuned"]);
  }
  const one = syntheticTable({ requests: 40, seed: 2 });
  assert.ok(dataRows(plot.histogram(one, { metric: "ttft_ms" })).every((r) => !("group" in r)));
});

Deno.test("compare cuts the axis before a far outlier and says so in the subtitle", () => {
  const e2e = Array.from({ length: 60 }, (_, i) => 200 + (i * 37) % 40);
  e2e[5] = 2600;
  const t = aq.table({ e2e_ms: e2e, label: e2e.map((_, i) => (i % 2 ? "a" : "b")) });
  const spec = plot.compare(t, { metric: "e2e_ms" });
  const subtitle = (spec.title as { subtitle: string[] }).subtitle.join("\n");
  assert.match(
    subtitle,
    /axis cut at [\d.]+ ms: larger p99\/max values are ▸ at the edge \(largest 2600 ms\)/,
  );
  const rows = dataRows(spec);
  const a = rows.find((r) => r.group === "a")!;
  assert.equal(a.max, 2600);
  assert.ok((a.max_shown as number) < 260, "the outlier is drawn at the edge");
  const plain = plot.compare(t.filter((d: { e2e_ms: number }) => d.e2e_ms < 1000), {
    metric: "e2e_ms",
  });
  assert.doesNotMatch((plain.title as { subtitle: string[] }).subtitle.join("\n"), /axis cut/);
});

Deno.test("throughputVsLatency keeps zero in view when latencies barely differ", () => {
  const summary = aq.table({
    concurrency: [1, 2, 4],
    tpot_ms_p50: [21.155, 21.17, 21.2],
    output_throughput: [50, 100, 190],
  });
  const spec = plot.throughputVsLatency(summary);
  const json = JSON.stringify(spec);
  assert.match(json, /"scale":\{"zero":true\}/);
  assert.doesNotMatch(json, /zoomed/);
});

Deno.test("timeline puts client and server bars side by side and lists only present phases", () => {
  const ok = syntheticTable({ requests: 20, seed: 5, failureRate: 0 });
  const spec = timeline(ok);
  const layers = (spec.layer as { transform?: { calculate?: string; as?: string }[] }[])
    .filter((l) => l.transform?.some((t) => t.as === "y_lo"));
  const offsets = (as: string) =>
    layers.map((l) => l.transform!.find((t) => t.as === as)!.calculate);
  // client bars end at the row's centre line and server bars start there: they never overlap
  const json = JSON.stringify(spec);
  assert.ok(offsets("y_hi").slice(0, 2).every((c) => c === "datum.y + 0"), String(offsets("y_hi")));
  assert.ok(offsets("y_lo").slice(2, 5).every((c) => c === "datum.y + 0"), String(offsets("y_lo")));
  const domain = (j: string) => JSON.parse(j.match(/"domain":(\[[^\]]*\])/)![1]) as string[];
  assert.ok(!domain(json).includes("failed request"), "no failures, no legend entry for them");
  const withFailures = JSON.stringify(
    timeline(syntheticTable({ requests: 30, seed: 3, failureRate: 0.2 })),
  );
  assert.ok(domain(withFailures).includes("failed request"));
});

Deno.test("timeline widens a failed request to a visible bar", () => {
  const t = syntheticTable({ requests: 30, seed: 3, failureRate: 0.2 });
  const rows = dataRows(timeline(t));
  const span = Math.max(...rows.map((r) => r.e as number));
  const failed = rows.filter((r) => r.failed === 1);
  assert.ok(failed.length > 0);
  for (const r of failed) assert.ok((r.e as number) - (r.s as number) >= span * 0.004 - 1e-9);
});

Deno.test("latencyVsLoad puts each request in the bin of its load and leaves out failed ones", () => {
  const ramp = syntheticRampTable();
  const spec = plot.latencyVsLoad(ramp, { metric: "ttft_ms", maxBins: 6 });
  const rows = dataRows(spec) as { stat: string; load: number; n: number }[];
  const ok = [...ramp.array("success")].filter((s) => s === true).length;
  const p50 = rows.filter((r) => r.stat === "p50");
  assert.equal(p50.reduce((a, r) => a + r.n, 0), ok);
  assert.ok(ok < ramp.numRows(), "fixture has failed requests");
  assert.ok(p50.length <= 6);
  assert.deepEqual(p50.map((r) => r.load), [...p50.map((r) => r.load)].sort((a, b) => a - b));
  assert.deepEqual([...new Set(rows.map((r) => r.stat))], ["p50", "p90"]);
});
