/**
 * A self-contained HTML report of one run or a comparison of runs: summary tables and charts as
 * inline SVG, made interactive (tooltips, pan and zoom) by an inlined vega. Viewing it needs no
 * network; without scripts the static SVGs stay.
 *
 * @module
 */

import { ColumnTable } from "../deps/arquero.ts";
import type { Run, VegaLiteSpec } from "../types.ts";
import { toChunkTable, toTable } from "../table/mod.ts";
import { type SloOptions, summarize } from "../summarize/mod.ts";
import { checkSlo } from "../summarize/goodput.ts";
import { breakdown } from "./breakdown.ts";
import { distinct, hasColumn, numbers, strings, subsetRows, type TableLike } from "./columns.ts";
import { compare } from "./compare.ts";
import { ecdf } from "./ecdf.ts";
import { histogram } from "./histogram.ts";
import {
  type Cell,
  escapeHtml,
  formatValue,
  htmlTable,
  jsonForScript,
  scopeSvgIds,
} from "./html.ts";
import { inFlight } from "./in_flight.ts";
import { formatTags } from "../display/show_run.ts";
import { itlByPosition } from "./itl_by_position.ts";
import { itlOverTime } from "./itl_over_time.ts";
import { columnTitle } from "./labels.ts";
import { render } from "./render.ts";
import { browserScript, compileForBrowser, scriptHashSource } from "./report_live.ts";
import { lengthsTable, prometheusTable, sloSentence } from "./report_tables.ts";
import { quantileSorted } from "./stats.ts";
import { sweep } from "./sweep.ts";
import { throughputOverTime } from "./throughput_over_time.ts";
import { throughputVsLatency } from "./throughput_vs_latency.ts";
import { timeline } from "./timeline.ts";
import { metricGroups } from "./values.ts";

/** What {@link reportFromTables} needs: the tables, already built. */
export interface ReportTables {
  /** Requests table (`toTable(run | runs)`): one row per request. */
  table: TableLike;
  /** Summary table (`summarize(table)`); when absent the report shows its own percentile table. */
  summary?: TableLike;
  /** Chunk table (`toChunkTable(...)`); adds ITL-over-time, ITL-by-position and throughput charts. */
  chunks?: TableLike;
  /** The runs' metadata, for the "Runs" table (URL, model, load, start time). */
  runs?: Run[];
  /** Report title (default "vLLM benchmark report" or "… : <label>" for one run). */
  title?: string;
  /** Also embed each chart's Vega-Lite spec as JSON (`<script type="application/json">`). Default false. */
  embedSpecs?: boolean;
  /** "Generated at" text (default: the current time, ISO 8601); fix it for reproducible files. */
  generatedAt?: string;
  /** Most runs to draw per-run charts (timeline, breakdown) for (default 4). */
  maxRunCharts?: number;
  /** The SLOs goodput used (stated in the report; `report` also summarizes with them). */
  slo?: SloOptions;
  /**
   * Inline vega (about 0.5 MB) so charts get tooltips and pan/zoom, allowed by the script's hash in
   * the Content-Security-Policy (default true). False gives a script-free file of static SVGs.
   */
  interactive?: boolean;
}

/** What {@link report} takes: runs (or a requests table) plus the optional parts of {@link ReportTables}. */
export interface ReportInput extends Omit<ReportTables, "table" | "runs"> {
  /** One run, several runs (a comparison), or a requests table already built with `toTable`. */
  runs: Run | Run[] | TableLike;
}

/**
 * The HTML report of one run or a comparison of runs. Given runs, it builds the requests table
 * (`toTable`), the chunk table (`toChunkTable`) and the summary (`summarize`) itself; given a
 * requests table, it summarizes it when it is an arquero table and no `summary` is passed. See
 * {@link reportFromTables} for the contents and the escaping guarantees.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { report } from "./report.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // in real use, two collected runs (e.g. loaded with load or loadAll)
 * const baseline = makeRun([makeRecord({ run_id: "a" })], { label: "baseline" });
 * const tuned = makeRun([makeRecord({ run_id: "b", ttft_ms: 15 })], { label: "tuned" });
 * const html = await report({ runs: [baseline, tuned], title: "A/B" });
 * assert.match(html, /<title>A\/B<\/title>/);
 * assert.match(html, /<h2>Runs<\/h2>/);
 * const path = await Deno.makeTempFile({ suffix: ".html" }); // e.g. "compare.html"
 * await Deno.writeTextFile(path, html);
 * await Deno.remove(path);
 * ```
 */
