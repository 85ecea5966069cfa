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
  const format = options.format ?? "svg";
  if (format !== "svg" && format !== "png") {
    throw new RangeError(`option format must be "svg" or "png", got ${JSON.stringify(format)}`);
  }
  const scale = options.scale ?? (format === "png" ? 2 : 1);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`option scale must be a positive number, got ${options.scale}`);
  }
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`render: expected a Vega-Lite spec object, got ${spec}`);
  }
  const svg = await toSvg(spec, format === "svg" ? scale : 1);
  if (format === "svg") return svg;
  const font = options.font ?? "DejaVu Sans";
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: font, sansSerifFamily: font },
  });
  return new Uint8Array(resvg.render().asPng());
}

async function toSvg(spec: VegaLiteSpec, scale: number): Promise<string> {
  if (!metricsInstalled) {
    // vega exports textMetrics at runtime (from vega-scenegraph); its typings omit it.
    const metrics = (vega as unknown as { textMetrics?: Parameters<typeof installTextMetrics>[0] })
      .textMetrics;
    if (metrics) installTextMetrics(metrics);
    metricsInstalled = true;
  }
  // deno-lint-ignore no-explicit-any
  const compiled = vl.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG(scale);
  } finally {
    view.finalize();
  }
}
