import assert from "node:assert/strict";
import * as aq from "../deps/arquero.ts";
import { formatValue, htmlTable, jsonForScript, scopeSvgIds } from "./html.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { histogram } from "./histogram.ts";
import { render } from "./render.ts";

const SCRIPT = "<script>alert(1)</script>";
const IMG = '"><img src=x onerror=alert(1)>';

Deno.test("escapeHtml escapes the five HTML metacharacters", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
  assert.equal(escapeHtml(null), "");
});

Deno.test("htmlTable escapes column names, cells and titles", () => {
  const html = htmlTable([SCRIPT], [[{ text: IMG, title: IMG }]], SCRIPT);
  assert.ok(!html.includes(SCRIPT) && !html.includes("<img"));
  assert.match(html, /<th>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/th>/);
});

Deno.test("jsonForScript cannot close its script element and parses back", () => {
  const value = { a: `</script><script>${SCRIPT}`, b: "\u2028" };
  const json = jsonForScript(value);
  assert.ok(!json.includes("<") && !json.includes(">"));
  assert.deepEqual(JSON.parse(json), value);
});

Deno.test("scopeSvgIds prefixes ids and their references", () => {
  const svg = `<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/></svg>`;
  assert.equal(
    scopeSvgIds(svg, "fig2"),
    `<svg><clipPath id="fig2-clip1"/><g clip-path="url(#fig2-clip1)"/><use href="#fig2-clip1"/></svg>`,
  );
});

Deno.test("formatValue rounds floats, keeps integers and shows missing as a dash", () => {
  assert.deepEqual(formatValue(12.3456), { text: "12.35", numeric: true });
  assert.deepEqual(formatValue(0.012345), { text: "0.01235", numeric: true });
  assert.deepEqual(formatValue(42), { text: "42", numeric: true });
  assert.deepEqual(formatValue(null), { text: "–", numeric: false });
});

Deno.test("a chart's SVG escapes hostile column names and group values", async () => {
  const t = aq.table({ ttft_ms: [1, 2, 3], [SCRIPT]: [IMG, IMG, "b"] });
  const svg = await render(histogram(t, { metric: "ttft_ms", color: SCRIPT }));
  assert.ok(!svg.includes(SCRIPT) && !svg.includes("<img"));
  assert.ok(svg.includes("&lt;script&gt;"));
});
