/**
 * The lookup loop shared by the HTTP trace back ends (Jaeger v1, Jaeger api_v3, Tempo),
 * {@link TraceLookup}: ids normalised, a time-window search first when the back end has one,
 * then fetches by id with bounded concurrency (several ids per call when the back end can, one
 * by one otherwise or when it turns out not to support that), in rounds paced by exponential
 * backoff with jitter, until every trace has its span (it then returns at once) or the deadline.
 * An empty or failed search means "nothing known yet", never "nothing there": the store may not
 * know the service yet (a real Jaeger before its first span), so fetching by id goes on.
 *
 * A back end only says how to fetch one trace, how to search a window and how to find spans by
 * `gen_ai.request.id` ({@link TraceBackend}); {@link httpTraceSource} turns that into a
 * {@link TraceSource}.
 *
 * @module
 */
import type { ServerSpan, SpanQuery, TraceSource } from "../types.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import { nowMs } from "../util/clock.ts";
import { optionMessage, positiveInt } from "../util/options.ts";
import { SPAN_NAME } from "../metrics/server.ts";
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
  /** Retry pacing (default: 250 ms doubling to 1 s, ±50 % jitter). */
  backoff?: BackoffOptions;
  /**
   * Most ids per call when the back end can fetch several traces at once (Jaeger v1). Default
   * 50; 1 fetches every trace on its own. Batches are made smaller when there are few ids, so
   * that `concurrency` calls can still be in flight.
   */
  batchSize?: number;
}

/** Width of the window searched for request ids when the caller gives none: the last hour. */
const DEFAULT_LOOKBACK_MS = 3_600_000;
/** Batches of ids are not cut smaller than this (unless `batchSize` is). */
const MIN_BATCH = 10;
/** Every round gets at least this long per HTTP call, even past the deadline (one last look). */
const MIN_CALL_MS = 1000;
/**
 * Longest pause between rounds before jitter (the jitter makes it ≤ 1.5×): a span that becomes
 * visible is picked up within about 1.5 s, so bench ends within 4 s of the last span becoming
 * visible (docs/PERFORMANCE.md, perf:enrich). A round is at most `concurrency` calls at a time.
 */
const DEFAULT_MAX_BACKOFF_MS = 1000;

/** Checks the options shared by the HTTP sources; throws TypeError/RangeError naming the option. */
export function checkHttpSourceOptions(
  caller: string,
  baseUrl: string,
  options: HttpSourceOptions,
): string {
  if (typeof baseUrl !== "string" || !/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new TypeError(optionMessage(caller, "baseUrl", "an http(s) URL", baseUrl));
  }
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError(optionMessage(caller, "baseUrl", "a valid URL", baseUrl));
  }
  for (const name of ["concurrency", "fetchTimeoutMs", "searchMinTraces", "batchSize"] as const) {
    if (options[name] !== undefined) positiveInt(caller, name, options[name]);
  }
  return baseUrl.replace(/\/+$/, "");
}

/** {@link HttpSourceOptions} with every default applied. */
interface LookupSettings {
  concurrency: number;
  fetchTimeoutMs: number;
  searchMinTraces: number;
  batchSize: number;
  backoff: BackoffOptions;
}

/**
 * Whether the back end answers the multi-id form: learnt from the first multi-id call (made on
 * its own, before the others of its round) and kept for the source's lifetime.
 */
interface MultiIdSupport {
  state: "unknown" | "yes" | "no";
}

/** What a round's window search told: traces it listed, and whether that list is complete. */
interface SearchHint {
  /** Pending ids the search listed without their spans (fetch these first). */
  listed: Set<string>;
  /**
   * True only when the search answered with at least one trace and fewer than its limit: then
   * a trace it did not list is not there yet. An empty or failed search knows nothing (the
   * store may not know the service yet, or have no search at all).
   */
  complete: boolean;
}