export async function report(input: ReportInput): Promise<string> {
  if (input === null || typeof input !== "object" || !input.runs) {
    throw new TypeError("report: expected { runs } (a Run, Run[] or a requests table)");
  }
  const { runs: source, ...rest } = input;
  if (isTableLike(source)) {
    const summary = rest.summary ??
      (source instanceof ColumnTable ? summarize(source, { slo: rest.slo }) : undefined);
    return await reportFromTables({ ...rest, table: source, summary });
  }
  const runs = Array.isArray(source) ? source : [source];
  const table = toTable(runs);
  return await reportFromTables({
    ...rest,
    runs,
    table,
    chunks: rest.chunks ?? toChunkTable(runs),
    summary: rest.summary ?? summarize(table, { slo: rest.slo }),
  });
}

function isTableLike(value: unknown): value is TableLike {
  return value !== null && typeof value === "object" &&
    typeof (value as TableLike).columnNames === "function" &&
    typeof (value as TableLike).array === "function";
}

/** A chart in the report: its heading and spec (an error spec when the chart could not be built). */
interface Figure {
  heading: string;
  spec: VegaLiteSpec;
}

const SUMMARY_COLUMNS = [
  "label",
  "requests",
  "succeeded",
  "failed",
  "joined_by_trace_context",
  "joined_by_request_id",
  "duration_s",
  "concurrency",
  "rate",
  "request_throughput",
  "output_throughput",
  "goodput",
  "ttft_ms_p50",
  "ttft_ms_p99",
  "tpot_ms_p50",
  "tpot_ms_p99",
  "itl_ms_p50",
  "itl_ms_p99",
  "e2e_ms_p50",
  "e2e_ms_p99",
];

const QUICK_METRICS = ["ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"];

/**
 * Builds the HTML report from tables: a "Runs" table (when `runs` are given), the summary table,
 * failed requests by error kind with an example message, then charts — latency distributions
 * (one run) or comparisons by label (several runs), in-flight requests, a latency breakdown and a
 * timeline per run, chunk-level charts when `chunks` is given, and sweep curves when the summary
 * has several load levels, the input/output lengths and the Prometheus counters' change (when the
 * runs have scrapes). Charts are inline SVG, drawn again by an inlined vega for tooltips and
 * pan/zoom (`interactive`); every user string (labels, models, URLs, error messages, column
 * names) is HTML-escaped, and a Content-Security-Policy allows only that one script, by hash.
 * A chart that cannot be drawn is replaced by its (escaped) error message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportFromTables } from "./report.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * // in real use, toTable(run) of a collected run
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const html = await reportFromTables({ table, title: "Llama 8B, c=16" });
 * assert.match(html, /<title>Llama 8B, c=16<\/title>/);
 * assert.match(html, /<h2>Latency distributions<\/h2>/);
 * const path = await Deno.makeTempFile({ suffix: ".html" }); // e.g. "report.html"
 * await Deno.writeTextFile(path, html);
 * await Deno.remove(path);
 * ```
 */
