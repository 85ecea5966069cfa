/**
 * `collect(options)`: sends the requests with the asked-for load shape, times every one of them,
 * and returns a {@link Run}. The first stage of the pipeline (docs/ARCHITECTURE.md).
 *
 * @module
 */

import { Agent } from "../deps/undici.ts";
import type { Run, RunMeta } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import type { BodySettings } from "./body.ts";
import { type JsonlSink, openJsonlSink } from "./jsonl_sink.ts";
import { resolveModel } from "./models.ts";
import { type CollectOptions, DEFAULTS, endpointPath, validateOptions } from "./options.ts";
import { abortStalled, type ActiveRequest, type RequestContext } from "./request.ts";
import { showRun } from "../display/show_run.ts";
import { withLiveProgress } from "../display/live_progress.ts";
import { checkMetadata, runMetadata } from "./metadata.ts";
import { type CollectSettings, resolveSettings } from "./settings.ts";
import { SpecSource, validateListedSpecs } from "./spec_source.ts";
import { newRunMeta } from "./run_meta.ts";
import { runWarmup } from "./warmup.ts";
import { type MeasuredOutcome, runMeasured, scraperWarning } from "./measured_run.ts";

export type { CollectOptions } from "./options.ts";
export { CLIENT_TOOL } from "./run_meta.ts";

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
  const settings = resolveSettings(options);
  validateListedSpecs(options.requests, settings.endpoint, options.shard);
  const source = new SpecSource(options.requests, settings.endpoint, options.shard);
  const firstSpec = await source.peek();
  const sink = await openLog(options.jsonlPath, source);
  const connections = openConnections(settings, options.abortSignal);
  try {
    const model = await modelOf(options, settings, connections.dispatcher);
    const ctx = requestContext(options, settings, connections, model);
    const bodySettings = bodySettingsOf(options, settings, model);
    // asked before the clock starts: started_ms must not include this request
    const metadata = await runMetadata(
      checkMetadata(options.metadata ?? {}, "collect"),
      settings.address.base,
      settings.headers,
    );
    const meta = newRunMeta(options, settings, model, metadata);
    if (settings.warmup > 0 && firstSpec !== undefined) {
      await runWarmup({
        count: settings.warmup,
        spec: firstSpec,
        concurrency: settings.concurrency,
        ids: settings.ids,
        bodySettings,
        stopSignals: [options.signal, options.abortSignal],
      }, ctx);
    }
    const sinkErrors: unknown[] = [];
    const log = async (line: Record<string, unknown>) => {
      await sink?.write(line).catch((err) => sinkErrors.push(err));
    };
    const outcome = await runMeasured({ options, settings, source, ctx, bodySettings, meta, log });
    await endMeta(meta, outcome, options, log);
    throwIfFailed(outcome);
    addWarnings(meta, sinkErrors, sink, options.jsonlPath);
    outcome.records.sort((a, b) => a.index - b.index);
    return showRun({ meta, requests: outcome.records }); // HTML summary as a notebook cell's result
  } finally {
    connections.close();
    options.abortSignal?.removeEventListener("abort", connections.abortAll);
    if (sink !== null) await sink.close();
    await connections.dispatcher.close().catch(() => connections.dispatcher.destroy());
  }
}

/** The JSONL log, opened before anything is sent, or null without `jsonlPath`. */
async function openLog(path: string | undefined, source: SpecSource): Promise<JsonlSink | null> {
  if (path === undefined) return null;
  try {
    return await openJsonlSink(path);
  } catch (err) {
    await source.close().catch(() => {});
    throw new Error(`collect: cannot open jsonlPath ${JSON.stringify(path)}: ${err}`, {
      cause: err,
    });
  }
}

/** The connection pool, the requests in flight, and the watchdog that times them out. */
interface Connections {
  dispatcher: Agent;
  active: Set<ActiveRequest>;
  /** Aborts every request in flight (on `abortSignal`). */
  abortAll: () => void;
  /** Stops the watchdog. */
  close: () => void;
}

