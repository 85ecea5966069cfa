/**
 * The running counts behind collect's progress reports.
 *
 * @module
 */

import type { Progress, RequestRecord } from "../types.ts";

/** Window of the progress output-token rate. */
const RATE_WINDOW_MS = 5_000;

/**
 * Tracks finished records for progress reports: counts, and the output-token rate over the
 * last 5 s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressTracker } from "./progress_tracker.ts";
 * const tracker = new ProgressTracker();
 * tracker.inFlight = 1;
 * tracker.finished({ success: true, completion_tokens: 50 } as never, 1_000);
 * const progress = tracker.snapshot(2_000, 0, 10);
 * assert.equal(progress.done, 1);
 * assert.equal(progress.output_tokens_per_s, 25); // 50 tokens over the 2 s elapsed
 * ```
 */
export class ProgressTracker {
  /** Finished requests, failed ones included. */
  done = 0;
  /** Finished requests that failed. */
  failed = 0;
  /** Requests sent and not finished; kept by the caller. */
  inFlight = 0;
  readonly #recent: Array<{ at: number; tokens: number }> = [];

  /** Counts a finished record at epoch-ms `at`. */
  finished(record: RequestRecord, at: number): void {
    this.done++;
    if (!record.success) this.failed++;
    if (record.completion_tokens !== null && record.completion_tokens > 0) {
      this.#recent.push({ at, tokens: record.completion_tokens });
    }
    // Trimmed here too: without onProgress, snapshot() is never called and the window would
    // keep one entry per request for the whole run.
    this.#trim(at);
  }

  /** The progress at epoch-ms `now` of a run started at `startedMs` with `total` requests. */
  snapshot(now: number, startedMs: number, total: number | null): Progress {
    this.#trim(now);
    const windowMs = Math.min(RATE_WINDOW_MS, Math.max(now - startedMs, 1));
    let tokens = 0;
    for (const r of this.#recent) tokens += r.tokens;
    return {
      done: this.done,
      failed: this.failed,
      in_flight: this.inFlight,
      total,
      elapsed_ms: now - startedMs,
      output_tokens_per_s: tokens / (windowMs / 1000),
    };
  }

  #trim(now: number): void {
    while (this.#recent.length > 0 && this.#recent[0].at < now - RATE_WINDOW_MS) {
      this.#recent.shift();
    }
  }
}