export async function reportFromTables(input: ReportTables): Promise<string> {
  if (input === null || typeof input !== "object" || !input.table) {
    throw new TypeError("report: expected { table } (a requests table from toTable)");
  }
  const { table, summary, chunks } = input;
  const labels = hasColumn(table, "label")
    ? distinct(strings(table, "label").map((s) => s ?? "(none)"))
    : [];
  const multi = labels.length > 1;
  const title = input.title ??
    (labels.length === 1 ? `vLLM benchmark report: ${labels[0]}` : "vLLM benchmark report");
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  const maxRunCharts = input.maxRunCharts ?? 4;

  const sections: string[] = [];
  if (input.runs && input.runs.length > 0) {
    sections.push(section("Runs", runsTable(input.runs)));
    const warnings = warningsList(input.runs);
    if (warnings) sections.push(section("Warnings", warnings));
  }
  const slo = input.slo === undefined ? undefined : checkSlo(input.slo);
  sections.push(
    section(
      "Summary",
      summary ? summaryTable(summary) : quickSummary(table),
      summary
        ? sloSentence(slo, hasColumn(summary, "goodput") && !allNull(summary, "goodput")) ?? ""
        : "Percentiles over successful requests (pass a summarize() table for throughput and goodput).",
    ),
  );
  const errors = errorsTable(table);
  if (errors) sections.push(section("Failed requests by error kind", errors));
  const lengths = lengthsTable(table);
  if (lengths) sections.push(section("Input and output lengths (tokens)", lengths));
  const counters = input.runs ? prometheusTable(input.runs) : null;
  if (counters) {
    sections.push(
      section(
        "Prometheus counters",
        counters,
        "Change of each counter between the scrapes before and after the run (histogram buckets left out).",
      ),
    );
  }

  const groups: { heading: string; figures: Figure[] }[] = [];
  const attempt = (heading: string, make: () => VegaLiteSpec, into: Figure[]) => {
    try {
      into.push({ heading, spec: make() });
    } catch (e) {
      into.push({ heading, spec: errorSpec(e) });
    }
  };
  const dist: Figure[] = [];
  if (multi) {
    for (const m of QUICK_METRICS) {
      attempt(`${columnTitle(m)} by run`, () => compare(table, { metric: m, by: "label" }), dist);
    }
    attempt("TTFT ECDF by run", () => ecdf(table, { metric: "ttft_ms", color: "label" }), dist);
  } else {
    attempt("TTFT", () => ecdf(table, { metric: "ttft_ms" }), dist);
    attempt("TPOT", () => histogram(table, { metric: "tpot_ms" }), dist);
    attempt("ITL", () => histogram(table, { metric: "itl_ms" }), dist);
    attempt("E2E latency", () => ecdf(table, { metric: "e2e_ms" }), dist);
  }
  groups.push({ heading: "Latency distributions", figures: dist });

  const load: Figure[] = [];
  attempt("Requests in flight", () => inFlight(table), load);
  if (chunks) {
    attempt("Output throughput over time", () => throughputOverTime(chunks), load);
    attempt("ITL over time", () => itlOverTime(chunks), load);
    attempt("ITL by position", () => itlByPosition(chunks), load);
  }
  groups.push({ heading: "Load and streaming", figures: load });

  const perRun: Figure[] = [];
  const runIds = hasColumn(table, "run_id")
    ? strings(table, "run_id").map((s) => s ?? "")
    : new Array(table.numRows()).fill("");
  const runOrder = distinct(runIds);
  for (const run of runOrder.slice(0, maxRunCharts)) {
    const rows: number[] = [];
    runIds.forEach((r, i) => r === run && rows.push(i));
    const sub = subsetRows(table, rows);
    const name = runOrder.length > 1 ? runName(table, rows[0], run) : "";
    const suffix = name ? `: ${name}` : "";
    if (hasServerTimes(sub)) {
      attempt(
        `Latency breakdown${suffix}`,
        () => breakdown(sub, { title: `Latency breakdown${suffix}` }),
        perRun,
      );
    }
    attempt(
      `Timeline${suffix}`,
      () => timeline(sub, { title: `Request timeline${suffix}` }),
      perRun,
    );
  }
  groups.push({
    heading: runOrder.length > maxRunCharts
      ? `Per run (first ${maxRunCharts} of ${runOrder.length})`
      : "Per run",
    figures: perRun,
  });

  if (summary && loadLevels(summary) > 1) {
    const sw: Figure[] = [];
    const x = loadColumn(summary);
    attempt("Latency vs load", () => sweep(summary, { x, y: presentColumns(summary) }), sw);
    if (hasColumn(summary, "output_throughput") && hasColumn(summary, "tpot_ms_p50")) {
      attempt("Throughput vs latency", () => throughputVsLatency(summary), sw);
    }
    groups.push({ heading: "Sweep", figures: sw });
  }

  let figureNo = 0;
  const specs: { id: string; spec: VegaLiteSpec }[] = [];
  const live: string[] = [];
  const interactive = input.interactive ?? true;
  for (const g of groups) {
    const parts: string[] = [];
    for (const f of g.figures) {
      figureNo++;
      const id = `fig${figureNo}`;
      parts.push(await figure(id, f));
      if (input.embedSpecs && !isErrorSpec(f.spec)) specs.push({ id, spec: f.spec });
      if (interactive && !isErrorSpec(f.spec)) live.push(liveSpecScript(id, f.spec));
    }
    if (parts.length > 0) {
      sections.push(section(g.heading, `<div class="grid">${parts.join("\n")}</div>`));
    }
  }
  const specScripts = specs.map((s) =>
    `<script type="application/json" id="${s.id}-spec" class="vega-lite-spec">${
      jsonForScript(s.spec)
    }</script>`
  ).join("\n");
  const script = interactive ? await liveScript() : null;
  const scriptSrc = script ? `script-src ${script.hash}; ` : "";

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ${scriptSrc}style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vllm-metrics">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(describeInput(table, labels))} · generated ${
    escapeHtml(generatedAt)
  } by vllm-metrics</p>
