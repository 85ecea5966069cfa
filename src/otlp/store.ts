/**
 * An in-memory, bounded index of received spans by trace id, with waiters that wake as traces
 * arrive (no polling).
 *
 * @module
 */
import type { AttributeValue, ServerSpan } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { normalizeTraceId } from "./ids.ts";

/** Options of a {@link SpanStore}. */
export interface SpanStoreOptions {
  /**
   * Most spans kept (default 1,000,000). When an add goes over, whole traces are evicted, oldest
   * first (in order of their first span's arrival), until the store is back within the bound.
   */
  maxSpans?: number;
  /**
   * Most bytes of spans kept, as estimated by {@link spanBytes} (default 256 MiB). Evicts like
   * `maxSpans`: a few spans with huge attributes cannot take the heap either.
   */
  maxBytes?: number;
  /**
   * Longest string attribute value kept, in characters (default 16 384); longer ones are cut and
   * end with `…[cut N chars]`. vLLM's own attributes are numbers and short strings.
   */
  maxAttributeChars?: number;
}

/** Default bound of a {@link SpanStore}: one million spans (roughly 1–2 GB of heap at most). */
export const DEFAULT_MAX_SPANS = 1_000_000;
/** Default byte bound of a {@link SpanStore}: 256 MiB of estimated span size. */
export const DEFAULT_MAX_STORE_BYTES = 256 * 1024 * 1024;
/** Default cut of one string attribute: 16 384 characters. */
export const DEFAULT_MAX_ATTRIBUTE_CHARS = 16_384;

/** Fixed cost of one span in the estimate: its object, ids, times and map entries. */
const SPAN_OVERHEAD_BYTES = 512;

/**
 * Estimated heap bytes of a span: a fixed overhead plus 2 bytes per character (UTF-16) of every
 * string and 16 per other value, attribute names included. An estimate to bound memory by, not an
 * exact count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spanBytes } from "./store.ts";
 * import type { ServerSpan } from "../types.ts";
 * const span = { name: "llm_request", scope: "vllm", attributes: { big: "x".repeat(1000) }, resource: {} };
 * assert.ok(spanBytes(span as unknown as ServerSpan) > 2000);
 * ```
 */
export function spanBytes(span: ServerSpan): number {
  return SPAN_OVERHEAD_BYTES + 2 * (span.name.length + span.scope.length) +
    valueBytes(span.attributes) + valueBytes(span.resource);
}

function valueBytes(value: AttributeValue): number {
  if (typeof value === "string") return 2 * value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + valueBytes(v), 16);
  if (value !== null && typeof value === "object") {
    let sum = 16;
    for (const [key, v] of Object.entries(value)) sum += 2 * key.length + valueBytes(v);
    return sum;
  }
  return 16;
}

/** `value` with every string longer than `max` characters cut (same object when none is). */
function cutStrings(value: AttributeValue, max: number): AttributeValue {
  if (typeof value === "string") {
    return value.length <= max ? value : `${value.slice(0, max)}…[cut ${value.length - max} chars]`;
  }
  if (Array.isArray(value)) {
    let copy: AttributeValue[] | null = null;
    value.forEach((v, i) => {
      const cut = cutStrings(v, max);
      if (cut !== v) (copy ??= [...value])[i] = cut;
    });
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, AttributeValue> | null = null;
    for (const [key, v] of Object.entries(value)) {
      const cut = cutStrings(v, max);
      if (cut !== v) (copy ??= { ...value })[key] = cut;
    }
    return copy ?? value;
  }
  return value;
}

interface Waiter {
  /** Requested id as given by the caller → normalised id. */
  readonly wanted: Map<string, string>;
  /** Normalised ids not seen yet. */
  readonly missing: Set<string>;
  finish(): void;
}

/**
 * Spans grouped by trace id. A span already stored (same trace id and span id, e.g. a retried
 * export) is ignored. Holds at most `maxSpans` spans, evicting the oldest traces first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SpanStore } from "./store.ts";
 * import { flattenSpans } from "./spans.ts";
 * const traceId = "0af7651916cd43dd8448eb211c80319c";
 * const store = new SpanStore({ maxSpans: 10_000 });
 * const pending = store.waitFor([traceId], Date.now() + 5_000);
 * // the receiver calls store.add(spans) as exports arrive:
 * const { spans } = flattenSpans({
 *   resourceSpans: [{ scopeSpans: [{ spans: [{
 *     traceId, spanId: "b7ad6b7169203331", name: "llm_request",
 *     startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000250000000",
 *   }] }] }],
 * });
 * assert.equal(store.add(spans), 1);
 * const found = await pending; // resolves once every trace has a span, or at the deadline
 * assert.equal(found.get(traceId)?.[0].span_id, "b7ad6b7169203331");
 * ```
 */
