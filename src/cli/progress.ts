/**
 * The live progress line of `deno task bench`: redrawn in place (`\r`) on a terminal, printed
 * as plain periodic lines when the output is a file or a pipe.
 *
 * @module
 */

import type { Progress } from "../types.ts";

/** How the run is bounded, for the ETA. */
export interface ProgressBounds {
  /** Planned measured requests, if bounded by count. */
  requests: number | null;
  /** Duration bound in seconds, if any. */
  durationS: number | null;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Estimated ms left: from the completion rate when bounded by count, from the clock when bounded
 * by duration, the smaller of the two when both; null when nothing finished yet.
 */
export function etaMs(progress: Progress, bounds: ProgressBounds): number | null {
  const estimates: number[] = [];
  const total = progress.total ?? bounds.requests;
  const finished = progress.done + progress.failed;
  if (total !== null && finished > 0) {
    estimates.push((progress.elapsed_ms / finished) * Math.max(0, total - finished));
  }
  if (bounds.durationS !== null) {
    estimates.push(Math.max(0, bounds.durationS * 1000 - progress.elapsed_ms));
  }
  return estimates.length ? Math.min(...estimates) : null;
}

/**
 * One progress line, e.g. `c4-rinf  12/64 done, 0 failed, 4 in flight, 812 tok/s, 0:03 elapsed, ETA 0:14`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 * const p = {
 *   done: 3, failed: 1, in_flight: 2, total: 8, elapsed_ms: 4000, output_tokens_per_s: 120.4,
 * };
 * assert.equal(
 *   formatProgress(p, { requests: 8, durationS: null }, "run"),
 *   "run  3/8 done, 1 failed, 2 in flight, 120 tok/s, 0:04 elapsed, ETA 0:04",
 * );
 * ```
 */
export function formatProgress(progress: Progress, bounds: ProgressBounds, prefix = ""): string {
  const total = progress.total ?? bounds.requests;
  const eta = etaMs(progress, bounds);
  return [
    `${prefix ? prefix + "  " : ""}${progress.done}${total !== null ? `/${total}` : ""} done`,
    `${progress.failed} failed`,
    `${progress.in_flight} in flight`,
    `${Math.round(progress.output_tokens_per_s)} tok/s`,
    `${clock(progress.elapsed_ms)} elapsed${eta !== null ? `, ETA ${clock(eta)}` : ""}`,
  ].join(", ");
}

/** Receives progress updates and draws them; `finish()` ends the line. */
export interface ProgressReporter {
  update(progress: Progress): void;
  finish(): void;
}

/**
 * A reporter writing to `write`: on a terminal every update redraws one line with `\r`
 * (at most every 100 ms); otherwise one plain line every `plainEveryMs` (default 5 s).
 */
export function progressReporter(options: {
  isTerminal: boolean;
  write: (text: string) => void;
  bounds: ProgressBounds;
  prefix?: string;
  plainEveryMs?: number;
}): ProgressReporter {
  const { isTerminal, write, bounds, prefix = "", plainEveryMs = 5000 } = options;
  let lastDrawn = -Infinity;
  let lastLine = "";
  let last: Progress | null = null;
  return {
    update(progress) {
      last = progress;
      const every = isTerminal ? 100 : plainEveryMs;
      if (progress.elapsed_ms - lastDrawn < every) return;
      lastDrawn = progress.elapsed_ms;
      const line = formatProgress(progress, bounds, prefix);
      if (isTerminal) {
        write(`\r${line}${" ".repeat(Math.max(0, lastLine.length - line.length))}`);
      } else write(line + "\n");
      lastLine = line;
    },
    finish() {
      if (last === null) return;
      const line = formatProgress(last, bounds, prefix).replace(/, ETA [\d:]+$/, "");
      if (isTerminal) write(`\r${line}${" ".repeat(Math.max(0, lastLine.length - line.length))}\n`);
      else write(line + "\n");
    },
  };
}
