/**
 * SVG snapshots of every chart, rendered from fixed seeded data at fixed sizes.
 * Update with: UPDATE_SNAPSHOTS=1 deno test -A tests/plot/snapshot_test.ts
 */
import { plot, render } from "../../src/plot/mod.ts";
import type { VegaLiteSpec } from "../../src/types.ts";
import { assertSnapshot } from "./_helpers.ts";
import {
  syntheticChunkTable,
  syntheticConversationTable,
  syntheticMetricsTable,
  syntheticRampTable,
  syntheticSweepSummary,
  syntheticTable,
} from "./_fixtures.ts";
import { compareRuns } from "../../src/compare/compare_runs.ts";
import * as aq from "../../src/deps/arquero.ts";

const one = syntheticTable({ requests: 80, seed: 1 });
const two = syntheticTable({ requests: 150, seed: 1, labels: ["baseline", "tuned"] });
const chunks = syntheticChunkTable({ requests: 80, seed: 1 });
const summary = syntheticSweepSummary(1);
const comparison = compareRuns(
  two.filter((d: { label: string }) => d.label === "baseline"),
  two.filter((d: { label: string }) => d.label === "tuned"),
  { resamples: 200, seed: 1 },
);

const snapshots: [string, () => VegaLiteSpec][] = [
  ["histogram-ttft", () => plot.histogram(one, { metric: "ttft_ms" })],
  ["histogram-itl-by-label", () => plot.histogram(two, { metric: "itl_ms", color: "label" })],
  ["ecdf-ttft", () => plot.ecdf(one, { metric: "ttft_ms" })],
  ["ecdf-tpot-by-label", () => plot.ecdf(two, { metric: "tpot_ms", color: "label" })],
  ["breakdown", () => plot.breakdown(syntheticTable({ requests: 30, seed: 1 }))],
  ["breakdown-aggregated", () => plot.breakdown(two, { maxBars: 30 })],
  ["timeline", () => plot.timeline(one, { maxRequests: 40 })],
  ["itl-over-time", () => plot.itlOverTime(chunks)],
  ["itl-by-position", () => plot.itlByPosition(chunks)],
  ["throughput-over-time", () => plot.throughputOverTime(chunks)],
  ["in-flight", () => plot.inFlight(one)],
  ["sweep", () => plot.sweep(summary, { x: "concurrency" })],
  ["throughput-vs-latency", () => plot.throughputVsLatency(summary)],
  ["latency-vs-load", () => plot.latencyVsLoad(syntheticRampTable(), { metric: "ttft_ms" })],
  ["compare-box", () => plot.compare(two, { metric: "e2e_ms" })],
  ["compare-ci", () => plot.compareCi(comparison)],
  ["pareto", () => plot.pareto(summary)],
  ["server-state", () => plot.serverState(syntheticMetricsTable())],
  ["rate-search", () =>
    plot.rateSearch(
      // the summary of a search: the two measuring probes (no rate), then five rate probes
      aq.table({
        rate: [null, null, 37.2, 18.6, 27.9, 23.3, 25.6],
        good_fraction: [1, 0, 0.075, 1, 0.225, 0.973, 0.4],
      }),
      { targetPercent: 90, foundRps: 23.3 },
    )],
  ["by-turn", () => plot.byTurn(syntheticConversationTable())],
  ["no-data", () => plot.breakdown(one.filter(() => false))],
];

for (const [name, make] of snapshots) {
  Deno.test(`${name} renders the same SVG as tests/snapshots/${name}.svg`, async () => {
    await assertSnapshot(name, await render(make(), { format: "svg" }));
  });
}