</header>
<main>
${sections.join("\n")}
</main>
${specScripts}
${script ? `${live.join("\n")}\n<script>${script.text}</script>` : ""}
</body>
</html>
`;
}

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 0 auto; max-width: 1280px; padding: 1rem 2rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: .5rem 0; }
.meta, .note { color: #666; font-size: .85rem; }
table { border-collapse: collapse; font-size: .8rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; max-width: 100%; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.error { color: #a00; white-space: pre-wrap; }
figure.rendered .static, .live:empty { display: none; }
.vm-tooltip { position: absolute; z-index: 10; pointer-events: none; background: #fff; border: 1px solid #aaa; border-radius: 3px; padding: .3rem .5rem; font-size: .75rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
.vm-tooltip th { background: none; padding: 0 .5rem 0 0; border: 0; }
.vm-tooltip td { padding: 0; border: 0; }
`;

function section(heading: string, body: string, note = ""): string {
  return `<section><h2>${escapeHtml(heading)}</h2>${
    note ? `<p class="note">${escapeHtml(note)}</p>` : ""
  }\n${body}\n</section>`;
}

async function figure(id: string, f: Figure): Promise<string> {
  const caption = `<figcaption><h3>${escapeHtml(f.heading)}</h3></figcaption>`;
  if (isErrorSpec(f.spec)) {
    return `<figure id="${id}">${caption}<p class="error">Chart not drawn: ${
      escapeHtml(f.spec.description)
    }</p></figure>`;
  }
  try {
    const svg = await render(f.spec, { format: "svg" });
    return `<figure id="${id}">${caption}<div class="static">${
      scopeSvgIds(stripXmlDecl(svg), id)
    }</div><div class="live"></div></figure>`;
  } catch (e) {
    return `<figure id="${id}">${caption}<p class="error">Chart not drawn: ${
      escapeHtml(e instanceof Error ? e.message : String(e))
    }</p></figure>`;
  }
}

/** The compiled Vega spec the inline script draws into figure `id` (empty when it does not compile). */
function liveSpecScript(id: string, spec: VegaLiteSpec): string {
  const compiled = compileForBrowser(spec);
  return compiled
    ? `<script type="application/json" class="vega-spec" data-figure="${id}">${
      jsonForScript(compiled)
    }</script>`
    : "";
}

/** The inline script and its CSP hash; null (a static report) when vega's files cannot be read. */
async function liveScript(): Promise<{ text: string; hash: string } | null> {
  try {
    const text = await browserScript();
    return { text, hash: await scriptHashSource(text) };
  } catch {
    return null;
  }
}

function stripXmlDecl(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, "");
}

function errorSpec(e: unknown): VegaLiteSpec {
  return { $schema: "error", description: e instanceof Error ? e.message : String(e) };
}

function isErrorSpec(spec: VegaLiteSpec): boolean {
  return spec.$schema === "error";
}

function runName(table: TableLike, row: number, runId: string): string {
  if (hasColumn(table, "label")) {
    const l = table.array("label")[row];
    if (l !== null && l !== undefined) return String(l);
  }
  return runId;
}

function hasServerTimes(table: TableLike): boolean {
  return hasColumn(table, "server_queue_ms") &&
    numbers(table, "server_queue_ms").some((v) => v !== null);
}

function describeInput(table: TableLike, labels: string[]): string {
  const n = table.numRows();
  const failed = hasColumn(table, "success")
    ? Array.from(table.array("success")).filter((s) => s === false).length
    : 0;
  return `${labels.length > 1 ? `${labels.length} runs, ` : ""}${n} request${n === 1 ? "" : "s"}` +
    (failed ? `, ${failed} failed` : "");
}

function runsTable(runs: Run[]): string {
  const headers = [
    "label",
    "run id",
    "model",
    "endpoint",
    "URL",
    "concurrency",
    "rate (req/s)",
    "requests",
    "duration (s)",
    "started",
    "tags",
  ];
  const rows = runs.map((r): Cell[] => {
    const m = r.meta;
    return [
      { text: m.label },
      { text: m.run_id },
      { text: m.model },
      { text: m.endpoint },
      { text: m.url },
      { ...formatValue(m.load?.concurrency ?? null) },
      { ...formatValue(m.load?.rate ?? null) },
      { text: String(r.requests.length), numeric: true },
      { ...formatValue(m.duration_ms / 1000) },
      { text: m.created_at },
      { text: formatTags(m.metadata) },
    ];
  });
  return `<div class="scroll">${htmlTable(headers, rows)}</div>`;
}

