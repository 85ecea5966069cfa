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
import { hasColumn, type TableLike } from "./columns.ts";
import { jsonForScript, scopeSvgIds } from "./html.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { render } from "./render.ts";
import {
  type Figure,
  type FigureGroup,
  isErrorSpec,
  reportFigures,
  runLabels,
} from "./report_figures.ts";
import { browserScript, compileForBrowser, scriptHashSource } from "./report_live.ts";
import { renderPage, section } from "./report_page.ts";
import { tableSections } from "./report_sections.ts";

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
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
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
  const labels = runLabels(input.table);
  const title = input.title ??
    (labels.length === 1 ? `vLLM benchmark report: ${labels[0]}` : "vLLM benchmark report");
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  const interactive = input.interactive ?? true;

  const sections = tableSections(input);
  const drawn = await drawFigures(reportFigures(input), {
    embedSpecs: input.embedSpecs ?? false,
    interactive,
  });
  const script = interactive ? await liveScript() : null;
  return renderPage({
    title,
    subtitle: `${describeInput(input.table, labels)} · generated ${generatedAt} by vllm-metrics`,
    sections: [...sections, ...drawn.sections],
    specScripts: drawn.specScripts,
    liveSpecs: drawn.liveSpecs,
    script,
  });
}

/**
 * Renders each group's figures to static SVG (numbered fig1, fig2, ... across groups) as one
 * section per non-empty group, with the embedded Vega-Lite specs and the compiled live specs.
 */
async function drawFigures(
  groups: FigureGroup[],
  options: { embedSpecs: boolean; interactive: boolean },
): Promise<{ sections: string[]; specScripts: string; liveSpecs: string[] }> {
  let figureNo = 0;
  const sections: string[] = [];
  const specs: { id: string; spec: VegaLiteSpec }[] = [];
  const liveSpecs: string[] = [];
  for (const g of groups) {
    const parts: string[] = [];
    for (const f of g.figures) {
      figureNo++;
      const id = `fig${figureNo}`;
      parts.push(await figure(id, f));
      if (options.embedSpecs && !isErrorSpec(f.spec)) specs.push({ id, spec: f.spec });
      if (options.interactive && !isErrorSpec(f.spec)) liveSpecs.push(liveSpecScript(id, f.spec));
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
  return { sections, specScripts, liveSpecs };
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

function describeInput(table: TableLike, labels: string[]): string {
  const n = table.numRows();
  const failed = hasColumn(table, "success")
    ? Array.from(table.array("success")).filter((s) => s === false).length
    : 0;
  return `${labels.length > 1 ? `${labels.length} runs, ` : ""}${n} request${n === 1 ? "" : "s"}` +
    (failed ? `, ${failed} failed` : "");
}
