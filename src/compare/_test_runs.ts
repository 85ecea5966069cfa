/**
 * Seeded synthetic runs for the comparison tests: streamed requests with TTFT, ITL gaps, TPOT,
 * server phases, a few failures and one-token replies.
 *
 * @module
 */

import type { RequestRecord, Run } from "../types.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { createRng } from "../util/rng.ts";

/** Shape of a synthetic run. */
export interface SyntheticRunOptions {
  requests: number;
  seed: number;
  /** Mean TTFT above its 20 ms floor (ms). */
  ttftMeanMs: number;
  /** Mean ITL gap above its 5 ms floor (ms). */
  gapMeanMs: number;
  label: string;
  /** A request rate (open loop), else a closed loop of concurrency 8. */
  rate?: number;
}

/** A run as described by `options`, the same for the same options. */
export function syntheticRun(options: SyntheticRunOptions): Run {
  const rng = createRng(options.seed);
  const requests: RequestRecord[] = [];
  for (let i = 0; i < options.requests; i++) {
    const tokens = rng.int(1, 24);
    const ttft = 20 + rng.exponential(options.ttftMeanMs);
    const gaps = Array.from({ length: tokens - 1 }, () => 5 + rng.exponential(options.gapMeanMs));
    const decode = gaps.reduce((s, g) => s + g, 0);
    const success = rng.next() > 0.05;
    const queue = rng.exponential(3);
    requests.push(makeRecord({
      run_id: options.label,
      index: i,
      start_ms: 1_700_000_000_000 + i * 40 + rng.next() * 10,
      ttft_ms: ttft,
      e2e_ms: ttft + decode,
      tpot_ms: tokens >= 2 ? decode / (tokens - 1) : null,
      itl_ms: gaps,
      chunk_times_ms: [
        ttft,
        ...gaps.map((_, k) => ttft + gaps.slice(0, k + 1).reduce((s, g) => s + g, 0)),
      ],
      completion_tokens: tokens,
      success,
      error: success ? null : { kind: "http_error", message: "synthetic 500", status: 500 },
      span_status: "found",
      server_queue_ms: queue,
      server_prefill_ms: ttft - queue - 2,
      server_decode_ms: decode,
    }));
  }
  return makeRun(requests, {
    run_id: options.label,
    label: options.label,
    load: options.rate
      ? { rate: options.rate, burstiness: 1, warmup: 0, seed: 0 }
      : { concurrency: 8, burstiness: 1, warmup: 0, seed: 0 },
  });
}
