import assert from "node:assert/strict";
import { plot, render, specBundle, VEGA_LITE_MIME } from "../../src/plot/mod.ts";
import type { VegaLiteSpec } from "../../src/types.ts";
import { syntheticChunkTable, syntheticTable } from "./_fixtures.ts";

const table = syntheticTable({ requests: 40, seed: 2 });
const spec = plot.ecdf(table, { metric: "ttft_ms" });

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

Deno.test("render gives an SVG document by default", async () => {
  const svg = await render(spec);
  assert.equal(typeof svg, "string");
  assert.match(svg, /^<svg /);
  assert.match(svg, /TTFT \(ms\)/);
});

Deno.test("render gives the same SVG twice for the same spec", async () => {
  assert.equal(await render(spec), await render(spec));
});

Deno.test("render png gives PNG bytes at twice the SVG size by default", async () => {
  const svg = await render(spec);
  const png = await render(spec, { format: "png" });
  assert.ok(png instanceof Uint8Array);
  assert.deepEqual([...png.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const w = Number(/width="(\d+)"/.exec(svg)![1]);
  const h = Number(/height="(\d+)"/.exec(svg)![1]);
  assert.deepEqual(pngSize(png), { width: w * 2, height: h * 2 });
  assert.deepEqual(pngSize(await render(spec, { format: "png", scale: 1 })), {
    width: w,
    height: h,
  });
});

Deno.test("render svg with a scale multiplies the SVG size", async () => {
  const svg1 = await render(spec);
  const svg2 = await render(spec, { scale: 2 });
  const w1 = Number(/width="(\d+)"/.exec(svg1)![1]);
  const w2 = Number(/width="(\d+)"/.exec(svg2)![1]);
  assert.equal(w2, w1 * 2);
});

Deno.test("render rejects unknown formats, bad scales and invalid specs", async () => {
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => render(spec, { format: "jpeg" as any }), /format/);
  await assert.rejects(() => render(spec, { scale: 0 }), /scale/);
  const bad: VegaLiteSpec = { $schema: spec.$schema, mark: "nonsense-mark" };
  await assert.rejects(() => render(bad));
});

Deno.test("specBundle carries the v5 spec, an SVG, a PNG and a text description", async () => {
  const bundle = await specBundle(spec);
  assert.deepEqual(
    Object.keys(bundle).sort(),
    [VEGA_LITE_MIME, "image/png", "image/svg+xml", "text/plain"].sort(),
  );
  const png = Uint8Array.from(atob(bundle["image/png"]), (c) => c.charCodeAt(0));
  assert.deepEqual(png, await render(spec, { format: "png", scale: 1 }));
  assert.equal(VEGA_LITE_MIME, "application/vnd.vegalite.v5+json");
  assert.equal(bundle[VEGA_LITE_MIME], spec);
  assert.match(bundle["image/svg+xml"], /^<svg /);
  assert.match(
    bundle["text/plain"],
    /^Vega-Lite chart: TTFT: cumulative distribution — ECDF of TTFT \(ms\)$/,
  );
});

Deno.test("chart specs from mod.ts display in Jupyter as the v5 bundle and stay plain JSON", async () => {
  const shown = plot.histogram(table, { metric: "ttft_ms" });
  const hook = (shown as unknown as Record<symbol, () => Record<string, unknown>>)[
    Symbol.for("Jupyter.display")
  ];
  assert.equal(typeof hook, "function");
  const bundle = hook();
  assert.ok(!(bundle instanceof Promise), "the hook returns a ready bundle, not a promise");
  assert.deepEqual(bundle, { ...(await specBundle(shown)) });
  assert.equal(bundle[VEGA_LITE_MIME], shown);
  assert.match(String(bundle["image/svg+xml"]), /^<svg /);
  assert.ok(!Object.keys(shown).includes("Symbol(Jupyter.display)"));
  assert.deepEqual(JSON.parse(JSON.stringify(shown)).$schema, shown.$schema);
});

Deno.test("renderSync gives the same SVG and PNG as render for every chart", async () => {
  const { renderSync } = await import("../../src/plot/render.ts");
  const chunks = syntheticChunkTable({ requests: 20, seed: 3 });
  const specs = [
    plot.histogram(table, { metric: "ttft_ms" }),
    plot.ecdf(table, { metric: "e2e_ms" }),
    plot.breakdown(table),
    plot.timeline(table),
    plot.inFlight(table),
    plot.itlOverTime(chunks),
    plot.itlByPosition(chunks),
    plot.throughputOverTime(chunks),
  ];
  for (const chart of specs) {
    assert.equal(renderSync(chart), await render(chart), String(chart.description));
    assert.deepEqual(renderSync(chart, { format: "png" }), await render(chart, { format: "png" }));
  }
});