/**
 * One `getSpans` call against an HTTP back end: rounds of (window search, fetches by id) until
 * every trace has its span or the deadline passes, then one last round at the deadline.
 * Between rounds it sleeps with exponential backoff and jitter.
 */
class TraceLookup {
  readonly #backend: TraceBackend;
  readonly #settings: LookupSettings;
  readonly #multiId: MultiIdSupport;
  readonly #query: SpanQuery;
  /** Normalised id → the ids as given (the answer is keyed by those). */
  readonly #givenById = new Map<string, string[]>();
  readonly #pending = new Set<string>();
  /** Ids whose own call failed last time: fetched last. */
  readonly #failed = new Set<string>();
  /** Ids whose multi-id call failed last time: fetched one per call. */
  readonly #failedInBatch = new Set<string>();
  readonly #found = new Map<string, ServerSpan[]>();
  #lastRound = false;
  #attempt = 0;
  #roundFailed = false;

  constructor(
    backend: TraceBackend,
    settings: LookupSettings,
    multiId: MultiIdSupport,
    traceIds: string[],
    query: SpanQuery,
  ) {
    this.#backend = backend;
    this.#settings = settings;
    this.#multiId = multiId;
    this.#query = query;
    for (const raw of traceIds) {
      const id = typeof raw === "string" ? normalizeTraceId(raw) : null;
      if (id === null) {
        this.#report(`invalid trace id ${JSON.stringify(raw)}`, String(raw));
        continue;
      }
      this.#givenById.set(id, [...(this.#givenById.get(id) ?? []), raw]);
      this.#pending.add(id);
    }
  }

