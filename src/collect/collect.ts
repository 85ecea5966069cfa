/**
 * `collect(options)`: sends the requests with the asked-for load shape, times every one of them,
 * and returns a {@link Run}. The first stage of the pipeline (docs/ARCHITECTURE.md).
 *
 * @module
 */

import { Agent } from "../deps/undici.ts";
import type { LoadSpec, Progress, RequestRecord, RequestSpec, Run, RunMeta } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { prepareBody, validateSpec } from "./body.ts";
import { type JsonlSink, openJsonlSink } from "./jsonl_sink.ts";
import { resolveModel } from "./models.ts";
import {
  type CollectOptions,
  DEFAULTS,
  endpointPath,
  parseServerUrl,
  validateOptions,
} from "./options.ts";
import { abortStalled, type ActiveRequest, type RequestContext, sendRequest } from "./request.ts";
import { arrivalOffsets, Semaphore, sleepUntil } from "./schedule.ts";
import { randomHex } from "./traceparent.ts";

export type { CollectOptions } from "./options.ts";

/** Name and version written to `meta.client`. */
export const CLIENT_TOOL = { tool: "vllm-metrics", version: "0.1.0" } as const;

/** How often progress is reported while running. */
const PROGRESS_INTERVAL_MS = 250;
/** Window of the progress output-token rate. */
const RATE_WINDOW_MS = 5_000;

const HEADER_SECRET = /auth|key|token|secret|cookie|password/i;

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Pulls specs one by one from a sync or async iterable, keeping this shard's share. */
class SpecSource {
  readonly #iterator: Iterator<RequestSpec> | AsyncIterator<RequestSpec>;
  readonly #shard: { index: number; count: number } | undefined;
  readonly #endpoint: "chat" | "completions";
  #position = 0;
  #peeked: RequestSpec | undefined;
  #hasPeeked = false;

  constructor(
    requests: Iterable<RequestSpec> | AsyncIterable<RequestSpec>,
    endpoint: "chat" | "completions",
    shard?: { index: number; count: number },
  ) {
    const asyncIterable = requests as AsyncIterable<RequestSpec>;
    this.#iterator = typeof asyncIterable[Symbol.asyncIterator] === "function"
      ? asyncIterable[Symbol.asyncIterator]()
      : (requests as Iterable<RequestSpec>)[Symbol.iterator]();
    this.#shard = shard;
    this.#endpoint = endpoint;
  }

  /** The next spec without consuming it. */
  async peek(): Promise<RequestSpec | undefined> {
    if (!this.#hasPeeked) {
      this.#peeked = await this.#pull();
      this.#hasPeeked = true;
    }
    return this.#peeked;
  }

  async next(): Promise<RequestSpec | undefined> {
    const spec = await this.peek();
    this.#hasPeeked = false;
    this.#peeked = undefined;
    return spec;
  }

  async close(): Promise<void> {
    await this.#iterator.return?.();
  }

  async #pull(): Promise<RequestSpec | undefined> {
    for (;;) {
      const result = await this.#iterator.next();
      if (result.done) return undefined;
      const position = this.#position++;
      if (this.#shard !== undefined && position % this.#shard.count !== this.#shard.index) continue;
      validateSpec(result.value, this.#endpoint, `requests[${position}]`);
      return result.value;
    }
  }
}

/** Tracks finished records for progress reports. */
class ProgressTracker {
  done = 0;
  failed = 0;
  inFlight = 0;
  readonly #recent: Array<{ at: number; tokens: number }> = [];

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

  #trim(now: number): void {
    while (this.#recent.length > 0 && this.#recent[0].at < now - RATE_WINDOW_MS) {
      this.#recent.shift();
    }
  }

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
}

/**
 * Sends the requests and measures each one (see docs/metrics.md for every field).
 *
 * Load: `concurrency` alone is a closed loop (each finished request lets the next go); `rate` is
 * an open loop with Gamma(burstiness) inter-arrivals (Poisson by default), optionally capped by
 * `concurrency`. The run ends when `count` requests were sent, `requests` is exhausted, or
 * `durationS` has passed — then it waits for the requests in flight. `signal` stops scheduling;
 * `abortSignal` also aborts what is in flight.
 *
 * Throws (before sending anything) only for invalid options, an invalid first spec, or a failed
 * `model: "auto"` lookup; a later invalid spec from a generator stops the run and throws after
 * the requests in flight finish (they are in the JSONL file if one was given). Failed requests
 * are records with `success: false`.
 *
 * @example
 * ```ts ignore
 * import { collect } from "./collect.ts";
 * const run = await collect({
 *   url: "http://127.0.0.1:8000",
 *   requests: [{ prompt: "Hello", max_tokens: 32 }, { prompt: "Bonjour", max_tokens: 32 }],
 *   concurrency: 2,
 * });
 * console.log(run.requests.map((r) => r.ttft_ms));
 * ```
 */
