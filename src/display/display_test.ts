import assert from "node:assert/strict";
import { table } from "../deps/arquero.ts";
import { displayable } from "./displayable.ts";
import { tableBundle } from "./table_bundle.ts";
import { runBundle, showRun } from "./show_run.ts";
import { showTable } from "./show_table.ts";
import { summaryBundle } from "./summary_bundle.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

const DISPLAY = Symbol.for("Jupyter.display");
const INJECT = `<script>alert("x")</script><img src=x onerror='y'>&amp;`;

function noRawMarkup(html: string) {
  assert.ok(!html.includes("<script"), "a <script> tag got through");
  assert.ok(!html.includes("<img"), "an <img> tag got through");
  assert.ok(html.includes("&lt;script&gt;"), "the text is shown escaped");
}

Deno.test("displayable() attaches a non-enumerable symbol to the object itself, JSON unaffected", () => {
  const value = { a: 1, b: [2] };
  const before = JSON.stringify(value);
  const shown = displayable(value, () => ({ "text/plain": "x" }));
  assert.equal(shown, value);
  assert.equal(JSON.stringify(shown), before);
  assert.deepEqual(Object.keys(shown), ["a", "b"]);
  assert.deepEqual({ ...shown }, { a: 1, b: [2] });
  const descriptor = Object.getOwnPropertyDescriptor(shown, DISPLAY)!;
  assert.equal(descriptor.enumerable, false);
  assert.equal(typeof descriptor.value, "function");
  assert.equal(Object.getPrototypeOf(shown)[DISPLAY], undefined, "the prototype is untouched");
  assert.equal(({} as Record<symbol, unknown>)[DISPLAY], undefined);
});

Deno.test("displayable() with text makes console.log print that text", () => {
  const value = displayable({ a: 1 }, () => ({}), { text: () => "custom text" });
  assert.equal(Deno.inspect(value), "custom text");
});

Deno.test("tableBundle() escapes column names and values", () => {
  const t = table({ [INJECT]: [INJECT, "plain"], n: [1.5, NaN] });
  const bundle = tableBundle(t);
  const html = String(bundle["text/html"]);
  noRawMarkup(html);
  assert.ok(html.includes("&lt;img src=x onerror=&#39;y&#39;&gt;&amp;amp;"));
  assert.ok(String(bundle["text/plain"]).includes("plain"));
  assert.ok(html.includes("2 rows × 2 columns"));
});

Deno.test("tableBundle() shows the first rows of a filtered table and says how many there are", () => {
  const t = table({ x: Array.from({ length: 50 }, (_, i) => i) }).filter((d: { x: number }) =>
    d.x >= 10
  );
  const html = String(tableBundle(t, { limit: 3 })["text/html"]);
  assert.ok(html.includes('<td style="text-align:right">10</td>'));
  assert.ok(!html.includes(">13<"));
  assert.ok(html.includes("40 rows × 1 column (first 3 shown)"));
  assert.throws(() => tableBundle(t, { limit: -1 }), RangeError);
});

Deno.test("runs, tables and summaries escape model names and error messages", () => {
  const record = makeRecord({
    model: INJECT,
    success: false,
    error: { kind: "http_error", message: INJECT, status: 400 },
  });
  const run = makeRun([record, makeRecord({ index: 1, model: INJECT })], {
    model: INJECT,
    label: INJECT,
  });
  noRawMarkup(String(runBundle(run)["text/html"]));
  noRawMarkup(String(tableBundle(toTable(run))["text/html"]));
  noRawMarkup(String(summaryBundle(summarize(toTable(run)))["text/html"]));
});

Deno.test("toTable(), summarize() and showRun() results carry the display symbol", () => {
  const run = makeRun([makeRecord()]);
  for (
    const value of [
      toTable(run),
      summarize(toTable(run)),
      showRun(run),
      showTable(table({ a: [1] })),
    ]
  ) {
    const bundle = (value as unknown as Record<symbol, () => Record<string, unknown>>)[DISPLAY]();
    assert.equal(typeof bundle["text/html"], "string");
    assert.equal(typeof bundle["text/plain"], "string");
  }
  assert.equal(JSON.stringify(showRun(run)), JSON.stringify(makeRun([makeRecord()])));
});

Deno.test("a run's display shows its tags and warnings", () => {
  const run = makeRun([makeRecord()], { metadata: { gpu: "H100", vllm_version: "0.11.0" } });
  run.meta.warnings = ["No server span arrived for the 1 request from embedded"];
  const text = String(runBundle(run)["text/plain"]);
  assert.match(text, /gpu=H100, vllm_version=0\.11\.0/);
  assert.match(text, /No server span arrived/);
});