  /** Runs the rounds; returns the spans found, keyed by the ids as given. */
  async run(): Promise<Map<string, ServerSpan[]>> {
    const { deadline_ms, signal } = this.#query;
    for (; this.#pending.size > 0 && !signal?.aborted; this.#attempt++) {
      this.#lastRound = nowMs() >= deadline_ms;
      this.#roundFailed = false;
      const hint = await this.#search();
      await this.#fetchAll(this.#order(hint));
      if (this.#lastRound || this.#pending.size === 0) break;
      const pause = backoffDelayMs(this.#attempt, this.#settings.backoff);
      await sleep(Math.min(deadline_ms - nowMs(), pause), signal);
    }
    return this.#found;
  }

  /** The window search, when the back end has one and enough traces are missing. */
  async #search(): Promise<SearchHint> {
    const nothing: SearchHint = { listed: new Set(), complete: false };
    const { time_window, span_name } = this.#query;
    const search = this.#backend.searchWindow;
    if (!search || !time_window || this.#pending.size < this.#settings.searchMinTraces) {
      return nothing;
    }
    const limit = Math.max(20, 2 * this.#pending.size);
    try {
      const result = await search.call(
        this.#backend,
        time_window,
        span_name ?? SPAN_NAME,
        limit,
        this.#call(),
      );
      const traces = groupByTrace(result.spans);
      for (const [id, spans] of traces) this.#accept(id, spans);
      const listed = new Set(result.traceIds.filter((id) => this.#pending.has(id)));
      const known = new Set([...traces.keys(), ...result.traceIds]).size;
      return { listed, complete: known > 0 && known < limit };
    } catch (error) {
      this.#report(errorMessage(error));
      return nothing;
    }
  }

  /**
   * The ids to fetch this round, in order: those the search listed, then the others (unless a
   * complete search said they are not there yet, in a round between the first and the last),
   * ids that failed last time going last so one bad trace cannot starve the others.
   */
  #order(hint: SearchHint): string[] {
    const skipUnlisted = hint.complete && this.#attempt > 0 && !this.#lastRound;
    const rest = skipUnlisted ? [] : [...this.#pending].filter((id) => !hint.listed.has(id));
    return [
      ...hint.listed,
      ...rest.filter((id) => !this.#failed.has(id)),
      ...rest.filter((id) => this.#failed.has(id)),
    ];
  }

  /**
   * Fetches `order` with at most `concurrency` calls in flight. Batches are smaller when there
   * are few ids, so that `concurrency` calls can be in flight. Ids whose multi-id call failed go
   * one per call, after the others: one trace that makes the back end fail a whole multi-id
   * call (Jaeger answers 500 for all) cannot sink its batch. Ids whose own call failed go last.
   */
  async #fetchAll(order: string[]): Promise<void> {
    const { batchSize, concurrency } = this.#settings;
    const size = Math.min(batchSize, Math.max(MIN_BATCH, Math.ceil(order.length / concurrency)));
    const suspects = order.filter((id) => this.#failedInBatch.has(id) && !this.#failed.has(id));
    const retried = order.filter((id) => this.#failed.has(id));
    let queue = order.filter((id) => !this.#failed.has(id) && !this.#failedInBatch.has(id));
    if (this.#multiId.state === "unknown" && size > 1 && queue.length > 1) {
      // The first multi-id call goes alone: a server without the form gets just one.
      const first = queue.slice(0, size);
      if (await this.#fetchBatch(first)) queue = queue.slice(first.length);
    }
    const batches = [
      ...(this.#multiId.state === "no" ? queue.map((id) => [id]) : chunks(queue, size)),
      ...suspects.map((id) => [id]),
      ...retried.map((id) => [id]),
    ];
    await forEachConcurrent(batches, concurrency, async (batch) => {
      await this.#fetchBatch(batch);
    });
  }

  /**
   * Several ids in one call when the back end can (Jaeger v1's multi-id form), else one by
   * one; the ids a multi-id answer left out are fetched one by one. Returns false (nothing
   * done) when the back end turns out not to support the form.
   */
  async #fetchBatch(batch: string[]): Promise<boolean> {
    if (this.#skip()) return true;
    let single = batch.filter((id) => this.#pending.has(id));
    if (single.length > 1 && this.#multiId.state !== "no" && this.#backend.fetchTraces) {
      try {
        const answer = await this.#backend.fetchTraces(single, this.#call());
        this.#multiId.state = answer === null ? "no" : "yes";
        if (answer === null) return false;
        const unanswered: string[] = [];
        for (const id of single) {
          if (!answer.has(id)) {
            unanswered.push(id);
            continue;
          }
          this.#succeeded(id);
          const spans = answer.get(id);
          if (spans) this.#accept(id, spans);
        }
        single = unanswered;
      } catch (error) {
        this.#fail(single, error);
        return true;
      }
    }
    for (const id of single) await this.#fetchOne(id);
    return true;
  }

  /** One trace by id; a 404 (null) means not there yet. */
  async #fetchOne(id: string): Promise<void> {
    if (this.#skip() || !this.#pending.has(id)) return;
    try {
      const spans = await this.#backend.fetchTrace(id, this.#call());
      this.#succeeded(id);
      if (spans !== null) this.#accept(id, spans);
    } catch (error) {
      this.#fail([id], error);
    }
  }

  /** Takes a trace's spans once they hold the span looked for. */
  #accept(id: string, spans: ServerSpan[]): void {
    const { span_name } = this.#query;
    const complete = span_name === undefined
      ? spans.length > 0
      : spans.some((s) => s.name === span_name);
    if (!this.#pending.has(id) || !complete) return;
    this.#pending.delete(id);
    for (const raw of this.#givenById.get(id) ?? []) this.#found.set(raw, spans);
  }

  #succeeded(id: string): void {
    this.#failed.delete(id);
    this.#failedInBatch.delete(id);
  }

  /**
   * After a failure the back end is down, slow or broken: the round stops (at most
   * `concurrency` calls fail per round) and the next one comes after the backoff.
   */
  #fail(ids: string[], error: unknown): void {
    this.#roundFailed = true;
    for (const id of ids) {
      if (ids.length > 1) this.#failedInBatch.add(id);
      else {
        this.#failed.add(id);
        this.#failedInBatch.delete(id);
      }
      this.#report(errorMessage(error), id);
    }
    this.#report(errorMessage(error)); // also the source's last error, for the ids skipped
  }

  /** Whether the rest of this round is skipped (aborted, failed, or past the deadline). */
  #skip(): boolean {
    const { signal, deadline_ms } = this.#query;
    return signal?.aborted === true || this.#roundFailed ||
      (!this.#lastRound && this.#attempt > 0 && nowMs() >= deadline_ms); // the last round will
  }

  #call(): BackendCall {
    return callFor(this.#settings.fetchTimeoutMs, this.#query.deadline_ms, this.#query.signal);
  }

  #report(message: string, traceId?: string): void {
    this.#query.onError?.(message, traceId);
  }
}

/** Per-call context: the fetch timeout, capped by the time left (but at least MIN_CALL_MS). */
function callFor(fetchTimeoutMs: number, deadline: number, signal?: AbortSignal): BackendCall {
  return {
    timeoutMs: Math.min(fetchTimeoutMs, Math.max(MIN_CALL_MS, deadline - nowMs())),
    signal,
  };
}

/**
 * Spans by `gen_ai.request.id`, searched until each id has some or the deadline passes (one
 * round, at once, when called after the deadline).
 */
async function lookupRequestIds(
  backend: TraceBackend,
  search: NonNullable<TraceBackend["searchRequestId"]>,
  settings: LookupSettings,
  requestIds: string[],
  query: SpanQuery,
): Promise<Map<string, ServerSpan[]>> {
  const { deadline_ms, signal, span_name, onError } = query;
  const found = new Map<string, ServerSpan[]>();
  const now = nowMs();
  const window = query.time_window ?? { start_ms: now - DEFAULT_LOOKBACK_MS, end_ms: now };
  const pending = new Set(requestIds.filter((id) => typeof id === "string" && id !== ""));
  for (let attempt = 0; pending.size > 0 && !signal?.aborted; attempt++) {
    const lastRound = nowMs() >= deadline_ms;
    let roundFailed = false;
    await forEachConcurrent([...pending], settings.concurrency, async (requestId) => {
      if (signal?.aborted || roundFailed || (!lastRound && nowMs() >= deadline_ms)) return;
      try {
        const spans = (await search.call(
          backend,
          requestId,
          window,
          span_name ?? SPAN_NAME,
          callFor(settings.fetchTimeoutMs, deadline_ms, signal),
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
      Math.min(deadline_ms - nowMs(), backoffDelayMs(attempt, settings.backoff)),
      signal,
    );
  }
  return found;
}

/**
 * Builds a {@link TraceSource} from a {@link TraceBackend}. `getSpans` never throws for back-end
 * failures: it reports them through `options.onError` and returns what it found. It returns as
 * soon as every trace has its span; an empty or failed search never stops it from fetching by
 * id.
 */
export function httpTraceSource(
  name: string,
  backend: TraceBackend,
  options: HttpSourceOptions & { traceUrl?: (traceId: string) => string },
): TraceSource {
  const settings: LookupSettings = {
    concurrency: options.concurrency ?? 8,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 10_000,
    searchMinTraces: options.searchMinTraces ?? 2,
    batchSize: options.batchSize ?? 50,
    backoff: { maxMs: DEFAULT_MAX_BACKOFF_MS, ...options.backoff },
  };
  const multiId: MultiIdSupport = { state: backend.fetchTraces ? "unknown" : "no" };
  const searchRequestId = backend.searchRequestId;
  return {
    name,
    getSpans: (traceIds, query) =>
      new TraceLookup(backend, settings, multiId, traceIds, query).run(),
    ...(searchRequestId
      ? {
        getSpansByRequestId: (requestIds: string[], query: SpanQuery) =>
          lookupRequestIds(backend, searchRequestId, settings, requestIds, query),
      }
      : {}),
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
