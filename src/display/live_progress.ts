/**
 * A live progress display for `collect` in Jupyter: one output, updated in place
 * (`update_display_data`), with done/failed/in flight, output tok/s, elapsed time, ETA and a small
 * live TTFT histogram. Outside Deno's Jupyter kernel it does nothing (it prints nothing).
 *
 * @module
 */

import type { Progress, RequestRecord } from "../types.ts";
import type { MimeBundle } from "./displayable.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatMs } from "./format_duration.ts";

/** The part of `Deno.jupyter` the live display uses. */
export interface JupyterDisplayApi {
  /** `Deno.jupyter.display`: sends display_data, or update_display_data with `update`. */
  display(
    bundle: MimeBundle,
    options: { raw: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
}

/** The callbacks `collect` takes, as far as the live display needs them. */
export interface ProgressCallbacks {
  /** Called with each progress snapshot. */
  onProgress?: (p: Progress) => void;
  /** Called with each finished measured record. */
  onRecord?: (r: RequestRecord) => void;
}

/** `Deno.jupyter` inside the kernel, else undefined (outside it even reading it throws). */
export function jupyterDisplayApi(): JupyterDisplayApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterDisplayApi }).jupyter;
    return typeof api?.display === "function" ? api : undefined;
  } catch {
    return undefined;
  }
}

const BINS = 16;

/** Counts of `values` in BINS equal bins from their min to their max. */
function histogram(values: number[]): { counts: number[]; min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(BINS).fill(0);
  const width = (max - min) / BINS || 1;
  for (const v of values) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]++;
  return { counts, min, max };
}

/** A tiny inline SVG histogram of TTFTs (no vega: it is redrawn at every update). */
function ttftSvg(ttftsMs: number[]): string {
  if (ttftsMs.length === 0) return "";
  const { counts, min, max } = histogram(ttftsMs);
  const top = Math.max(...counts);
  const barW = 10, h = 40;
  const bars = counts.map((c, i) => {
    const bh = top ? (c / top) * h : 0;
    return `<rect x="${i * barW}" y="${h - bh}" width="${
      barW - 1
    }" height="${bh}" fill="#4c78a8"/>`;
  }).join("");
  const label = `TTFT ${formatMs(min)} … ${formatMs(max)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${BINS * barW}" height="${h + 14}">` +
    `${bars}<text x="0" y="${h + 12}" font-size="10" font-family="sans-serif">` +
    `${escapeHtml(label)}</text></svg>`;
}

/** A duration for humans watching a run: "4.2 s", "3 min 07 s". */
function clock(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

/** The progress line: done/total, failed, in flight, tok/s, elapsed and ETA. */
export function progressLine(p: Progress): string {
  const done = p.total === null ? `${p.done} done` : `${p.done}/${p.total} done`;
  const eta = p.total !== null && p.done > 0 && p.done < p.total
    ? `, ETA ${clock(((p.total - p.done) * p.elapsed_ms) / p.done)}`
    : "";
  return `${done}, ${p.failed} failed, ${p.in_flight} in flight, ` +
    `${p.output_tokens_per_s.toFixed(0)} tok/s, elapsed ${clock(p.elapsed_ms)}${eta}`;
}

/**
 * The bundle of one progress state: `text/html` (the line and a TTFT histogram) and `text/plain`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressBundle } from "./live_progress.ts";
 * const p = { done: 5, failed: 1, in_flight: 4, total: 20, elapsed_ms: 2000, output_tokens_per_s: 812 };
 * const bundle = progressBundle(p, [12, 15, 30]);
 * assert.equal(
 *   bundle["text/plain"],
 *   "5/20 done, 1 failed, 4 in flight, 812 tok/s, elapsed 2.0 s, ETA 6.0 s",
 * );
 * assert.match(String(bundle["text/html"]), /<svg /);
 * ```
 */
export function progressBundle(p: Progress, ttftsMs: number[]): MimeBundle {
  const line = progressLine(p);
  const html = `<div class="vllm-metrics-progress"><p>${escapeHtml(line)}</p>${
    ttftSvg(ttftsMs)
  }</div>`;
  return { "text/html": html, "text/plain": line };
}

let displays = 0;

/**
 * Returns `options` with a live display chained before its own `onProgress`/`onRecord` when
 * `api` (default: `Deno.jupyter`, only inside the kernel) is there and `enabled` is not false;
 * otherwise `options` itself. The display never throws into `collect`: a failed update is
 * ignored (the measurements matter more than the display).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ProgressCallbacks, withLiveProgress } from "./live_progress.ts";
 * const options: ProgressCallbacks & { count: number } = { count: 3 };
 * assert.equal(withLiveProgress(options), options); // outside Jupyter: unchanged
 * const sent: { update?: boolean }[] = [];
 * const api = { display: (_b: unknown, o: { update?: boolean }) => (sent.push(o), Promise.resolve()) };
 * const live = withLiveProgress(options, true, api);
 * const p = { done: 1, failed: 0, in_flight: 2, total: 3, elapsed_ms: 10, output_tokens_per_s: 9 };
 * live.onProgress!(p);
 * live.onProgress!({ ...p, done: 3, in_flight: 0 });
 * assert.deepEqual(sent.map((o) => o.update), [false, true]);
 * ```
 */
export function withLiveProgress<T extends ProgressCallbacks>(
  options: T,
  enabled = true,
  api: JupyterDisplayApi | undefined = jupyterDisplayApi(),
): T {
  if (api === undefined || enabled === false) return options;
  const displayId = `vllm-metrics-progress-${++displays}`;
  const ttftsMs: number[] = [];
  let shown = false;
  const show = (p: Progress) => {
    try {
      const bundle = progressBundle(p, ttftsMs);
      api.display(bundle, { raw: true, update: shown, display_id: displayId }).catch(() => {});
      shown = true;
    } catch {
      // a display that cannot be drawn is skipped
    }
  };
  return {
    ...options,
    onProgress: (p: Progress) => {
      show(p);
      options.onProgress?.(p);
    },
    onRecord: (r: RequestRecord) => {
      if (r.success && typeof r.ttft_ms === "number") ttftsMs.push(r.ttft_ms);
      options.onRecord?.(r);
    },
  };
}
