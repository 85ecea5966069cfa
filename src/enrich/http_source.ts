/**
 * The lookup loop shared by the HTTP trace back ends (Jaeger v1, Jaeger api_v3, Tempo): ids
 * normalised, a time-window search first when the back end has one, then fetches by id with
 * bounded concurrency (several ids per call when the back end can, one by one otherwise or when it
 * turns out not to support that), retried with exponential backoff and jitter until the deadline.
 *
 * A back end only says how to fetch one trace, how to search a window and how to find spans by
 * `gen_ai.request.id` ({@link TraceBackend}); {@link httpTraceSource} turns that into a
 * {@link TraceSource}.
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import { nowMs } from "../util/clock.ts";
import { backoffDelayMs, type BackoffOptions, forEachConcurrent, sleep } from "./retry.ts";
import { errorMessage } from "./http.ts";

/** Per-call context handed to a {@link TraceBackend}. */
export interface BackendCall {
  /** Give up on this HTTP call after this many ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What a time-window search found: whole traces' spans, and/or ids of traces that exist. */
export interface WindowSearchResult {
  spans: ServerSpan[];
  traceIds: string[];
}

/** How to talk to one kind of back end. Methods throw `BackendError` on failure. */
export interface TraceBackend {
  /** Used in messages, e.g. `jaeger`. */
  label: string;
  /** All spans of one trace (32-hex id), or null when the back end does not have it (404). */
  fetchTrace(traceId: string, call: BackendCall): Promise<ServerSpan[] | null>;
  /**
   * Several traces in one call (optional). The answer maps each id the back end accounted for
   * to its spans, or to null when it said it does not have it; ids it left out are fetched one
   * by one. Resolves to null when the back end does not support the multi-id form: the source
   * then uses {@link fetchTrace} only, from then on.
   */
  fetchTraces?(
    traceIds: string[],
    call: BackendCall,
  ): Promise<Map<string, ServerSpan[] | null> | null>;
  /** Traces whose `spanName` spans started in the window (at most `limit` traces). */
  searchWindow?(
    window: { start_ms: number; end_ms: number },
    spanName: string,
    limit: number,
    call: BackendCall,
  ): Promise<WindowSearchResult>;
  /** Spans (any trace) whose `gen_ai.request.id` equals `requestId`, within the window. */
  searchRequestId?(
    requestId: string,
    window: { start_ms: number; end_ms: number },
    spanName: string,
    call: BackendCall,
  ): Promise<ServerSpan[]>;
}

/** Options shared by the HTTP trace sources. */
export interface HttpSourceOptions {
  /** Lookups in flight at once. Default 8. */
  concurrency?: number;
  /** Timeout of one HTTP call in ms (capped by the time left to the deadline). Default 10000. */
  fetchTimeoutMs?: number;
  /** Use the time-window search when at least this many traces are missing. Default 2. */
  searchMinTraces?: number;
  /** Retry pacing (default: 250 ms doubling to 4 s, ±50 % jitter). */
  backoff?: BackoffOptions;
  /**
   * Most ids per call when the back end can fetch several traces at once (Jaeger v1). Default
   * 50; 1 fetches every trace on its own. Batches are made smaller when there are few ids, so
   * that `concurrency` calls can still be in flight.
   */
  batchSize?: number;
}

type LookupOptions = Parameters<TraceSource["getSpans"]>[1];

/** Width of the window searched for request ids when the caller gives none: the last hour. */
const DEFAULT_LOOKBACK_MS = 3_600_000;
/** Batches of ids are not cut smaller than this (unless `batchSize` is). */
const MIN_BATCH = 10;
/** Every round gets at least this long per HTTP call, even past the deadline (one last look). */
const MIN_CALL_MS = 1000;

/** Checks the options shared by the HTTP sources; throws TypeError/RangeError naming the option. */
export function checkHttpSourceOptions(
  caller: string,
  baseUrl: string,
  options: HttpSourceOptions,
): string {
  if (typeof baseUrl !== "string" || !/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new TypeError(
      `${caller}: baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`,
    );
  }
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError(`${caller}: baseUrl is not a valid URL: ${JSON.stringify(baseUrl)}`);
  }
  const positiveInt = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new RangeError(`${caller}: options.${name} must be a positive integer, got ${value}`);
    }
  };
  positiveInt("concurrency", options.concurrency);
  positiveInt("fetchTimeoutMs", options.fetchTimeoutMs);
  positiveInt("searchMinTraces", options.searchMinTraces);
  positiveInt("batchSize", options.batchSize);
  return baseUrl.replace(/\/+$/, "");
}

