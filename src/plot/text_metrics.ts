/**
 * Text widths for headless layout. Without node-canvas, vega estimates every label as
 * 0.8 × font size per character, which leaves wide gaps; this module measures with the advance
 * widths of DejaVu Sans (the font the PNG renderer uses), so axis titles and legends sit where
 * they will be drawn.
 *
 * @module
 */

// Advance widths of DejaVu Sans (regular, then bold), in em, for ASCII 32..126, read from the
// font's `hmtx` table (fonts-dejavu-core, units per em 2048).
const REGULAR = [
  0.318,
  0.401,
  0.46,
  0.838,
  0.636,
  0.95,
  0.78,
  0.275,
  0.39,
  0.39,
  0.5,
  0.838,
  0.318,
  0.361,
  0.318,
  0.337,
  0.636,
  0.636,
  0.636,
  0.636,
  0.636,
  0.636,
  0.636,
  0.636,
  0.636,
  0.636,
  0.337,
  0.337,
  0.838,
  0.838,
  0.838,
  0.531,
  1.0,
  0.684,
  0.686,
  0.698,
  0.77,
  0.632,
  0.575,
  0.775,
  0.752,
  0.295,
  0.295,
  0.656,
  0.557,
  0.863,
  0.748,
  0.787,
  0.603,
  0.787,
  0.695,
  0.635,
  0.611,
  0.732,
  0.684,
  0.989,
  0.685,
  0.611,
  0.685,
  0.39,
  0.337,
  0.39,
  0.838,
  0.5,
  0.5,
  0.613,
  0.635,
  0.55,
  0.635,
  0.615,
  0.352,
  0.635,
  0.634,
  0.278,
  0.278,
  0.579,
  0.278,
  0.974,
  0.634,
  0.612,
  0.635,
  0.635,
  0.411,
  0.521,
  0.392,
  0.634,
  0.592,
  0.818,
  0.592,
  0.592,
  0.525,
  0.636,
  0.337,
  0.636,
  0.838,
];
const BOLD = [
  0.348,
  0.456,
  0.521,
  0.838,
  0.696,
  1.002,
  0.872,
  0.306,
  0.457,
  0.457,
  0.523,
  0.838,
  0.38,
  0.415,
  0.38,
  0.365,
  0.696,
  0.696,
  0.696,
  0.696,
  0.696,
  0.696,
  0.696,
  0.696,
  0.696,
  0.696,
  0.4,
  0.4,
  0.838,
  0.838,
  0.838,
  0.58,
  1.0,
  0.774,
  0.762,
  0.734,
  0.83,
  0.683,
  0.683,
  0.821,
  0.837,
  0.372,
  0.372,
  0.775,
  0.637,
  0.995,
  0.837,
  0.85,
  0.733,
  0.85,
  0.77,
  0.72,
  0.682,
  0.812,
  0.774,
  1.103,
  0.771,
  0.724,
  0.725,
  0.457,
  0.365,
  0.457,
  0.838,
  0.5,
  0.5,
  0.675,
  0.716,
  0.593,
  0.716,
  0.678,
  0.435,
  0.716,
  0.712,
  0.343,
  0.343,
  0.665,
  0.343,
  1.042,
  0.712,
  0.687,
  0.716,
  0.716,
  0.493,
  0.595,
  0.478,
  0.712,
  0.652,
  0.924,
  0.645,
  0.652,
  0.582,
  0.712,
  0.365,
  0.712,
  0.838,
];

/**
 * Width in pixels of `text` set in DejaVu Sans at `fontSize` (non-ASCII characters count as
 * 0.65 em, bold as 0.72 em).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textWidth } from "./text_metrics.ts";
 * const width = textWidth("TTFT (ms)", 11); // px at 11 px font size
 * assert.ok(50 < width && width < 60);
 * ```
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    em += c >= 32 && c <= 126 ? table[c - 32] : bold ? 0.72 : 0.65;
  }
  return em * fontSize;
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

interface TextMetrics {
  width: (item: TextItem, text?: unknown) => number;
}

/**
 * Makes vega measure text with {@link textWidth} instead of its rough estimate. Affects the
 * whole vega module (vega keeps text metrics globally); idempotent.
 */
export function installTextMetrics(textMetrics: TextMetrics): void {
  const measure = (item: TextItem, text?: unknown): number => {
    const value = text === undefined || text === null ? "" : String(text).trim();
    const fontSize = item.fontSize != null ? +item.fontSize || 0 : 11;
    const w = item.fontWeight;
    const bold = w === "bold" || (typeof w === "number" && w >= 600) ||
      (typeof w === "string" && Number(w) >= 600);
    const width = textWidth(value, fontSize, bold);
    // vega truncates text longer than `limit` pixels to fit it.
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  textMetrics.width = measure;
}
