/**
 * The measured run: specs sent on the asked-for schedule, each finished record kept, logged and
 * reported as it comes.
 *
 * @module
 */

import type { RequestRecord, RequestSpec, RunMeta, ServerMetricsSeries } from "../types.ts";
import { finiteRecord } from "../io/finite.ts";
import { nowMs } from "../util/clock.ts";
import { type BodySettings, prepareBody } from "./body.ts";
import { redact } from "./errors.ts";
import { type MetricsScraper, startMetricsScraper } from "./metrics_scraper.ts";
import type { ServerMetricsSample } from "../io/server_metrics_series.ts";
import type { CollectOptions } from "./options.ts";
import { ProgressTracker } from "./progress_tracker.ts";
import { type RequestContext, sendRequest } from "./request.ts";
import { arrivalOffsets, Semaphore, sleepUntil } from "./schedule.ts";
import { followConcurrencyRamp } from "./concurrency_ramp.ts";
import { type LoadInForce, loadInForce } from "./load_in_force.ts";
import type { CollectSettings } from "./settings.ts";
import { countShare, type SpecSource } from "./spec_source.ts";
import { afterQueuedReads, anySignal, longTimeout } from "./timers.ts";
import { answerSink, tellConversation, untilAborted } from "./conversation_turns.ts";

/** How often progress is reported while running. */
const PROGRESS_INTERVAL_MS = 250;

/** Everything the measured run needs. */
export interface MeasuredPlan {
  options: CollectOptions;
  settings: CollectSettings;
  source: SpecSource;
  ctx: RequestContext;
  bodySettings: BodySettings;
  /** Its `started_ms` is set when the run starts, `server_metrics` when it ends. */
  meta: RunMeta;
  /** Appends a line to the JSONL log (a no-op without one); never throws. */
  log: (line: Record<string, unknown>) => Promise<void> | void;
}

/** What the measured run produced. */
export interface MeasuredOutcome {
  /** Every finished measured request, in the order they finished. */
  records: RequestRecord[];
  /** Stopped by `signal` or `abortSignal` before the end. */
  interrupted: boolean;
  /** What a generator of specs threw (the run stopped there), or null. */
  specError: unknown;
  /** What onRecord/onProgress threw; the run went on. */
  callbackErrors: unknown[];
}

/**
 * Sends the measured requests and waits for them all. The first meta line is logged as the
 * clock starts, and the `/metrics` scraper (if asked for) runs for exactly this window.
 * Exercised through `collect` (collect_test.ts, schedule_test.ts, collect_no_loss_test.ts).
 */
export async function runMeasured(plan: MeasuredPlan): Promise<MeasuredOutcome> {
  const { options, meta } = plan;
  const tracker = new ProgressTracker();
  const outcome: MeasuredOutcome = {
    records: [],
    interrupted: false,
    specError: null,
    callbackErrors: [],
  };
  const total = options.count ??
    (Array.isArray(options.requests) ? countShare(options.requests.length, options.shard) : null);
  meta.started_ms = nowMs();
  // The first line describes the run as far as known now: no end yet (null), so a log cut
  // short by a crash loads as interrupted; the closing meta line gives the end.
  await plan.log({ type: "meta", ...meta, ended_ms: null, duration_ms: null });
  // Each scrape is logged as it comes, so a run cut short keeps its server series too.
  const scraper = startScraper(meta.url, options.scrapeInterval, (sample) => {
    plan.log({ type: "metrics", ...sample });
  });
  const report = () => {
    try {
      options.onProgress?.(tracker.snapshot(nowMs(), meta.started_ms, total));
    } catch (err) {
      outcome.callbackErrors.push(err);
    }
  };
  const progressTimer = options.onProgress !== undefined
    ? setInterval(report, PROGRESS_INTERVAL_MS)
    : undefined;
  try {
    await sendAll(plan, tracker, outcome);
  } finally {
    clearInterval(progressTimer);
    if (scraper) meta.server_metrics = await scraper.stop();
  }
  report();
  return outcome;
}