/** Each run's `meta.warnings` (e.g. no server span at all), as a list; null when none. */
function warningsList(runs: Run[]): string | null {
  const items = runs.flatMap((r) =>
    (r.meta.warnings ?? []).map((w) =>
      `<li>${runs.length > 1 ? `<b>${escapeHtml(r.meta.label)}</b>: ` : ""}${escapeHtml(w)}</li>`
    )
  );
  return items.length > 0 ? `<ul class="warnings">${items.join("\n")}</ul>` : null;
}

function summaryTable(summary: TableLike): string {
  // Columns without any value (rate in a closed loop, goodput without SLOs) are left out.
  const cols = SUMMARY_COLUMNS.filter((c) => hasColumn(summary, c) && !allNull(summary, c));
  const arrays = cols.map((c) => summary.array(c));
  const rows: Cell[][] = [];
  for (let i = 0; i < summary.numRows(); i++) rows.push(arrays.map((a) => formatValue(a[i])));
  return `<div class="scroll">${htmlTable(cols.map(columnTitle), rows)}</div>`;
}

function allNull(table: TableLike, column: string): boolean {
  return Array.from(table.array(column)).every((v) => v === null || v === undefined);
}

/** Count and p50/p90/p99 of the four latency metrics per label, from the requests table. */
function quickSummary(table: TableLike): string {
  const by = hasColumn(table, "label") ? "label" : undefined;
  const headers = [by ?? "run", "metric", "values", "p50 (ms)", "p90 (ms)", "p99 (ms)", "max (ms)"];
  const rows: Cell[][] = [];
  for (const m of QUICK_METRICS) {
    let groups: Map<string, Float64Array>;
    try {
      groups = metricGroups(table, m, by, "report").groups;
    } catch {
      continue; // metric column absent: skip its rows
    }
    for (const [g, v] of groups) {
      const q = (p: number) => formatValue(v.length ? quantileSorted(v, p) : null);
      rows.push([
        { text: g || "all" },
        { text: columnTitle(m) },
        { text: String(v.length), numeric: true },
        q(0.5),
        q(0.9),
        q(0.99),
        q(1),
      ]);
    }
  }
  return rows.length > 0
    ? `<div class="scroll">${htmlTable(headers, rows)}</div>`
    : `<p class="note">No latency columns in the table.</p>`;
}

function errorsTable(table: TableLike): string | null {
  if (!hasColumn(table, "success")) return null;
  const success = table.array("success");
  const kinds = hasColumn(table, "error_kind")
    ? strings(table, "error_kind")
    : new Array(table.numRows()).fill(null);
  const messages = hasColumn(table, "error_message")
    ? strings(table, "error_message")
    : new Array(table.numRows()).fill(null);
  const labels = hasColumn(table, "label") ? strings(table, "label") : null;
  const groups = new Map<string, { label: string; kind: string; n: number; example: string }>();
  for (let i = 0; i < success.length; i++) {
    if (success[i] !== false) continue;
    const label = labels?.[i] ?? "";
    const kind = kinds[i] ?? "unknown";
    const key = `${label}\u0000${kind}`;
    const g = groups.get(key) ?? { label, kind, n: 0, example: messages[i] ?? "" };
    g.n++;
    groups.set(key, g);
  }
  if (groups.size === 0) return null;
  const headers = [...(labels ? ["label"] : []), "error kind", "requests", "example message"];
  const rows = [...groups.values()].sort((a, b) => b.n - a.n).map((g): Cell[] => [
    ...(labels ? [{ text: g.label }] : []),
    { text: g.kind },
    { text: String(g.n), numeric: true },
    { text: g.example.length > 300 ? g.example.slice(0, 300) + "…" : g.example },
  ]);
  return `<div class="scroll">${htmlTable(headers, rows)}</div>`;
}

function loadColumn(summary: TableLike): "concurrency" | "rate" {
  const levels = (c: string) =>
    hasColumn(summary, c) ? new Set(numbers(summary, c).filter((v) => v !== null)).size : 0;
  return levels("rate") > levels("concurrency") ? "rate" : "concurrency";
}

function loadLevels(summary: TableLike): number {
  const c = loadColumn(summary);
  return hasColumn(summary, c) ? new Set(numbers(summary, c).filter((v) => v !== null)).size : 0;
}

function presentColumns(summary: TableLike): string[] {
  const wanted = ["ttft_ms_p50", "ttft_ms_p99", "tpot_ms_p50", "tpot_ms_p99"];
  const have = wanted.filter((c) => hasColumn(summary, c));
  return have.length > 0 ? have : wanted;
}
