/**
 * Test helpers for src/plot: compiling specs, counting embedded data, and SVG snapshots.
 *
 * Snapshots live in tests/snapshots/<name>.svg. Run with `UPDATE_SNAPSHOTS=1` to (re)write them;
 * otherwise a missing or different snapshot fails the test.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as vl from "../../src/deps/vega_lite.ts";
import type { VegaLiteSpec } from "../../src/types.ts";
import { render } from "../../src/plot/render.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** tests/snapshots/ */
export const SNAPSHOT_DIR = join(here, "..", "snapshots");

/** Compiles with vega-lite (throws on invalid specs) and returns the Vega spec. */
export function compile(spec: VegaLiteSpec): unknown {
  // deno-lint-ignore no-explicit-any
  return vl.compile(spec as any).spec;
}

/**
 * Number of embedded data values in a spec: rows × fields of every inline `data.values` (top
 * level, layers, facet specs, concatenations, datasets).
 */
export function embeddedValueCount(spec: unknown): number {
  let count = 0;
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    const data = obj.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) {
      for (const row of data.values) {
        count += row !== null && typeof row === "object" ? Object.keys(row).length : 1;
      }
    }
    for (const key of ["layer", "spec", "hconcat", "vconcat", "concat"]) {
      if (key in obj) visit(obj[key]);
    }
    if (obj.datasets && typeof obj.datasets === "object") {
      for (const v of Object.values(obj.datasets)) visit({ data: { values: v } });
    }
  };
  visit(spec);
  return count;
}

/** All inline data rows of a spec (top level and layers). */
export function dataRows(spec: unknown): Record<string, unknown>[] {
  const s = spec as { data?: { values?: unknown[] } };
  return (s.data?.values ?? []) as Record<string, unknown>[];
}

/** All `text` content of an SVG, unescaped enough for assertions (`&lt;` → `<`, ...). */
export function svgText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(
      /&#39;/g,
      "'",
    ).replace(/&amp;/g, "&")
  ).join("\n");
}

/** Compares `svg` to tests/snapshots/<name>.svg (or writes it when UPDATE_SNAPSHOTS=1). */
export async function assertSnapshot(name: string, svg: string): Promise<void> {
  const path = join(SNAPSHOT_DIR, `${name}.svg`);
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.mkdir(SNAPSHOT_DIR, { recursive: true });
    await Deno.writeTextFile(path, svg + "\n");
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(path);
  } catch {
    throw new Error(`snapshot ${path} is missing; run the tests with UPDATE_SNAPSHOTS=1`);
  }
  assert.equal(svg + "\n", expected, `SVG differs from snapshot ${name}.svg`);
}

/** Renders a spec to SVG and checks it is one standalone SVG document. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const svg = await render(spec, { format: "svg" });
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  return svg;
}
