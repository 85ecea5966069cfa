/**
 * Seeded synthetic data for the plot tests, shaped like the tables of src/table and
 * src/summarize (column contract in docs/ARCHITECTURE.md): a requests table, a chunk table and a
 * sweep summary. Deterministic for a given seed; fixed epoch, never "now".
 *
 * @module
 */

import * as aq from "../../src/deps/arquero.ts";
import { createRng } from "../../src/util/rng.ts";
import type { RequestRecord, Run } from "../../src/types.ts";

/** 2026-01-01T00:00:00Z: a fixed epoch so charts never depend on today's date. */
export const EPOCH_MS = 1_767_225_600_000;

/** Options of {@link syntheticRequests}. */
export interface FixtureOptions {
  /** Requests per run (default 60). */
  requests?: number;
  seed?: number;
  /** One run per label (default `["run-a"]`). */
  labels?: string[];
  /** Max requests in flight per run (default 8). */
  concurrency?: number;
  /** Fraction of failed requests (default 0.05). */
  failureRate?: number;
  /** Mean output tokens (default 60). */
  meanTokens?: number;
  /** Model name written to every row. */
  model?: string;
  /** Error message written to failed rows. */
  errorMessage?: string;
  /** Whether the server-side columns are filled (default true). */
  server?: boolean;
}

interface Row {
  [key: string]: unknown;
}

/**
 * Builds `{ requests, chunks }` row arrays for synthetic closed-loop runs: each run keeps
 * `concurrency` requests in flight; server queueing grows when the batch is full.
 */
export function syntheticRows(options: FixtureOptions = {}): { requests: Row[]; chunks: Row[] } {
  const n = options.requests ?? 60;
  const labels = options.labels ?? ["run-a"];
  const concurrency = options.concurrency ?? 8;
  const failureRate = options.failureRate ?? 0.05;
  const meanTokens = options.meanTokens ?? 60;
  const server = options.server ?? true;
  const rng = createRng(options.seed ?? 42);
  const requests: Row[] = [];
  const chunks: Row[] = [];
  labels.forEach((label, runIndex) => {
    const runId = `run-${runIndex + 1}`;
    const slowdown = 1 + runIndex * 0.35;
    // Closed loop: each slot starts its next request when the previous one ends.
    const slots = new Array<number>(concurrency).fill(EPOCH_MS + runIndex * 60_000);
    for (let index = 0; index < n; index++) {
      let slot = 0;
      for (let s = 1; s < concurrency; s++) if (slots[s] < slots[slot]) slot = s;
      const start = slots[slot] + rng.exponential(4);
      const failed = rng.next() < failureRate;
      const promptTokens = rng.int(50, 800);
      const completion = failed ? 0 : Math.max(2, Math.round(rng.gamma(4, meanTokens / 4)));
      const overheadPre = 0.6 + rng.exponential(0.5);
      const queue = rng.next() < 0.3 ? rng.exponential(25 * slowdown) : rng.exponential(0.4);
      const prefill = (8 + promptTokens * 0.03) * slowdown * (0.9 + 0.2 * rng.next());
      const tpotBase = (11 + concurrency * 0.35) * slowdown;
      const itl: number[] = [];
      for (let k = 1; k < completion; k++) {
        const stall = rng.next() < 0.02 ? rng.exponential(40) : 0;
        itl.push(round3(tpotBase * (0.85 + 0.3 * rng.next()) + stall));
      }
      const decode = itl.reduce((a, b) => a + b, 0);
      const overheadPost = 0.4 + rng.exponential(0.3);
      const ttft = failed ? null : round3(overheadPre + queue + prefill);
      const e2e = failed ? round3(overheadPre + rng.exponential(200)) : round3(
        overheadPre + queue + prefill + decode + overheadPost,
      );
      const end = start + e2e;
      slots[slot] = end;
      const serverOk = server && !failed;
      const serverTtft = serverOk ? round3(queue + prefill) : null;
      const serverE2e = serverOk ? round3(queue + prefill + decode + 0.3) : null;
      const chunkTimes: number[] = [];
      if (!failed) {
        let t = ttft!;
        chunkTimes.push(t);
        for (const g of itl) chunkTimes.push(round3(t += g));
      }
      requests.push({
        run_id: runId,
        label,
        concurrency,
        rate: null,
        index,
        request_id: `${runId}-${index}`,
        trace_id: hex32(rng),
        endpoint: "chat",
        model: options.model ?? "synthetic/llama-tiny",
        tag: null,
        scheduled_ms: round3(start),
        start_ms: round3(start),
        end_ms: round3(end),
        lateness_ms: 0,
        headers_ms: round3(overheadPre * 0.8),
        ttft_ms: ttft,
        e2e_ms: e2e,
        tpot_ms: failed || completion < 2 ? null : round3((e2e - ttft!) / (completion - 1)),
        first_chunk_ms: ttft,
        last_chunk_ms: failed ? null : chunkTimes[chunkTimes.length - 1],
        prompt_tokens: promptTokens,
        completion_tokens: failed ? null : completion,
        finish_reason: failed ? null : "length",
        success: !failed,
        error_kind: failed ? "timeout" : null,
        error_message: failed ? options.errorMessage ?? "request timed out after 30 s" : null,
        span_status: serverOk ? "found" : failed ? "request_failed" : "not_enriched",
        trace_url: null,
        server_queue_ms: serverOk ? round3(queue) : null,
        server_prefill_ms: serverOk ? round3(prefill) : null,
        server_decode_ms: serverOk ? round3(decode) : null,
        server_inference_ms: serverOk ? round3(prefill + decode) : null,
        server_ttft_ms: serverTtft,
        server_e2e_ms: serverE2e,
        server_start_ms: serverOk ? round3(start + overheadPre) : null,
        client_overhead_ms: serverOk ? round3(ttft! - serverTtft!) : null,
        server_frontend_ms: serverOk ? 0.3 : null,
        chunks: chunkTimes.length,
        itl_ms: Float64Array.from(itl),
      });
      chunkTimes.forEach((t, chunk) => {
        chunks.push({
          run_id: runId,
          label,
          index,
          request_id: `${runId}-${index}`,
          chunk,
          t_ms: t,
          wall_ms: round3(start + t),
          gap_ms: chunk === 0 ? null : itl[chunk - 1],
          tokens: 1,
          concurrency,
          rate: null,
        });
      });
    }
  });
  return { requests, chunks };
}

