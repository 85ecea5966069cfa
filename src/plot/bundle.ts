/**
 * The Jupyter MIME bundle for a chart: the Vega-Lite spec for interactive front ends plus a
 * static SVG for everything else (nbconvert HTML, GitHub, viewers without Vega).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { displayable } from "../display/displayable.ts";
import { render } from "./render.ts";

/** MIME type under which JupyterLab and VS Code render Vega-Lite 5 specs. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** A Jupyter display bundle for one chart. */
export type VegaLiteBundle = {
  "application/vnd.vegalite.v5+json": VegaLiteSpec;
  "image/svg+xml": string;
  "text/plain": string;
};

/**
 * Builds `{ "application/vnd.vegalite.v5+json": spec, "image/svg+xml": svg, "text/plain": ... }`
 * for `Deno.jupyter.display(bundle, { raw: true })`. The plain text is the chart's title and
 * description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { specBundle } from "./bundle.ts";
 * import { ecdf } from "./ecdf.ts";
 * import { toTable } from "../table/to_table.ts";
 * import { makeRecord, makeRun } from "../table/fixtures.ts";
 * const table = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
 * const bundle = await specBundle(ecdf(table, { metric: "ttft_ms" }));
 * // in a notebook: Deno.jupyter.display(bundle, { raw: true });
 * assert.match(bundle["image/svg+xml"], /^<svg /);
 * assert.equal(
 *   bundle["text/plain"],
 *   "Vega-Lite chart: TTFT: cumulative distribution — ECDF of TTFT (ms)",
 * );
 * ```
 */
export async function specBundle(spec: VegaLiteSpec): Promise<VegaLiteBundle> {
  const svg = await render(spec, { format: "svg" });
  return { [VEGA_LITE_MIME]: spec, "image/svg+xml": svg, "text/plain": describeSpec(spec) };
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
 * Vega-Lite 5 MIME type plus an SVG fallback). The hook is a non-enumerable symbol property, so
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
  return displayable(spec, () => specBundle(spec));
}