function openConnections(settings: CollectSettings, abortSignal?: AbortSignal): Connections {
  const { timeoutMs, idleTimeoutMs } = settings;
  const dispatcher = new Agent({
    connections: settings.concurrency ?? null,
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
  const abortAll = () => {
    for (const entry of active) entry.controller.abort(abortSignal?.reason);
  };
  abortSignal?.addEventListener("abort", abortAll);
  return { dispatcher, active, abortAll, close: () => clearInterval(watchdog) };
}

/** The model asked for, or the server's first model for `"auto"`. */
async function modelOf(
  options: CollectOptions,
  settings: CollectSettings,
  dispatcher: Agent,
): Promise<string> {
  if (options.model !== undefined && options.model !== "auto") return options.model;
  return await resolveModel({
    base: settings.address.base,
    headers: settings.headers,
    dispatcher,
    timeoutMs: Math.min(settings.timeoutMs, 60_000),
    secrets: settings.secrets,
    signal: options.abortSignal,
  });
}

function requestContext(
  options: CollectOptions,
  settings: CollectSettings,
  connections: Connections,
  model: string,
): RequestContext {
  const target = new URL(settings.address.base + endpointPath(settings.endpoint));
  return {
    dispatcher: connections.dispatcher,
    origin: target.origin,
    path: target.pathname + target.search,
    endpoint: settings.endpoint,
    model,
    stream: settings.stream,
    runId: settings.runId,
    headers: settings.headers,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    maxEventChars: options.maxEventChars ?? DEFAULTS.maxEventChars,
    timeoutMs: settings.timeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    sampled: options.sampled ?? DEFAULTS.sampled,
    secrets: settings.secrets,
    active: connections.active,
    abortSignal: options.abortSignal,
  };
}

function bodySettingsOf(
  options: CollectOptions,
  settings: CollectSettings,
  model: string,
): BodySettings {
  return {
    endpoint: settings.endpoint,
    model,
    stream: settings.stream,
    continuousUsage: options.continuousUsage ?? false,
    params: options.params ?? {},
  };
}

/** The run's end, in meta and as the log's closing line. */
async function endMeta(
  meta: RunMeta,
  outcome: MeasuredOutcome,
  options: CollectOptions,
  log: (line: Record<string, unknown>) => Promise<void> | void,
): Promise<void> {
  const endedMs = nowMs();
  meta.ended_ms = endedMs;
  meta.duration_ms = endedMs - meta.started_ms;
  meta.interrupted = outcome.interrupted ||
    [options.signal, options.abortSignal].some((s) => s?.aborted);
  await log({
    type: "meta",
    ended_ms: endedMs,
    duration_ms: meta.duration_ms,
    interrupted: meta.interrupted,
    ...(meta.server_metrics ? { server_metrics: meta.server_metrics } : {}),
  });
}

/** Throws what a spec generator or a callback threw, after the run ended and was logged. */
function throwIfFailed(outcome: MeasuredOutcome): void {
  if (outcome.specError !== null) throw outcome.specError;
  const [first] = outcome.callbackErrors;
  if (outcome.callbackErrors.length > 0) {
    throw new Error(`collect: an onRecord/onProgress callback threw: ${String(first)}`, {
      cause: first,
    });
  }
}

/**
 * A log that cannot be written must not cost the measurements: the run is returned whole and
 * says that its log is incomplete. Failed scrapes are said too.
 */
function addWarnings(
  meta: RunMeta,
  sinkErrors: unknown[],
  sink: JsonlSink | null,
  jsonlPath: string | undefined,
): void {
  const warnings: string[] = [];
  if (sinkErrors.length > 0) {
    warnings.push(
      `the JSONL log ${jsonlPath} is incomplete (${sink?.lines ?? 0} lines written): ` +
        `writing it failed: ${errorText(sinkErrors[0])}; every request is in this run`,
    );
  }
  const scrapeWarning = scraperWarning(meta.server_metrics);
  if (scrapeWarning) warnings.push(scrapeWarning);
  if (warnings.length > 0) meta.warnings = [...(meta.warnings ?? []), ...warnings];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
