import assert from "node:assert/strict";
import { report, reportFromTables } from "../../src/plot/mod.ts";
import { toChunkTable, toTable } from "../../src/table/mod.ts";
import {
  syntheticChunkTable,
  syntheticRuns,
  syntheticSweepSummary,
  syntheticTable,
} from "./_fixtures.ts";

const SCRIPT = "<script>alert(1)</script>";
const IMG = '"><img src=x onerror=alert(1)>';
const PAYLOADS = [SCRIPT, IMG, "<img", "alert(1)</", "onerror=alert(1)>"];

/** The executable inline scripts of a report (not JSON data blocks). */
function classicScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}

/**
 * Fails if any payload appears unescaped in the HTML outside the one inlined script (vega's own
 * code, allowed by its hash), or if any other script element is not a JSON data block.
 */
function assertNoInjection(html: string): void {
  const scripts = classicScripts(html);
  assert.ok(scripts.length <= 1, `${scripts.length} executable scripts`);
  const rest = scripts.length ? html.replace(scripts[0], "") : html;
  for (const p of PAYLOADS) {
    assert.ok(!rest.includes(p), `unescaped ${JSON.stringify(p)} in the report`);
  }
  for (const m of rest.matchAll(/<script\b([^>]*)>/gi)) {
    if (m[1] === "") continue; // the inlined vega, checked against the CSP in another test
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
    interactive: false,
  });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<title>Nightly<\/title>/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src/);
  assert.ok(!/<script\b/i.test(html), "no scripts when not interactive and without embedSpecs");
  assert.ok(!/\b(src|href)="(https?:)?\/\//.test(html), "no external resources");
  const svgs = html.match(/<svg /g) ?? [];
  assert.ok(svgs.length >= 8, `${svgs.length} charts`);
  for (
    const h of [
      "Summary",
      "Failed requests by error kind",
      "Input and output lengths (tokens)",
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

Deno.test("an interactive report allows exactly its one inline script by hash, without eval", async () => {
  const html = await reportFromTables({ table: syntheticTable({ requests: 20, seed: 2 }) });
  const csp = html.match(/Content-Security-Policy" content="([^"]*)"/)![1];
  const scriptSrc = csp.split("; ").find((d) => d.startsWith("script-src "))!;
  assert.doesNotMatch(scriptSrc, /unsafe-(eval|inline)/);
  const [script] = classicScripts(html);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
  const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
  assert.equal(scriptSrc, `script-src 'sha256-${hash}'`);
  // one compiled Vega spec per drawn chart, each pointing at its figure
  const specs = [...html.matchAll(/class="vega-spec" data-figure="(fig\d+)"/g)].map((m) => m[1]);
  const figures = [
    ...html.matchAll(/<figure id="(fig\d+)"><figcaption>[\s\S]*?<div class="static">/g),
  ]
    .map((m) => m[1]);
  assert.deepEqual(specs, figures);
  assert.ok(specs.length >= 4);
});

Deno.test("report states the SLOs goodput used and shows Prometheus counter changes", async () => {
  const runs = syntheticRuns({ requests: 20, labels: ["a", "b"], seed: 3 });
  runs[0].meta.prometheus = {
    before: {
      at_ms: 0,
      values: { "vllm:prompt_tokens_total": 100, "vllm:num_requests_running": 2 },
    },
    after: {
      at_ms: 1,
      values: { "vllm:prompt_tokens_total": 1100, "vllm:num_requests_running": 0 },
    },
  };
  const html = await report({ runs, slo: { ttft: 200, e2e_ms: 900 }, interactive: false });
  assert.match(html, /Goodput counts successful requests with TTFT ≤ 200 ms and E2E ≤ 900 ms/);
  assert.match(html, /<h2>Prometheus counters<\/h2>/);
  assert.match(html, /<tr><td>vllm:prompt_tokens_total<\/td><td class="num">1000<\/td><\/tr>/);
  assert.doesNotMatch(html, /num_requests_running/, "gauges are not counters");
});

Deno.test("report lists the runs' warnings, escaped, and their tags", async () => {
  const runs = syntheticRuns({ requests: 10, labels: ["a", "b"] });
  runs[1].meta.warnings = [`No server span arrived ${SCRIPT}`];
  runs[0].meta.metadata = { gpu: "H100", tp: "2" };
  const html = await report({ runs, interactive: false });
  assert.match(html, /<h2>Warnings<\/h2>/);
  assert.match(html, /<li><b>b<\/b>: No server span arrived &lt;script&gt;/);
  assert.match(html, /<td>gpu=H100, tp=2<\/td>/, "the run's tags in the Runs table");
});

Deno.test("report without SLOs says nothing of goodput and has no Prometheus section", async () => {
  const html = await report({ runs: syntheticRuns({ requests: 10 }), interactive: false });
  assert.doesNotMatch(html, /Goodput counts/);
  assert.doesNotMatch(html, /Prometheus counters/);
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
