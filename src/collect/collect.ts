/**
 * `collect(options)`: sends the requests with the asked-for load shape, times every one of them,
 * and returns a {@link Run}. The first stage of the pipeline (docs/ARCHITECTURE.md).
 *
 * @module
 */

import { Agent } from "../deps/undici.ts";
import type {
  LoadSpec,
  Progress,
  RequestRecord,
  RequestSpec,
  Run,
  RunMeta,
  ServerMetricsSeries,
} from "../types.ts";
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
import { redact } from "./errors.ts";
import { finiteRecord } from "../io/finite.ts";
import { requestIds } from "./request_id.ts";
import { type MetricsScraper, startMetricsScraper } from "./metrics_scraper.ts";
import { showRun } from "../display/show_run.ts";
import { withLiveProgress } from "../display/live_progress.ts";
import { checkMetadata, runMetadata } from "./metadata.ts";
import { datasetInfoOf } from "../datasets/describe.ts";

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
 * are records with `success: false`. A JSONL file that cannot be written does not stop the run:
 * it is returned whole with `meta.warnings` saying so. Values no file can hold (a non-finite
 * number from a hostile stream) are stored as null with a note in the record's `value_notes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collect } from "./collect.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const run = await collect({
 *     url: sim.url,
 *     requests: [{ prompt: "Hello", max_tokens: 4 }, { prompt: "Bonjour", max_tokens: 4 }],
 *     concurrency: 2,
 *   });
 *   assert.deepEqual(run.requests.map((r) => r.success), [true, true]);
 *   assert.ok(run.requests.every((r) => r.ttft_ms !== null && r.ttft_ms > 0));
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function collect(given: CollectOptions): Promise<Run> {
  validateOptions(given);
  // In Jupyter: a live progress display (callbacks chained before the caller's); else unchanged.
  const options = withLiveProgress(given, given.progress);
  const endpoint = options.endpoint ?? DEFAULTS.endpoint;
  const address = parseServerUrl(options.url);
  const stream = options.stream ?? DEFAULTS.stream;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const idleTimeoutMs = options.idleTimeoutMs ?? timeoutMs;
  const warmup = options.warmup ?? DEFAULTS.warmup;
  const burstiness = options.burstiness ?? DEFAULTS.burstiness;
  const seed = options.seed ?? DEFAULTS.seed;
  const runId = options.runId ?? randomHex(8);
  const ids = requestIds(options.requestIdPrefix);

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
    () => abortStalled(active, { totalMs: timeoutMs, idleMs: idleTimeoutMs }, nowMs()),
    Math.min(Math.max(Math.min(timeoutMs, idleTimeoutMs) / 10, 10), 1_000),
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
      maxEventChars: options.maxEventChars ?? DEFAULTS.maxEventChars,
      timeoutMs,
      idleTimeoutMs,
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
    if (options.ramp !== undefined && options.rate !== undefined) {
      const { shape, durationS, startRate = options.rate / 10 } = options.ramp;
      load.ramp = { shape, duration_s: durationS, start_rate: startRate };
    }

    // asked before the clock starts: started_ms must not include this request
    const metadata = await runMetadata(
      checkMetadata(options.metadata ?? {}, "collect"),
      address.base,
      headers,
    );
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
      metadata,
    };
    const dataset = datasetInfoOf(options.requests);
    if (dataset !== null) meta.dataset = dataset;

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
            requestId: ids.warmup(i),
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
    // The first line describes the run as far as known now: no end yet (null), so a log cut
    // short by a crash loads as interrupted; the closing meta line gives the end.
    const sinkErrors: unknown[] = [];
    const log = (line: Record<string, unknown>) =>
      sink?.write(line).catch((err) => sinkErrors.push(err));
    await log({ type: "meta", ...meta, ended_ms: null, duration_ms: null });
    const scraper = startScraper(address.base, options.scrapeInterval);

    const report = () => {
      try {
        options.onProgress?.(tracker.snapshot(nowMs(), startedMs, total));
      } catch (err) {
        callbackErrors.push(err);
      }
    };
    if (options.onProgress !== undefined) progressTimer = setInterval(report, PROGRESS_INTERVAL_MS);

    const slots = new Semaphore(concurrency ?? Infinity);
    const arrivals = arrivalOffsets({ rate: options.rate, burstiness, seed, ramp: options.ramp });
    const openLoop = options.rate !== undefined && options.rate !== Infinity;
    const inFlight = new Set<Promise<void>>();
    let interrupted = false;
    let specError: unknown = null;
    const durationController = new AbortController();
    const durationTimer = deadlineMs !== Infinity
      ? longTimeout(() => durationController.abort(), deadlineMs)
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
        const arrivalMs = arrivals.next().value;
        const dueMs = startedMs + (spec.send_at_ms ?? arrivalMs); // a trace's own time first
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
        const timed = openLoop || spec.send_at_ms !== undefined;
        const scheduledMs = timed ? dueMs : Math.max(dueMs, nowMs());
        const body = prepareBody(spec, bodySettings);
        tracker.inFlight++;
        const task = sendRequest(
          { index, requestId: ids.measured(index), spec, body, scheduledMs },
          ctx,
        ).then(async (measured) => {
          // Storable values only, and no secret echoed back by the server in its response id.
          const record = finiteRecord(withoutSecrets(measured, secrets));
          slots.release();
          tracker.inFlight--;
          tracker.finished(record, nowMs());
          records.push(record);
          await log({ type: "request", ...record });
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
      durationTimer?.cancel();
      await Promise.allSettled(inFlight);
      await source.close().catch(() => {});
      if (scraper) meta.server_metrics = await scraper.stop();
    }

    if (progressTimer !== undefined) clearInterval(progressTimer);
    progressTimer = undefined;
    const endedMs = nowMs();
    meta.ended_ms = endedMs;
    meta.duration_ms = endedMs - startedMs;
    meta.interrupted = interrupted || stopSignals.some((s) => s?.aborted);
    await log({
      type: "meta",
      ended_ms: endedMs,
      duration_ms: meta.duration_ms,
      interrupted: meta.interrupted,
      ...(meta.server_metrics ? { server_metrics: meta.server_metrics } : {}),
    });
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
    // A log that cannot be written must not cost the measurements: the run is returned whole
    // and says that its log is incomplete.
    if (sinkErrors.length > 0) {
      meta.warnings = [
        ...(meta.warnings ?? []),
        `the JSONL log ${options.jsonlPath} is incomplete (${sink?.lines ?? 0} lines written): ` +
        `writing it failed: ${errorText(sinkErrors[0])}; every request is in this run`,
      ];
    }
    const scrapeWarning = scraperWarning(meta.server_metrics);
    if (scrapeWarning) meta.warnings = [...(meta.warnings ?? []), scrapeWarning];
    records.sort((a, b) => a.index - b.index);
    return showRun({ meta, requests: records }); // HTML summary as a notebook cell's result
  } finally {
    if (progressTimer !== undefined) clearInterval(progressTimer);
    clearInterval(watchdog);
    options.abortSignal?.removeEventListener("abort", onAbortAll);
    if (sink !== null) await sink.close();
    await dispatcher.close().catch(() => dispatcher.destroy());
  }
}

