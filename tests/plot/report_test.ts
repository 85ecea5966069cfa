import assert from "node:assert/strict";
import { report, reportFromTables } from "../../src/plot/mod.ts";
import { toChunkTable, toTable } from "../../src/table/mod.ts";
import {
  syntheticChunkTable,
  syntheticRuns,
  syntheticSweepSummary,
  syntheticTable,
} from "./fixtures.ts";

const SCRIPT = "<script>alert(1)</script>";
const IMG = '"><img src=x onerror=alert(1)>';
const PAYLOADS = [SCRIPT, IMG, "<img", "alert(1)</", "onerror=alert(1)>"];

/** Fails if any payload appears unescaped in the HTML. */
function assertNoInjection(html: string): void {
  for (const p of PAYLOADS) {
    assert.ok(!html.includes(p), `unescaped ${JSON.stringify(p)} in the report`);
  }
  // The only <script> elements allowed are JSON data blocks.
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
    assert.match(m[1], /type="application\/json"/);
  }
}

Deno.test("report from tables is a self-contained HTML page with summary and inline SVG charts", async () => {
  const table = syntheticTable({ requests: 60, seed: 4 });
  const html = await reportFromTables({
    table,
    chunks: syntheticChunkTable({ requests: 60, seed: 4 }),
    title: "Nightly",
    generatedAt: "2026-01-01T00:00:00Z",
  });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<title>Nightly<\/title>/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.ok(!/<script\b/i.test(html), "no scripts without embedSpecs");
  assert.ok(!/\b(src|href)="(https?:)?\/\//.test(html), "no external resources");
  const svgs = html.match(/<svg /g) ?? [];
  assert.ok(svgs.length >= 8, `${svgs.length} charts`);
  for (
    const h of [
      "Summary",
      "Failed requests",
      "Latency distributions",
      "Load and streaming",
      "Per run",
    ]
  ) {
    assert.ok(html.includes(`<h2>${h}</h2>`), h);
  }
  assert.match(html, /ITL over time/);
  assert.match(html, /timeout/);
});

Deno.test("report escapes script-injection strings in labels, models, error messages and columns", async () => {
  const runs = syntheticRuns({
    requests: 30,
    labels: [SCRIPT, IMG],
    model: `${IMG}model`,
    errorMessage: `boom ${SCRIPT} ${IMG}`,
    failureRate: 0.2,
  });
  runs[0].meta.url = `http://h/${SCRIPT}`;
  const html = await report({ runs, title: `${SCRIPT} report`, embedSpecs: true });
  assertNoInjection(html);
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "labels shown escaped");
  assert.ok(html.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "model shown escaped");
  // Embedded specs carry the strings as JSON with < and > escaped.
  const blocks = [...html.matchAll(/<script type="application\/json"[^>]*>([^<]*)<\/script>/g)];
  assert.ok(blocks.length > 0);
  const spec = JSON.parse(blocks[0][1]);
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.ok(JSON.stringify(spec).includes(SCRIPT) || JSON.stringify(spec).includes(IMG));
});

Deno.test("report of runs builds tables, summary and a comparison of the runs", async () => {
  const runs = syntheticRuns({ requests: 40, labels: ["baseline", "tuned"], seed: 8 });
  const html = await report({ runs, generatedAt: "fixed" });
  assert.match(html, /<h2>Runs<\/h2>/);
  assert.match(html, /TTFT \(ms\) by run/);
  assert.match(html, /Latency breakdown: baseline/);
  assert.match(html, /Timeline: tuned/);
  assert.match(html, /output throughput \(tok\/s\)/, "summary from summarize()");
  assert.match(html, /127\.0\.0\.1:8000/);
});

Deno.test("report accepts a requests table in place of runs and summarizes it", async () => {
  const runs = syntheticRuns({ requests: 30, seed: 8 });
  const table = toTable(runs);
  const html = await report({ runs: table, chunks: toChunkTable(runs) });
  assert.match(html, /request throughput \(req\/s\)/);
  assert.match(html, /Output throughput over time/);
});

Deno.test("report of a sweep summary adds sweep curves", async () => {
  const table = syntheticTable({ requests: 20 });
  const html = await reportFromTables({ table, summary: syntheticSweepSummary() });
  assert.match(html, /<h2>Sweep<\/h2>/);
  assert.match(html, /Throughput vs latency/);
});

Deno.test("report without a summary shows its own percentile table", async () => {
  const html = await reportFromTables({ table: syntheticTable({ requests: 20 }) });
  assert.match(html, /p99 \(ms\)/);
  assert.match(html, /pass a summarize\(\) table/);
});

Deno.test("report rejects input without runs or table", async () => {
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => report({} as any), /expected \{ runs \}/);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => reportFromTables({} as any), /expected \{ table \}/);
});