/**
 * Builds a {@link TraceSource} from a {@link TraceBackend}. `getSpans` never throws for back-end
 * failures: it reports them through `options.onError` and returns what it found.
 */
export function httpTraceSource(
  name: string,
  backend: TraceBackend,
  options: HttpSourceOptions & { traceUrl?: (traceId: string) => string },
): TraceSource {
  const concurrency = options.concurrency ?? 8;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 10_000;
  const searchMinTraces = options.searchMinTraces ?? 2;
  const batchSize = options.batchSize ?? 50;

  // Whether the back end answers the multi-id form: learnt from the first multi-id call (made
  // on its own, before the others of its round) and kept for the source's lifetime.
  let multiId: "unknown" | "yes" | "no" = backend.fetchTraces ? "unknown" : "no";

  const callFor = (deadline: number, signal?: AbortSignal): BackendCall => ({
    timeoutMs: Math.min(fetchTimeoutMs, Math.max(MIN_CALL_MS, deadline - nowMs())),
    signal,
  });

  async function getSpans(traceIds: string[], lookup: LookupOptions) {
    const { deadline_ms, signal, span_name, time_window, onError } = lookup;
    const report = (message: string, traceId?: string) => onError?.(message, traceId);
    const complete = (spans: ServerSpan[]) =>
      span_name === undefined ? spans.length > 0 : spans.some((s) => s.name === span_name);

    const givenById = new Map<string, string[]>(); // normalised id → ids as given
    for (const raw of traceIds) {
      const id = typeof raw === "string" ? normalizeTraceId(raw) : null;
      if (id === null) {
        report(`invalid trace id ${JSON.stringify(raw)}`, String(raw));
        continue;
      }
      givenById.set(id, [...(givenById.get(id) ?? []), raw]);
    }
    const pending = new Set(givenById.keys());
    const failed = new Set<string>(); // ids whose own call failed last time
    const failedInBatch = new Set<string>(); // ids whose multi-id call failed last time
    const succeeded = (id: string) => {
      failed.delete(id);
      failedInBatch.delete(id);
    };
    const found = new Map<string, ServerSpan[]>();
    const accept = (id: string, spans: ServerSpan[]) => {
      if (!pending.has(id) || !complete(spans)) return;
      pending.delete(id);
      for (const raw of givenById.get(id) ?? []) found.set(raw, spans);
    };

    // Rounds until the deadline, plus one last round at the deadline itself.
    for (let attempt = 0; pending.size > 0 && !signal?.aborted; attempt++) {
      const lastRound = nowMs() >= deadline_ms;
      // A complete search (fewer traces than asked for) tells which traces exist: in the rounds
      // between the first and the last, only those are fetched by id.
      let searchedAll = false;
      let hinted = new Set<string>();
      if (backend.searchWindow && time_window && pending.size >= searchMinTraces) {
        try {
          const limit = Math.max(20, 2 * pending.size);
          const result = await backend.searchWindow(
            time_window,
            span_name ?? "llm_request",
            limit,
            callFor(deadline_ms, signal),
          );
          const traces = groupByTrace(result.spans);
          for (const [id, spans] of traces) accept(id, spans);
          hinted = new Set(result.traceIds.filter((id) => pending.has(id)));
          searchedAll = new Set([...traces.keys(), ...result.traceIds]).size < limit;
        } catch (error) {
          report(errorMessage(error));
        }
      }
      const rest = attempt === 0 || lastRound || !searchedAll
        ? [...pending].filter((id) => !hinted.has(id))
        : [];
      // Ids that failed last time go last, so one bad trace cannot starve the others.
      const order = [
        ...hinted,
        ...rest.filter((id) => !failed.has(id)),
        ...rest.filter((id) => failed.has(id)),
      ];
      let roundFailed = false;
      const skip = () =>
        signal?.aborted === true || roundFailed ||
        (!lastRound && attempt > 0 && nowMs() >= deadline_ms); // the last round will
      const call = () => callFor(deadline_ms, signal);
      const fail = (ids: string[], error: unknown) => {
        // After a failure the back end is down, slow or broken: stop this round (at most
        // `concurrency` calls fail per round) and try again after the backoff.
        roundFailed = true;
        for (const id of ids) {
          if (ids.length > 1) failedInBatch.add(id);
          else {
            failed.add(id);
            failedInBatch.delete(id);
          }
          report(errorMessage(error), id);
        }
        report(errorMessage(error)); // also the source's last error, for the ids skipped
      };
      const fetchOne = async (id: string) => {
        if (skip() || !pending.has(id)) return;
        try {
          const spans = await backend.fetchTrace(id, call());
          succeeded(id);
          if (spans !== null) accept(id, spans);
        } catch (error) {
          fail([id], error);
        }
      };
      // Several ids per call when the back end can (Jaeger v1's multi-id form), else one. A
      // batch is fetched with one call; the ids its answer left out, one by one. Returns false
      // (nothing done) when the back end turns out not to support the form.
      const fetchBatch = async (batch: string[]): Promise<boolean> => {
        if (skip()) return true;
        let single = batch.filter((id) => pending.has(id));
        if (single.length > 1 && multiId !== "no") {
          try {
            const answer = await backend.fetchTraces!(single, call());
            multiId = answer === null ? "no" : "yes";
            if (answer === null) return false;
            const unanswered: string[] = [];
            for (const id of single) {
              if (!answer.has(id)) {
                unanswered.push(id);
                continue;
              }
              succeeded(id);
              const spans = answer.get(id);
              if (spans) accept(id, spans);
            }
            single = unanswered;
          } catch (error) {
            fail(single, error);
            return true;
          }
        }
        for (const id of single) await fetchOne(id);
        return true;
      };
      // Batches are smaller when there are few ids, so that `concurrency` calls can be in flight.
      // Ids whose multi-id call failed go one per call, after the others: one trace that makes
      // the back end fail a whole multi-id call (Jaeger answers 500 for all) cannot sink its
      // batch. Ids whose own call failed go last of all.
      const size = Math.min(batchSize, Math.max(MIN_BATCH, Math.ceil(order.length / concurrency)));
      const suspects = order.filter((id) => failedInBatch.has(id) && !failed.has(id));
      const retried = order.filter((id) => failed.has(id));
      let queue = order.filter((id) => !failed.has(id) && !failedInBatch.has(id));
      if (multiId === "unknown" && size > 1 && queue.length > 1) {
        // The first multi-id call goes alone: a server without the form gets just one.
        const first = queue.slice(0, size);
        if (await fetchBatch(first)) queue = queue.slice(first.length);
      }
      const batches = [
        ...(multiId === "no" ? queue.map((id) => [id]) : chunks(queue, size)),
        ...suspects.map((id) => [id]),
        ...retried.map((id) => [id]),
      ];
      await forEachConcurrent(batches, concurrency, async (batch) => {
        await fetchBatch(batch);
      });
      if (lastRound) break;
      await sleep(
        Math.min(deadline_ms - nowMs(), backoffDelayMs(attempt, options.backoff)),
        signal,
      );
    }
    return found;
  }

  async function getSpansByRequestId(requestIds: string[], lookup: LookupOptions) {
    const { deadline_ms, signal, span_name, onError } = lookup;
    const found = new Map<string, ServerSpan[]>();
    const search = backend.searchRequestId;
    if (!search) return found;
    const now = nowMs();
    const window = lookup.time_window ?? { start_ms: now - DEFAULT_LOOKBACK_MS, end_ms: now };
    const pending = new Set(requestIds.filter((id) => typeof id === "string" && id !== ""));
    for (let attempt = 0; pending.size > 0 && !signal?.aborted; attempt++) {
      const lastRound = nowMs() >= deadline_ms;
      let roundFailed = false;
      await forEachConcurrent([...pending], concurrency, async (requestId) => {
        if (signal?.aborted || roundFailed || (!lastRound && nowMs() >= deadline_ms)) return;
        try {
          const spans = (await search.call(
            backend,
            requestId,
            window,
            span_name ?? "llm_request",
            callFor(deadline_ms, signal),
          )).filter((s) => s.attributes["gen_ai.request.id"] === requestId);
          if (spans.length > 0) {
            pending.delete(requestId);
            found.set(requestId, spans);
          }
        } catch (error) {
          roundFailed = true;
          onError?.(errorMessage(error));
        }
      });
      if (lastRound) break;
      await sleep(
        Math.min(deadline_ms - nowMs(), backoffDelayMs(attempt, options.backoff)),
        signal,
      );
    }
    return found;
  }

  return {
    name,
    getSpans,
    ...(backend.searchRequestId ? { getSpansByRequestId } : {}),
    ...(options.traceUrl ? { traceUrl: options.traceUrl } : {}),
  };
}

/** `items` cut into consecutive pieces of `size` (the last may be shorter). */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Groups spans by trace id (ids already normalised). */
export function groupByTrace(spans: ServerSpan[]): Map<string, ServerSpan[]> {
  const out = new Map<string, ServerSpan[]>();
  for (const span of spans) {
    const list = out.get(span.trace_id);
    if (list) list.push(span);
    else out.set(span.trace_id, [span]);
  }
  return out;
}
