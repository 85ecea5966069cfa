/**
 * Shared building blocks of every chart: the Vega-Lite v5 `$schema`, default sizes, and the
 * "no data" chart returned for empty input.
 *
 * Specs are plain JSON objects that use only Vega-Lite 5 features, so JupyterLab (VL 5) and
 * VS Code (VL 6) render them under the `application/vnd.vegalite.v5+json` MIME type.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { positive } from "../util/options.ts";

/** The `$schema` every spec carries (the only Vega-Lite URL notebook front ends recognise). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Default plot-area width in pixels. */
export const DEFAULT_WIDTH = 560;
/** Default plot-area height in pixels. */
export const DEFAULT_HEIGHT = 300;

/** Options every chart accepts. */
export interface ChartOptions {
  /** Chart title; each chart has a sensible default. */
  title?: string;
  /** Plot-area width in pixels (default 560). */
  width?: number;
  /** Plot-area height in pixels (default 300, some charts grow with their data). */
  height?: number;
}

/** A `title` block with an optional subtitle (omitted when empty). */
export function titleBlock(text: string, subtitle?: string | string[]): Record<string, unknown> {
  const sub = Array.isArray(subtitle) ? subtitle.filter((s) => s) : subtitle ? [subtitle] : [];
  return sub.length > 0
    ? { text, subtitle: sub.length === 1 ? sub[0] : sub, anchor: "start" }
    : { text, anchor: "start" };
}

/** Checks a pixel size option of the chart `where` (> 0) and returns it, or the default. */
export function size(
  where: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  return positive(where, name, value ?? fallback);
}

/** Common top-level properties: `$schema`, description, title, size and a light config. */
export function base(
  description: string,
  title: string,
  subtitle: string | string[] | undefined,
  width: number,
  height: number,
): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    description,
    title: titleBlock(title, subtitle),
    width,
    height,
    config: {
      view: { stroke: null },
      axis: { grid: true, gridColor: "#e6e6e6", labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
      title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555" },
    },
  };
}

/**
 * A chart that says "no data" (with the reason) instead of failing: what every plot function
 * returns for an empty table or when all values of the metric are null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noDataSpec } from "./spec.ts";
 * const spec = noDataSpec("TTFT", "no successful requests with ttft_ms");
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * assert.equal(spec.description, "TTFT: no data (no successful requests with ttft_ms)");
 * ```
 */
export function noDataSpec(
  title: string,
  reason: string,
  options: { width?: number; height?: number } = {},
): VegaLiteSpec {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = Math.min(options.height ?? 120, 120);
  return {
    ...base(`${title}: no data (${reason})`, title, undefined, width, height),
    data: { values: [{ text: "no data", reason }] },
    layer: [
      {
        mark: { type: "text", fontSize: 16, color: "#888", dy: -8 },
        encoding: { text: { field: "text" }, x: { value: width / 2 }, y: { value: height / 2 } },
      },
      {
        mark: { type: "text", fontSize: 11, color: "#888", dy: 12 },
        encoding: {
          text: { field: "reason" },
          x: { value: width / 2 },
          y: { value: height / 2 },
        },
      },
    ],
  };
}