/**
 * A requests table (toTable's columns) built from {@link syntheticRows}. Like toTable, numeric
 * columns are Float64Arrays with NaN for missing values, unless `typed` is false (plain arrays
 * with null).
 */
export function syntheticTable(options: FixtureOptions & { typed?: boolean } = {}): aq.ColumnTable {
  return columnsTable(syntheticRows(options).requests, options.typed ?? true);
}

/** A chunk table (toChunkTable's columns) built from {@link syntheticRows}. */
export function syntheticChunkTable(
  options: FixtureOptions & { typed?: boolean } = {},
): aq.ColumnTable {
  return columnsTable(syntheticRows(options).chunks, options.typed ?? true);
}

function columnsTable(rows: Row[], typed: boolean): aq.ColumnTable {
  const names = rows.length > 0 ? Object.keys(rows[0]) : [];
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of names) {
    const values = rows.map((r) => r[name]);
    const numeric = values.every((v) => v === null || typeof v === "number") &&
      values.some((v) => v !== null);
    columns[name] = typed && numeric
      ? Float64Array.from(values, (v) => (v === null ? NaN : v as number))
      : values;
  }
  return aq.table(columns);
}

/** A summary table (summarize's columns) of a synthetic concurrency sweep 1, 2, 4, ..., 64. */
export function syntheticSweepSummary(seed = 7): aq.ColumnTable {
  const rng = createRng(seed);
  const rows: Row[] = [];
  for (const c of [1, 2, 4, 8, 16, 32, 64]) {
    const load = c / 64;
    const jitter = () => 0.95 + 0.1 * rng.next();
    const tpot50 = (11 + 0.35 * c) * jitter();
    const ttft50 = (25 + 400 * load * load) * jitter();
    const row: Row = {
      run_id: `sweep-c${c}`,
      label: `c=${c}`,
      concurrency: c,
      rate: null,
      requests: 200,
      succeeded: 200 - (c >= 64 ? 3 : 0),
      failed: c >= 64 ? 3 : 0,
      duration_s: round3(200 * 0.9 / c * jitter() * 10),
      request_throughput: round3(c / (0.9 + tpot50 * 60 / 1000) * jitter()),
      output_throughput: round3(c * 60 / (0.9 + tpot50 * 60 / 1000) * jitter()),
      goodput: round3(c / (1 + load * 4)),
      good_fraction: round3(1 - load * 0.6),
    };
    row.total_token_throughput = round3((row.output_throughput as number) * 5.5);
    row.output_tokens_per_s_per_user_p50 = round3(1000 / tpot50);
    const metrics: Record<string, number> = { ttft_ms: ttft50, tpot_ms: tpot50, itl_ms: tpot50 };
    metrics.e2e_ms = ttft50 + 59 * tpot50;
    for (const [m, p50] of Object.entries(metrics)) {
      row[`${m}_p50`] = round3(p50);
      row[`${m}_mean`] = round3(p50 * 1.05);
      row[`${m}_p90`] = round3(p50 * (1.4 + load));
      row[`${m}_p95`] = round3(p50 * (1.6 + 1.5 * load));
      row[`${m}_p99`] = round3(p50 * (2 + 3 * load) * jitter());
    }
    rows.push(row);
  }
  return aq.from(rows);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function hex32(rng: { next(): number }): string {
  let s = "";
  for (let i = 0; i < 32; i++) s += Math.floor(rng.next() * 16).toString(16);
  return s;
}

/**
 * The same synthetic data as {@link syntheticRows}, as `Run` objects (one per label), for tests
 * that go through toTable / summarize.
 */
export function syntheticRuns(options: FixtureOptions = {}): Run[] {
  const { requests, chunks } = syntheticRows(options);
  const byRun = new Map<string, RequestRecord[]>();
  const labelOf = new Map<string, string>();
  const chunkTimes = new Map<string, number[]>();
  for (const c of chunks) {
    const key = c.request_id as string;
    const list = chunkTimes.get(key) ?? [];
    list.push(c.t_ms as number);
    chunkTimes.set(key, list);
  }
  for (const r of requests) {
    const runId = r.run_id as string;
    labelOf.set(runId, r.label as string);
    const failed = r.success === false;
    const record: RequestRecord = {
      run_id: runId,
      index: r.index as number,
      request_id: r.request_id as string,
      trace_id: r.trace_id as string,
      span_id: "00f067aa0ba902b7",
      sampled: true,
      response_id: failed ? null : `chatcmpl-${r.index}`,
      endpoint: "chat",
      model: r.model as string,
      stream: true,
      tag: null,
      params: {},
      scheduled_ms: r.scheduled_ms as number,
      start_ms: r.start_ms as number,
      lateness_ms: 0,
      headers_ms: r.headers_ms as number,
      ttft_ms: r.ttft_ms as number | null,
      e2e_ms: r.e2e_ms as number | null,
      tpot_ms: r.tpot_ms as number | null,
      itl_ms: Array.from(r.itl_ms as Float64Array),
      chunk_times_ms: chunkTimes.get(r.request_id as string) ?? [],
      chunk_tokens: null,
      first_chunk_ms: r.first_chunk_ms as number | null,
      last_chunk_ms: r.last_chunk_ms as number | null,
      prompt_tokens: r.prompt_tokens as number,
      completion_tokens: r.completion_tokens as number | null,
      token_source: "usage",
      finish_reason: r.finish_reason as string | null,
      output_chars: 0,
      success: !failed,
      error: failed ? { kind: "timeout", message: r.error_message as string } : null,
      span_status: r.span_status as RequestRecord["span_status"],
      span_note: null,
      trace_url: null,
      server_queue_ms: r.server_queue_ms as number | null,
      server_prefill_ms: r.server_prefill_ms as number | null,
      server_decode_ms: r.server_decode_ms as number | null,
      server_inference_ms: r.server_inference_ms as number | null,
      server_ttft_ms: r.server_ttft_ms as number | null,
      server_e2e_ms: r.server_e2e_ms as number | null,
      server_scheduler_ms: null,
      server_model_forward_ms: null,
      server_model_execute_ms: null,
      server_prompt_tokens: null,
      server_completion_tokens: null,
      server_start_ms: r.server_start_ms as number | null,
      client_overhead_ms: r.client_overhead_ms as number | null,
      server_frontend_ms: r.server_frontend_ms as number | null,
      server_spans: [],
    };
    const list = byRun.get(runId) ?? [];
    list.push(record);
    byRun.set(runId, list);
  }
  return [...byRun].map(([runId, recs]) => {
    const started = Math.min(...recs.map((r) => r.start_ms));
    const ended = Math.max(...recs.map((r) => r.start_ms + (r.e2e_ms ?? 0)));
    return {
      meta: {
        schema_version: 1,
        run_id: runId,
        label: labelOf.get(runId)!,
        created_at: new Date(started).toISOString(),
        url: "http://127.0.0.1:8000",
        endpoint: "chat",
        model: recs[0].model,
        load: { concurrency: options.concurrency ?? 8, burstiness: 1, warmup: 0, seed: 0 },
        started_ms: started,
        ended_ms: ended,
        duration_ms: ended - started,
        interrupted: false,
        client: { tool: "vllm-metrics", version: "0.1.0", runtime: "deno", hostname: "test" },
        trace_source: "embedded",
        prometheus: null,
        extra: {},
      },
      requests: recs,
    };
  });
}

/**
 * A `toMetricsTable`-shaped table of a synthetic 60 s run scraped every second: the queue fills
 * and drains, KV-cache usage follows the running requests, preemptions come when it is full.
 */
export function syntheticMetricsTable(labels: string[] = ["test"]): aq.ColumnTable {
  const rows: Row[] = [];
  labels.forEach((label, k) => {
    let preemptions = 0;
    for (let t = 0; t <= 60; t++) {
      const load = Math.sin((Math.PI * t) / 60);
      const running = Math.round(16 * Math.min(1, 1.4 * load)) - 4 * k;
      const waiting = Math.max(0, Math.round(30 * (load - 0.6)));
      const kv = Math.min(1, running / 16);
      if (kv >= 1 && t % 3 === 0) preemptions++;
      const add = (metric: string, type: string, value: number) =>
        rows.push({
          run_id: `run-${k}`,
          label,
          at_ms: 1_700_000_000_000 + 1000 * t,
          t_s: t,
          metric,
          series: `${metric}{engine="0"}`,
          type,
          value,
        });
      add("vllm:num_requests_running", "gauge", Math.max(0, running));
      add("vllm:num_requests_waiting", "gauge", waiting);
      add("vllm:kv_cache_usage_perc", "gauge", round3(Math.max(0, kv)));
      add("vllm:num_preemptions_total", "counter", preemptions);
    }
  });
  return aq.from(rows);
}

/**
 * A request table of multi-turn conversations (`conversation_id`, `turn`, `ttft_ms`, `success`):
 * turn 1 pays the whole prefill, later turns hit the prefix cache and grow slowly with the
 * history. Seeded; one run per label.
 */
export function syntheticConversationTable(
  options: { conversations?: number; turns?: number; seed?: number; labels?: string[] } = {},
): aq.ColumnTable {
  const { conversations = 20, turns = 6, seed = 1, labels = ["run-a"] } = options;
  const rng = createRng(seed);
  const rows: Row[] = [];
  labels.forEach((label, k) => {
    for (let c = 0; c < conversations; c++) {
      for (let t = 1; t <= turns; t++) {
        const base = t === 1 ? 120 : 30 + 6 * t + 20 * k;
        rows.push({
          run_id: `run-${k}`,
          label,
          conversation_id: `conv-${c}`,
          turn: t,
          success: rng.next() > 0.03,
          ttft_ms: round3(base * (0.8 + 0.5 * rng.next())),
        });
      }
    }
  });
  return columnsTable(rows, true);
}

/**
 * A requests table of a run under a linear rate ramp from 2 to 20 req/s: `load_rate_rps` per
 * request and a TTFT that grows with it (queueing near saturation), some requests failed.
 */
export function syntheticRampTable(requests = 240, seed = 3): aq.ColumnTable {
  const rng = createRng(seed);
  const rows: Row[] = [];
  for (let index = 0; index < requests; index++) {
    const rate = 2 + 18 * index / (requests - 1);
    const failed = rng.next() < 0.03;
    rows.push({
      run_id: "ramp-1",
      label: "ramp",
      index,
      success: !failed,
      load_rate_rps: round3(rate),
      ttft_ms: failed ? null : round3(25 + 0.4 * rate * rate * (0.6 + 0.8 * rng.next())),
    });
  }
  return columnsTable(rows, true);
}
