/**
 * Rendering Vega-Lite specs headless: SVG with vega's string renderer, PNG by rasterising that
 * SVG with resvg (no browser, no node-canvas).
 *
 * @module
 */

import * as vega from "../deps/vega.ts";
import * as vl from "../deps/vega_lite.ts";
import { Resvg } from "../deps/resvg_resvg_js.ts";
import type { VegaLiteSpec } from "../types.ts";
import { installTextMetrics } from "./text_metrics.ts";
import { oneOf, positive } from "../util/options.ts";

/** Options of {@link render}. */
export interface RenderOptions {
  /** Output format (default `"svg"`). */
  format?: "svg" | "png";
  /** Scale factor (default 1 for SVG, 2 for PNG, i.e. retina-sharp). */
  scale?: number;
  /** Font family for `sans-serif` text in PNGs (default `"DejaVu Sans"`, Debian `fonts-dejavu-core`). */
  font?: string;
}

let metricsInstalled = false;

/**
 * Compiles a Vega-Lite spec and renders it headless: `"svg"` gives the SVG document as a string,
 * `"png"` gives PNG bytes (the SVG rasterised by resvg with system fonts, DejaVu Sans for
 * sans-serif text). Text is measured with DejaVu Sans metrics (see text_metrics.ts). The vega
 * view is always finalized. Throws when the spec does not compile (vega-lite's message).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { render } from "./render.ts";
 * const spec = {
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   data: { values: [{ a: 1, b: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
 * };
 * const svg = await render(spec);
 * assert.match(svg, /^<svg /);
 * const png = await render(spec, { format: "png" });
 * assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]); // "PNG"
 * ```
 */
export function render(
  spec: VegaLiteSpec,
  options: RenderOptions & { format: "png" },
): Promise<Uint8Array>;
/** Renders a Vega-Lite spec to an SVG document (see the first signature). */
export function render(
  spec: VegaLiteSpec,
  options?: RenderOptions & { format?: "svg" },
): Promise<string>;
/** Renders a Vega-Lite spec to SVG (string) or PNG (bytes), by `options.format`. */
export function render(spec: VegaLiteSpec, options?: RenderOptions): Promise<string | Uint8Array>;
export async function render(
  spec: VegaLiteSpec,
  options: RenderOptions = {},
): Promise<string | Uint8Array> {
  const { format, scale } = checkRenderOptions(spec, options);
  const svg = await toSvg(spec, format === "svg" ? scale : 1);
  return format === "svg" ? svg : rasterize(svg, scale, options.font);
}

function ensureTextMetrics(): void {
  if (metricsInstalled) return;
  // vega exports textMetrics at runtime (from vega-scenegraph); its typings omit it.
  const metrics = (vega as unknown as { textMetrics?: Parameters<typeof installTextMetrics>[0] })
    .textMetrics;
  if (metrics) installTextMetrics(metrics);
  metricsInstalled = true;
}

function newView(spec: VegaLiteSpec): vega.View {
  ensureTextMetrics();
  // deno-lint-ignore no-explicit-any
  const compiled = vl.compile(spec as any).spec;
  return new vega.View(vega.parse(compiled), { renderer: "none" });
}

async function toSvg(spec: VegaLiteSpec, scale: number): Promise<string> {
  const view = newView(spec);
  try {
    return await view.toSVG(scale);
  } finally {
    view.finalize();
  }
}

/** The parts of a vega View that its own headless `toSVG` reads (vega-view 6, `renderHeadless`). */
interface ViewInternals {
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
  padding(): { left: number; right: number; top: number; bottom: number };
}

/**
 * The SVG of `spec`, computed synchronously: vega's dataflow evaluates inline data without
 * yielding, so the scenegraph is complete right after `runAsync()` is called, and the headless
 * SVG renderer draws it without awaiting anything (it only awaits external images, which our
 * specs never have). Same output as `view.toSVG()`, byte for byte (tested). Used for Jupyter
 * display hooks, which must not do asynchronous work (see bundle.ts).
 */
function toSvgSync(spec: VegaLiteSpec, scale: number): string {
  const view = newView(spec);
  try {
    const pending = view.runAsync();
    pending.catch(() => {}); // a failure shows up as an empty scenegraph below
    const inner = view as unknown as ViewInternals;
    const root = (view.scenegraph() as unknown as { root?: unknown }).root;
    if (!root || !Number.isFinite(inner._viewWidth) || !Array.isArray(inner._origin)) {
      throw new Error("render: vega did not lay the chart out synchronously");
    }
    const padding = inner.padding();
    // deno-lint-ignore no-explicit-any
    const Renderer = (vega as any).renderModule("svg").headless;
    const renderer = new Renderer(view.loader());
    renderer.initialize(
      null,
      Math.max(0, inner._viewWidth + padding.left + padding.right),
      Math.max(0, inner._viewHeight + padding.top + padding.bottom),
      [padding.left + inner._origin[0], padding.top + inner._origin[1]],
      scale,
    ).background(view.background());
    renderer.render(root);
    return renderer.svg() as string;
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite spec like {@link render}, but synchronously: `"svg"` gives the SVG string,
 * `"png"` the PNG bytes. For specs with inline data only (every chart of this library); a spec
 * that loads data from a URL needs the asynchronous {@link render}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { render, renderSync } from "./render.ts";
 * const spec = {
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   data: { values: [{ a: 1, b: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
 * };
 * assert.equal(renderSync(spec), await render(spec));
 * ```
 */
export function renderSync(
  spec: VegaLiteSpec,
  options: RenderOptions & { format: "png" },
): Uint8Array;
/** Renders a Vega-Lite spec to an SVG document synchronously (see the first signature). */
export function renderSync(
  spec: VegaLiteSpec,
  options?: RenderOptions & { format?: "svg" },
): string;
export function renderSync(spec: VegaLiteSpec, options: RenderOptions = {}): string | Uint8Array {
  const { format, scale } = checkRenderOptions(spec, options);
  const svg = toSvgSync(spec, format === "svg" ? scale : 1);
  return format === "svg" ? svg : rasterize(svg, scale, options.font);
}

function checkRenderOptions(
  spec: VegaLiteSpec,
  options: RenderOptions,
): { format: "svg" | "png"; scale: number } {
  const format = oneOf("render", "format", options.format ?? "svg", ["svg", "png"] as const);
  const scale = positive("render", "scale", options.scale ?? (format === "png" ? 2 : 1));
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`render: expected a Vega-Lite spec object, got ${spec}`);
  }
  return { format, scale };
}

function rasterize(svg: string, scale: number, font = "DejaVu Sans"): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: font, sansSerifFamily: font },
  });
  return new Uint8Array(resvg.render().asPng());
}