/** The message of a thrown value. */
/** The `/metrics` scraper of the run, or null when `scrapeInterval` is off (the default). */
function startScraper(base: string, interval: number | "off" | undefined): MetricsScraper | null {
  if (interval === undefined || interval === "off") return null;
  return startMetricsScraper({ url: base, intervalMs: interval });
}

/** A warning saying how many scrapes failed and why, or null when none did. */
function scraperWarning(series: ServerMetricsSeries | undefined): string | null {
  if (!series || series.failures === 0) return null;
  const tried = series.failures + series.at_ms.length;
  return `scraping ${series.url} failed ${series.failures} of ${tried} times ` +
    `(last: ${series.last_error}); the requests were measured as usual`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `record` with its server-given response id scrubbed of the API key and credentials. */
function withoutSecrets(record: RequestRecord, secrets: readonly string[]): RequestRecord {
  if (record.response_id === null || secrets.length === 0) return record;
  const responseId = redact(record.response_id, secrets);
  return responseId === record.response_id ? record : { ...record, response_id: responseId };
}

/**
 * Calls `fire` at epoch-ms `atMs`, however far away: setTimeout holds at most 2^31−1 ms (about
 * 24.8 days) and fires at once beyond, so long waits are made of shorter ones.
 */
function longTimeout(fire: () => void, atMs: number): { cancel(): void } {
  const MAX_TIMER_MS = 2 ** 31 - 1;
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = atMs - nowMs();
    timer = left > 0 ? setTimeout(arm, Math.min(left, MAX_TIMER_MS)) : setTimeout(fire, 0);
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
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