/** The schedule loop: one spec at a time, each sent when due and when a slot is free. */
async function sendAll(
  plan: MeasuredPlan,
  tracker: ProgressTracker,
  outcome: MeasuredOutcome,
): Promise<void> {
  const { options, settings, source, meta } = plan;
  const startedMs = meta.started_ms;
  const stopSignals = [options.signal, options.abortSignal];
  const stopped = () => stopSignals.some((s) => s?.aborted);
  const deadlineMs = options.durationS !== undefined
    ? startedMs + options.durationS * 1000
    : Infinity;
  const slots = new Semaphore(settings.concurrency ?? Infinity);
  // A concurrency ramp moves the slots' limit up step by step (validated: it has a concurrency).
  const concurrencyRamp = options.concurrencyRamp && settings.concurrency !== undefined
    ? followConcurrencyRamp(slots, settings.concurrency, options.concurrencyRamp, startedMs, nowMs)
    : null;
  const arrivals = arrivalOffsets({
    rate: options.rate,
    burstiness: settings.burstiness,
    seed: settings.seed,
    ramp: options.ramp,
  });
  const openLoop = options.rate !== undefined && options.rate !== Infinity;
  const inFlight = new Set<Promise<void>>();
  const durationController = new AbortController();
  const durationTimer = deadlineMs !== Infinity
    ? longTimeout(() => durationController.abort(), deadlineMs)
    : undefined;
  const waitSignals = [...stopSignals, durationController.signal];
  const waitSignal = anySignal(waitSignals);
  const finish = finisher(plan, slots, tracker, outcome);

  try {
    for (let index = 0; options.count === undefined || index < options.count; index++) {
      if (stopped()) {
        outcome.interrupted = true;
        break;
      }
      if (nowMs() >= deadlineMs) break;
      let spec: RequestSpec | undefined;
      try {
        spec = await untilAborted(source.next(), waitSignal); // a conversation may wait for answers
      } catch (err) {
        outcome.specError = err;
        break;
      }
      if (spec === undefined) {
        if (stopped()) outcome.interrupted = true;
        break;
      }
      const arrivalMs = arrivals.next().value;
      const dueMs = startedMs + (spec.send_at_ms ?? arrivalMs); // a trace's own time first
      if (!(await sleepUntil(dueMs, nowMs, waitSignals))) {
        if (stopped()) outcome.interrupted = true;
        break;
      }
      try {
        await slots.acquire(waitSignal);
      } catch {
        if (stopped()) outcome.interrupted = true;
        break;
      }
      // Closed loop: a request is due when its slot frees up, so lateness is client overhead.
      const timed = openLoop || spec.send_at_ms !== undefined;
      const scheduledMs = timed ? dueMs : Math.max(dueMs, nowMs());
      const replayed = spec.send_at_ms !== undefined;
      const load = loadInForce(
        { rate: options.rate, ramp: options.ramp, replayed },
        arrivalMs,
        slots.limit,
      );
      // Reads before sends: chunks the event loop already holds are timed first.
      await afterQueuedReads();
      if (stopped()) {
        slots.release();
        outcome.interrupted = true;
        break;
      }
      tracker.inFlight++;
      const request = { index, spec, scheduledMs, load };
      const tracked: Promise<void> = startRequest(plan, request, finish, outcome.callbackErrors)
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
  } finally {
    durationTimer?.cancel();
    concurrencyRamp?.stop();
    await Promise.allSettled(inFlight);
    await source.close().catch(() => {});
  }
}

/** One measured request as the schedule loop starts it. */
interface ScheduledRequest {
  index: number;
  spec: RequestSpec;
  /** Epoch ms the schedule meant it to go. */
  scheduledMs: number;
  /** The load in force when it was sent (`load_rate_rps`, `load_concurrency`). */
  load: LoadInForce;
}

/** Sends one measured request; resolves once its record is finished (kept, logged, reported). */
function startRequest(
  plan: MeasuredPlan,
  request: ScheduledRequest,
  finish: ReturnType<typeof finisher>,
  callbackErrors: unknown[],
): Promise<void> {
  const { index, spec, scheduledMs, load } = request;
  const body = prepareBody(spec, plan.bodySettings);
  const requestId = plan.settings.ids.measured(index);
  const answer = answerSink(spec, plan.ctx.endpoint); // only for a conversation's next turn
  return sendRequest({ index, requestId, spec, body, scheduledMs, answer }, plan.ctx)
    // The conversation hears its answer before the slot frees, so its next turn can take it.
    .then((measured) =>
      finish(
        { ...measured, ...load },
        (record) => tellConversation(spec, record, answer, callbackErrors),
      )
    );
}

/** What happens to each measured record as it finishes: kept, logged, handed to onRecord. */
function finisher(
  plan: MeasuredPlan,
  slots: Semaphore,
  tracker: ProgressTracker,
  outcome: MeasuredOutcome,
): (measured: RequestRecord, beforeRelease?: (record: RequestRecord) => void) => Promise<void> {
  return async (measured, beforeRelease) => {
    // Storable values only, and no secret echoed back by the server in its response id.
    const record = finiteRecord(withoutSecrets(measured, plan.settings.secrets));
    beforeRelease?.(record);
    slots.release();
    tracker.inFlight--;
    tracker.finished(record, nowMs());
    outcome.records.push(record);
    await plan.log({ type: "request", ...record });
    try {
      plan.options.onRecord?.(record);
    } catch (err) {
      outcome.callbackErrors.push(err);
    }
  };
}

/** The `/metrics` scraper of the run, or null when `scrapeInterval` is off (the default). */
function startScraper(
  base: string,
  interval: number | "off" | undefined,
  onSample: (sample: ServerMetricsSample) => void,
): MetricsScraper | null {
  if (interval === undefined || interval === "off") return null;
  return startMetricsScraper({ url: base, intervalMs: interval, onSample });
}

/** `record` with its server-given response id scrubbed of the API key and credentials. */
function withoutSecrets(record: RequestRecord, secrets: readonly string[]): RequestRecord {
  if (record.response_id === null || secrets.length === 0) return record;
  const responseId = redact(record.response_id, secrets);
  return responseId === record.response_id ? record : { ...record, response_id: responseId };
}

/**
 * A warning saying how many scrapes failed and why, or null when none did.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scraperWarning } from "./measured_run.ts";
 * assert.equal(scraperWarning(undefined), null);
 * const series = { url: "http://h/metrics", failures: 1, at_ms: [1, 2], last_error: "refused" };
 * assert.match(scraperWarning(series as never) ?? "", /failed 1 of 3 times \(last: refused\)/);
 * ```
 */
export function scraperWarning(series: ServerMetricsSeries | undefined): string | null {
  if (!series || series.failures === 0) return null;
  const tried = series.failures + series.at_ms.length;
  return `scraping ${series.url} failed ${series.failures} of ${tried} times ` +
    `(last: ${series.last_error}); the requests were measured as usual`;
}