export class SpanStore {
  /** Insertion order of the Map = order of first arrival, which eviction follows. */
  readonly #traces = new Map<string, ServerSpan[]>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #maxSpans: number;
  readonly #maxBytes: number;
  readonly #maxAttributeChars: number;
  /** Estimated bytes of each held trace's spans, for the byte bound. */
  readonly #traceBytes = new Map<string, number>();
  #bytes = 0;
  /** Span-id sets of large traces only, so duplicate checks stay O(1) without a Set per trace. */
  readonly #largeTraceIds = new WeakMap<ServerSpan[], Set<string>>();
  #size = 0;
  #evicted = 0;

  /** Creates an empty store; throws a RangeError for a `maxSpans` that is not a positive integer. */
  constructor(options: SpanStoreOptions = {}) {
    const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
    if (!Number.isSafeInteger(maxSpans) || maxSpans < 1) {
      throw new RangeError(`maxSpans must be a positive integer, got ${String(maxSpans)}`);
    }
    this.#maxSpans = maxSpans;
    this.#maxBytes = positiveOption("maxBytes", options.maxBytes, DEFAULT_MAX_STORE_BYTES);
    this.#maxAttributeChars = positiveOption(
      "maxAttributeChars",
      options.maxAttributeChars,
      DEFAULT_MAX_ATTRIBUTE_CHARS,
    );
  }

  /** Estimated bytes held ({@link spanBytes} summed); at most `maxBytes` after every add. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of spans held. */
  get size(): number {
    return this.#size;
  }

  /** Number of traces held. */
  get traceCount(): number {
    return this.#traces.size;
  }

  /** The bound on {@link size}. */
  get maxSpans(): number {
    return this.#maxSpans;
  }

  /** Spans evicted so far to respect the bound. */
  get evictedSpans(): number {
    return this.#evicted;
  }

  /**
   * Adds spans, skipping duplicates (same trace and span id), wakes waiters whose traces all
   * arrived, then evicts the oldest traces while over the bound. Returns how many were new.
   */
  add(spans: readonly ServerSpan[]): number {
    let added = 0;
    const arrived: string[] = [];
    for (const received of spans) {
      const span = this.#cut(received);
      let list = this.#traces.get(span.trace_id);
      if (list === undefined) {
        list = [];
        this.#traces.set(span.trace_id, list);
        arrived.push(span.trace_id);
      } else if (this.#holds(list, span.span_id)) {
        continue;
      }
      list.push(span);
      this.#largeTraceIds.get(list)?.add(span.span_id);
      const bytes = spanBytes(span);
      this.#traceBytes.set(span.trace_id, (this.#traceBytes.get(span.trace_id) ?? 0) + bytes);
      this.#bytes += bytes;
      added++;
    }
    this.#size += added;
    // Wake before evicting, so a waiter whose trace arrived gets it even in an over-full store.
    for (const traceId of arrived) this.#notify(traceId);
    this.#evict();
    return added;
  }

  /** Spans of one trace (a copy), or undefined when none arrived. Accepts any id form. */
  get(traceId: string): ServerSpan[] | undefined {
    const id = normalizeTraceId(traceId);
    const list = id === null ? undefined : this.#traces.get(id);
    return list === undefined ? undefined : list.slice();
  }

  /** Whether at least one span of the trace is held. */
  has(traceId: string): boolean {
    const id = normalizeTraceId(traceId);
    return id !== null && this.#traces.has(id);
  }

  /** Trace ids held, oldest first. */
  traceIds(): string[] {
    return [...this.#traces.keys()];
  }

  /** Drops every span (waiters keep waiting for new ones). */
  clear(): void {
    this.#traces.clear();
    this.#traceBytes.clear();
    this.#size = 0;
    this.#bytes = 0;
  }

  /**
   * Waits until every given trace has at least one span, or until `deadlineMs` (epoch ms, same
   * clock as `nowMs()` in src/util/clock.ts), then resolves with the traces found, keyed by the
   * ids as given. Rejects with the signal's reason if `signal` aborts first. Cost is O(ids) to
   * set up and O(1) per arriving trace; there is no polling.
   */
  waitFor(
    traceIds: readonly string[],
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<Map<string, ServerSpan[]>> {
    if (!Array.isArray(traceIds)) {
      return Promise.reject(new TypeError(`traceIds must be an array, got ${typeof traceIds}`));
    }
    if (typeof deadlineMs !== "number" || Number.isNaN(deadlineMs)) {
      return Promise.reject(
        new TypeError(`deadlineMs must be a number, got ${String(deadlineMs)}`),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const wanted = new Map<string, string>();
    const missing = new Set<string>();
    for (const raw of traceIds) {
      const id = typeof raw === "string" ? normalizeTraceId(raw) : null;
      if (id === null) continue; // an invalid id can never arrive
      wanted.set(raw, id);
      if (!this.#traces.has(id)) missing.add(id);
    }
    if (missing.size === 0 || deadlineMs <= nowMs()) {
      return Promise.resolve(this.#collect(wanted));
    }
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        for (const id of missing) {
          const set = this.#waiters.get(id);
          set?.delete(waiter);
          if (set?.size === 0) this.#waiters.delete(id);
        }
      };
      const waiter: Waiter = {
        wanted,
        missing,
        finish: () => {
          cleanup();
          resolve(this.#collect(wanted));
        },
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      for (const id of missing) {
        let set = this.#waiters.get(id);
        if (set === undefined) this.#waiters.set(id, set = new Set());
        set.add(waiter);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      // setTimeout overflows past 2^31-1 ms: re-arm in steps; an infinite deadline has no timer.
      const arm = () => {
        const left = deadlineMs - nowMs();
        if (left <= 0) waiter.finish();
        else if (Number.isFinite(left)) timer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
      };
      arm();
    });
  }

  /** Resolves every pending {@link waitFor} now with what has arrived (used on receiver close). */
  releaseWaiters(): void {
    const all = new Set<Waiter>();
    for (const set of this.#waiters.values()) for (const w of set) all.add(w);
    for (const w of all) w.finish();
  }

  /** Number of pending {@link waitFor} calls (for tests and diagnostics). */
  get pendingWaiters(): number {
    const all = new Set<Waiter>();
    for (const set of this.#waiters.values()) for (const w of set) all.add(w);
    return all.size;
  }

  #holds(list: ServerSpan[], spanId: string): boolean {
    if (list.length < 32) return list.some((s) => s.span_id === spanId);
    let ids = this.#largeTraceIds.get(list);
    if (ids === undefined) {
      ids = new Set(list.map((s) => s.span_id));
      this.#largeTraceIds.set(list, ids);
    }
    return ids.has(spanId);
  }

  #notify(traceId: string): void {
    const set = this.#waiters.get(traceId);
    if (set === undefined) return;
    this.#waiters.delete(traceId);
    for (const waiter of set) {
      waiter.missing.delete(traceId);
      if (waiter.missing.size === 0) waiter.finish();
    }
  }

  #collect(wanted: Map<string, string>): Map<string, ServerSpan[]> {
    const out = new Map<string, ServerSpan[]>();
    for (const [raw, id] of wanted) {
      const list = this.#traces.get(id);
      if (list !== undefined) out.set(raw, list.slice());
    }
    return out;
  }

  #evict(): void {
    while (this.#size > this.#maxSpans || this.#bytes > this.#maxBytes) {
      const oldest = this.#traces.keys().next();
      if (oldest.done) break;
      const list = this.#traces.get(oldest.value)!;
      this.#traces.delete(oldest.value);
      this.#bytes -= this.#traceBytes.get(oldest.value) ?? 0;
      this.#traceBytes.delete(oldest.value);
      this.#size -= list.length;
      this.#evicted += list.length;
    }
  }

  /** The span with over-long string attributes cut (the same object when none is). */
  #cut(span: ServerSpan): ServerSpan {
    const attributes = cutStrings(span.attributes, this.#maxAttributeChars);
    const resource = cutStrings(span.resource, this.#maxAttributeChars);
    return attributes === span.attributes && resource === span.resource
      ? span
      : { ...span, attributes, resource } as ServerSpan;
  }
}

function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
