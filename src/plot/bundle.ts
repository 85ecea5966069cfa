/**
 * The Jupyter MIME bundle for a chart: the Vega-Lite spec for interactive front ends plus a
 * static SVG and PNG for everything else (GitHub and viewers without Vega take the SVG;
 * nbconvert 6.5's HTML export strips SVG to blank space and takes the PNG).
 *
 * A chart displays through a hook that renders synchronously and returns a ready bundle, never a
 * promise, so the result is queued the moment the kernel asks for it (see docs/ARCHITECTURE.md,
 * "Rich display in Jupyter", for the kernel race this narrows but cannot remove).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { displayable } from "../display/displayable.ts";
import { render, renderSync } from "./render.ts";

/** MIME type under which JupyterLab and VS Code render Vega-Lite 5 specs. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** A Jupyter display bundle for one chart. */
export type VegaLiteBundle = {
  "application/vnd.vegalite.v5+json": VegaLiteSpec;
  "image/svg+xml": string;
  /**
   * PNG at the SVG's size (scale 1: the PNG is the fallback for viewers without SVG, and a small
   * bundle keeps notebooks small), base64 (Jupyter's encoding for binary MIME types).
   */
  "image/png": string;
  "text/plain": string;
};

/**
 * Builds `{ "application/vnd.vegalite.v5+json": spec, "image/svg+xml": svg, "image/png": base64,
 * "text/plain": ... }` for `Deno.jupyter.display(bundle, { raw: true })`. The plain text is the
 * chart's title and description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { specBundle } from "./bundle.ts";
 * import { ecdf } from "./ecdf.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const bundle = await specBundle(ecdf(table, { metric: "ttft_ms" }));
 * // in a notebook: Deno.jupyter.display(bundle, { raw: true });
 * assert.match(bundle["image/svg+xml"], /^<svg /);
 * assert.ok(bundle["image/png"].startsWith("iVBORw0KGgo")); // base64 of the PNG signature
 * assert.equal(
 *   bundle["text/plain"],
 *   "Vega-Lite chart: TTFT: cumulative distribution — ECDF of TTFT (ms)",
 * );
 * ```
 */
export async function specBundle(spec: VegaLiteSpec): Promise<VegaLiteBundle> {
  const svg = await render(spec, { format: "svg" });
  const png = await render(spec, { format: "png", scale: 1 });
  return bundleOf(spec, svg, png);
}

/** {@link specBundle}, computed synchronously (for display hooks; inline data only). */
export function specBundleSync(spec: VegaLiteSpec): VegaLiteBundle {
  return bundleOf(spec, renderSync(spec), renderSync(spec, { format: "png", scale: 1 }));
}

function bundleOf(spec: VegaLiteSpec, svg: string, png: Uint8Array): VegaLiteBundle {
  return {
    [VEGA_LITE_MIME]: spec,
    "image/svg+xml": svg,
    "image/png": encodeBase64(png),
    "text/plain": describeSpec(spec),
  };
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A one-line description of a spec: `Vega-Lite chart: <title> — <description>`. */
export function describeSpec(spec: VegaLiteSpec): string {
  const t = spec.title;
  const title = typeof t === "string"
    ? t
    : t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string"
    ? (t as { text: string }).text
    : "";
  const description = typeof spec.description === "string" ? spec.description : "";
  return ["Vega-Lite chart", [title, description].filter((s) => s).join(" — ")]
    .filter((s) => s).join(": ");
}

/**
 * Returns `spec` itself, made to display in Deno's Jupyter kernel as {@link specBundle} (the
 * Vega-Lite 5 MIME type plus SVG and PNG fallbacks), rendered synchronously when displayed. The hook is a non-enumerable symbol property, so
 * the object is still plain JSON (`JSON.stringify`, spreading and `Object.keys` are unaffected).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayableSpec } from "./bundle.ts";
 * const spec = displayableSpec({
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   mark: "point",
 * });
 * spec; // as the last expression of a notebook cell: shows the chart
 * assert.ok(Symbol.for("Jupyter.display") in spec);
 * assert.deepEqual(Object.keys(spec), ["$schema", "mark"]); // still plain JSON
 * ```
 */
export function displayableSpec<T extends VegaLiteSpec>(spec: T): T {
  return displayable(spec, () => specBundleSync(spec));
}