export async function collect(options: CollectOptions): Promise<Run> {
  validateOptions(options);
  const endpoint = options.endpoint ?? DEFAULTS.endpoint;
  const address = parseServerUrl(options.url);
  const stream = options.stream ?? DEFAULTS.stream;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const warmup = options.warmup ?? DEFAULTS.warmup;
  const burstiness = options.burstiness ?? DEFAULTS.burstiness;
  const seed = options.seed ?? DEFAULTS.seed;
  const runId = options.runId ?? randomHex(8);
  const requestIdPrefix = options.requestIdPrefix ?? `vm-${runId.slice(0, 8)}-`;

  // Validate specs up front when they are a list; otherwise the first one (peeked).
  if (Array.isArray(options.requests)) {
    const specs = options.requests as unknown[];
    for (let i = 0; i < specs.length; i++) {
      if (options.shard === undefined || i % options.shard.count === options.shard.index) {
        validateSpec(specs[i], endpoint, `requests[${i}]`);
      }
    }
  }
  const source = new SpecSource(options.requests, endpoint, options.shard);
  const firstSpec = await source.peek();

  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const secrets: string[] = [];
  if (options.apiKey !== undefined && options.apiKey !== "") {
    headers.authorization = `Bearer ${options.apiKey}`;
    secrets.push(options.apiKey);
  } else if (address.basicAuth !== null) {
    headers.authorization = `Basic ${btoa(address.basicAuth)}`;
  }
  if (address.basicAuth !== null) secrets.push(...address.basicAuth.split(":").filter((s) => s));
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (HEADER_SECRET.test(name) && value.length >= 4) secrets.push(value);
  }

  let sink: JsonlSink | null = null;
  if (options.jsonlPath !== undefined) {
    try {
      sink = await openJsonlSink(options.jsonlPath);
    } catch (err) {
      await source.close().catch(() => {});
      throw new Error(
        `collect: cannot open jsonlPath ${JSON.stringify(options.jsonlPath)}: ${err}`,
        {
          cause: err,
        },
      );
    }
  }

  const concurrency = options.concurrency;
  const dispatcher = new Agent({
    connections: concurrency ?? null,
    pipelining: 1,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: Math.min(timeoutMs, 30_000) },
  });
  const active = new Set<ActiveRequest>();
  const watchdog = setInterval(
    () => abortStalled(active, timeoutMs, nowMs()),
    Math.min(Math.max(timeoutMs / 10, 10), 1_000),
  );
  const onAbortAll = () => {
    for (const entry of active) entry.controller.abort(options.abortSignal?.reason);
  };
  options.abortSignal?.addEventListener("abort", onAbortAll);
  const stopSignals = [options.signal, options.abortSignal];
  let progressTimer: ReturnType<typeof setInterval> | undefined;

  try {
    const model = options.model === undefined || options.model === "auto"
      ? await resolveModel({
        base: address.base,
        headers,
        dispatcher,
        timeoutMs: Math.min(timeoutMs, 60_000),
        secrets,
        signal: options.abortSignal,
      })
      : options.model;

    const ctx: RequestContext = {
      dispatcher,
      url: address.base + endpointPath(endpoint),
      endpoint,
      model,
      stream,
      runId,
      headers,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      timeoutMs,
      sampled: options.sampled ?? DEFAULTS.sampled,
      secrets,
      active,
      abortSignal: options.abortSignal,
    };
    const bodySettings = {
      endpoint,
      model,
      stream,
      continuousUsage: options.continuousUsage ?? false,
      params: options.params ?? {},
    };

    const load: LoadSpec = { burstiness, warmup, seed };
    if (concurrency !== undefined) load.concurrency = concurrency;
    if (options.rate !== undefined) load.rate = options.rate;
    if (options.count !== undefined) load.requests = options.count;
    if (options.durationS !== undefined) load.duration_s = options.durationS;
    if (options.shard !== undefined) load.shard = { ...options.shard };

    const meta: RunMeta = {
      schema_version: 1,
      run_id: runId,
      label: options.label ?? runId,
      created_at: new Date().toISOString(),
      url: address.base,
      endpoint,
      model,
      load,
      started_ms: nowMs(),
      ended_ms: 0,
      duration_ms: 0,
      interrupted: false,
      client: {
        ...CLIENT_TOOL,
        runtime: `deno ${Deno.version.deno}`,
        hostname: hostname(),
      },
      trace_source: null,
      prometheus: null,
      extra: { ...(options.extra ?? {}) },
    };

    // ---- warmup: the first spec, `warmup` times, awaited before the measured run ----
    if (warmup > 0 && firstSpec !== undefined) {
      const slots = new Semaphore(concurrency ?? warmup);
      const body = prepareBody(firstSpec, bodySettings);
      const warmups: Promise<unknown>[] = [];
      for (let i = 0; i < warmup; i++) {
        if (stopSignals.some((s) => s?.aborted)) break;
        await slots.acquire();
        const at = nowMs();
        warmups.push(
          sendRequest({
            index: i,
            requestId: `warmup-${requestIdPrefix}${i}`,
            spec: firstSpec,
            body,
            scheduledMs: at,
          }, ctx).finally(() => slots.release()),
        );
      }
      await Promise.all(warmups);
    }

    // ---- measured run ----
    const tracker = new ProgressTracker();
    const callbackErrors: unknown[] = [];
    const records: RequestRecord[] = [];
    const total = options.count ??
      (Array.isArray(options.requests) ? countShare(options.requests.length, options.shard) : null);
    const startedMs = nowMs();
    meta.started_ms = startedMs;
    const deadlineMs = options.durationS !== undefined
      ? startedMs + options.durationS * 1000
      : Infinity;
    // The first line describes the run as far as known now (ended_ms = started_ms, duration 0).
    meta.ended_ms = startedMs;
    if (sink !== null) await sink.write({ type: "meta", ...meta });

    const report = () => {
      try {
        options.onProgress?.(tracker.snapshot(nowMs(), startedMs, total));
      } catch (err) {
        callbackErrors.push(err);
      }
    };
    if (options.onProgress !== undefined) progressTimer = setInterval(report, PROGRESS_INTERVAL_MS);

    const slots = new Semaphore(concurrency ?? Infinity);
    const arrivals = arrivalOffsets({ rate: options.rate, burstiness, seed });
    const openLoop = options.rate !== undefined && options.rate !== Infinity;
    const inFlight = new Set<Promise<void>>();
    const sinkErrors: unknown[] = [];
    let interrupted = false;
    let specError: unknown = null;
    const durationController = new AbortController();
    const durationTimer = deadlineMs !== Infinity
      ? setTimeout(() => durationController.abort(), Math.max(deadlineMs - nowMs(), 0))
      : undefined;
    const waitSignals = [...stopSignals, durationController.signal];
    const waitSignal = anySignal(waitSignals);

    try {
      for (let index = 0; options.count === undefined || index < options.count; index++) {
        if (stopSignals.some((s) => s?.aborted)) {
          interrupted = true;
          break;
        }
        if (nowMs() >= deadlineMs) break;
        let spec: RequestSpec | undefined;
        try {
          spec = await source.next();
        } catch (err) {
          specError = err;
          break;
        }
        if (spec === undefined) break;
        const dueMs = startedMs + arrivals.next().value;
        if (!(await sleepUntil(dueMs, nowMs, waitSignals))) {
          if (stopSignals.some((s) => s?.aborted)) interrupted = true;
          break;
        }
        try {
          await slots.acquire(waitSignal);
        } catch {
          if (stopSignals.some((s) => s?.aborted)) interrupted = true;
          break;
        }
        // Closed loop: a request is due when its slot frees up, so lateness is client overhead.
        const scheduledMs = openLoop ? dueMs : Math.max(dueMs, nowMs());
        const body = prepareBody(spec, bodySettings);
        tracker.inFlight++;
        const task = sendRequest(
          { index, requestId: requestIdPrefix + index, spec, body, scheduledMs },
          ctx,
        ).then(async (record) => {
          slots.release();
          tracker.inFlight--;
          tracker.finished(record, nowMs());
          records.push(record);
          if (sink !== null) {
            await sink.write({ type: "request", ...record }).catch((err) => sinkErrors.push(err));
          }
          try {
            options.onRecord?.(record);
          } catch (err) {
            callbackErrors.push(err);
          }
        });
        const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      await Promise.all(inFlight);
    } finally {
      clearTimeout(durationTimer);
      await Promise.allSettled(inFlight);
      await source.close().catch(() => {});
    }

    if (progressTimer !== undefined) clearInterval(progressTimer);
    progressTimer = undefined;
    const endedMs = nowMs();
    meta.ended_ms = endedMs;
    meta.duration_ms = endedMs - startedMs;
    meta.interrupted = interrupted || stopSignals.some((s) => s?.aborted);
    report();
    if (specError !== null) throw specError;
    if (callbackErrors.length > 0) {
      throw new Error(
        `collect: an onRecord/onProgress callback threw: ${String(callbackErrors[0])}`,
        {
          cause: callbackErrors[0],
        },
      );
    }
    if (sinkErrors.length > 0) {
      throw new Error(
        `collect: writing ${options.jsonlPath} failed: ${
          String(sinkErrors[0])
        } (the run itself completed)`,
      );
    }
    records.sort((a, b) => a.index - b.index);
    return { meta, requests: records };
  } finally {
    if (progressTimer !== undefined) clearInterval(progressTimer);
    clearInterval(watchdog);
    options.abortSignal?.removeEventListener("abort", onAbortAll);
    if (sink !== null) await sink.close();
    await dispatcher.close().catch(() => dispatcher.destroy());
  }
}

function countShare(length: number, shard?: { index: number; count: number }): number {
  if (shard === undefined) return length;
  return Math.max(0, Math.ceil((length - shard.index) / shard.count));
}

/** A signal that fires when any of the given ones does (undefined if none given). */
function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  if (given.length === 0) return undefined;
  return given.length === 1 ? given[0] : AbortSignal.any(given);
}
