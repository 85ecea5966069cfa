/**
 * The HTML document of the report: head (Content-Security-Policy, style), title, the sections
 * in order, and the scripts that make the charts interactive. A pure string template.
 *
 * @module
 */

import { escapeHtml } from "../util/escape_html.ts";

/** What {@link renderPage} lays out. Sections and scripts are HTML already; the texts are escaped. */
export interface Page {
  /** The document title and heading (text). */
  title: string;
  /** The line under the heading (text). */
  subtitle: string;
  /** The sections, HTML, in order ({@link section}). */
  sections: string[];
  /** `<script type="application/json">` elements with the charts' Vega-Lite specs (HTML). */
  specScripts: string;
  /** The compiled Vega specs the inline script draws (HTML), used only with `script`. */
  liveSpecs: string[];
  /** The inline script and its CSP hash source, or null for a script-free page. */
  script: { text: string; hash: string } | null;
}

/**
 * The complete HTML document. Only `script` (by its hash) may run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPage, section } from "./report_page.ts";
 * const html = renderPage({
 *   title: "A <b> test",
 *   subtitle: "2 requests",
 *   sections: [section("Summary", "<p>ok</p>")],
 *   specScripts: "",
 *   liveSpecs: [],
 *   script: null,
 * });
 * assert.match(html, /<title>A &lt;b&gt; test<\/title>/);
 * assert.match(html, /<section><h2>Summary<\/h2>\n<p>ok<\/p>\n<\/section>/);
 * assert.match(html, /content="default-src 'none'; style-src/);
 * ```
 */
export function renderPage(page: Page): string {
  const { title, script } = page;
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
<p class="meta">${escapeHtml(page.subtitle)}</p>
</header>
<main>
${page.sections.join("\n")}
</main>
${page.specScripts}
${script ? `${page.liveSpecs.join("\n")}\n<script>${script.text}</script>` : ""}
</body>
</html>
`;
}

/** A section of the page: a heading (text), an optional note (text) and a body (HTML). */
export function section(heading: string, body: string, note = ""): string {
  return `<section><h2>${escapeHtml(heading)}</h2>${
    note ? `<p class="note">${escapeHtml(note)}</p>` : ""
  }\n${body}\n</section>`;
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
