/**
 * The main thread's side of the receiver worker (./receiver_worker.ts): starts it, acknowledges
 * its batches, and keeps a synchronous view of the received spans and counters.
 *
 * Per batch the main thread only queues the JSON string and answers `ack`; the spans are decoded
 * into the {@link SpanStore} when someone reads it (or at once while a `waitFor` is pending). So
 * the thread that timestamps chunks does next to nothing per export (measured: well under 0.1 ms
 * for a 512-span batch, against ~2.3 ms to decode and store it). The queue shares the store's
 * bounds: only when queued + stored spans pass `maxSpans`, or queued JSON characters + stored
 * bytes pass `maxBytes`, are the queued batches but the newest decoded (and the store evicts as
 * usual). So a run that does not read the store decodes nothing on this thread until that much
 * has arrived.
 *
 * @module
 */
import { emptyCounters, type ReceiverCounters } from "./ingest.ts";
import type { FromWorker, ToWorker, WorkerOptions } from "./receiver_worker.ts";
import { decodeSpanBatch, type EncodedSpanBatch } from "./span_batch.ts";
import type { SpanStore } from "./store.ts";

const WORKER_URL = new URL("./receiver_worker.ts", import.meta.url).href;

/** A started receiver worker and the main thread's view of what it received. */
export class ReceiverLink {
  readonly grpcPort: number | null;
  readonly httpPort: number | null;
  readonly #worker: Worker;
  readonly #store: SpanStore;
  readonly #state: LinkState;

  private constructor(worker: Worker, store: SpanStore, state: LinkState, ready: Ready) {
    this.#worker = worker;
    this.#store = store;
    this.#state = state;
    this.grpcPort = ready.grpcPort;
    this.httpPort = ready.httpPort;
  }

  /**
   * Starts the worker with `options`; received spans go to `store`. Rejects with the worker's
   * error (e.g. a port that cannot be bound), leaving nothing running.
   */
  static async start(
    options: WorkerOptions,
    store: SpanStore,
    maxBytes: number,
  ): Promise<ReceiverLink> {
    const worker = new Worker(WORKER_URL, { type: "module" });
    const state: LinkState = {
      pending: [],
      pendingSpans: 0,
      pendingChars: 0,
      maxSpans: store.maxSpans,
      // JSON characters stand for bytes (V8 keeps ASCII one byte a char).
      maxBytes,
      counters: emptyCounters(),
      closed: null,
      failure: null,
    };
    const ready = new Promise<Ready>((resolve, reject) => {
      worker.onerror = (event) => {
        event.preventDefault();
        // Deno loads a Worker's module under the caller's permissions: say which one is missing.
        const hint = /allow-read/.test(event.message)
          ? ` (the receiver runs in a Worker loaded from ${WORKER_URL}: grant --allow-read for it)`
          : "";
        const error = new Error(`embedded OTLP receiver worker failed: ${event.message}${hint}`);
        if (state.failure === null) state.failure = error;
        reject(error);
        store.releaseWaiters();
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.type === "ready") resolve(message);
        else if (message.type === "failed") reject(new Error(message.message));
        else receive(worker, store, state, message);
      };
    });
    post(worker, { type: "start", options });
    try {
      return new ReceiverLink(worker, store, state, await ready);
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  /** The store with every batch received so far decoded into it. */
  get store(): SpanStore {
    flush(this.#store, this.#state);
    return this.#store;
  }

  /** The worker's counters as of its last message. */
  get counters(): ReceiverCounters {
    return { ...this.#state.counters };
  }

  /** Asks the worker to stop its listeners, waits for it (at most `waitMs` + 1 s), ends it. */
  async close(graceMs: number, waitMs: number): Promise<void> {
    if (this.#state.failure === null) {
      const closed = new Promise<void>((resolve) => this.#state.closed = resolve);
      post(this.#worker, { type: "close", graceMs, waitMs });
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([closed, new Promise((r) => timer = setTimeout(r, waitMs + 1_000))]);
      clearTimeout(timer);
    }
    this.#worker.terminate();
    flush(this.#store, this.#state);
  }
}

type Ready = { grpcPort: number | null; httpPort: number | null };

/** What the worker has told the main thread. */
interface LinkState {
  /** Batches not yet decoded into the store, oldest first. */
  pending: EncodedSpanBatch[];
  /** Spans and JSON characters in `pending`. */
  pendingSpans: number;
  pendingChars: number;
  /** The store's bounds, which `pending` + the store share. */
  readonly maxSpans: number;
  readonly maxBytes: number;
  counters: ReceiverCounters;
  /** Resolves close() once the worker reports `closed`. */
  closed: (() => void) | null;
  failure: Error | null;
}

function post(worker: Worker, message: ToWorker): void {
  worker.postMessage(message);
}

function receive(worker: Worker, store: SpanStore, state: LinkState, message: FromWorker): void {
  if (message.type === "batch") {
    if (message.spans !== null) enqueue(store, state, message.spans);
    state.counters = message.counters;
    // Someone is waiting for traces: decode now so the waiter wakes as they arrive.
    if (store.pendingWaiters > 0) flush(store, state);
    post(worker, { type: "ack", seq: message.seq });
  } else if (message.type === "counters") {
    state.counters = message.counters;
  } else if (message.type === "closed") {
    state.counters = message.counters;
    state.closed?.();
  }
}

/** Queues a batch; decodes the oldest while queue + store are over the store's bounds. */
function enqueue(store: SpanStore, state: LinkState, batch: EncodedSpanBatch): void {
  state.pending.push(batch);
  state.pendingSpans += batch.count;
  state.pendingChars += batch.json.length;
  while (
    state.pending.length > 1 &&
    (state.pendingSpans + store.size > state.maxSpans ||
      state.pendingChars + store.bytes > state.maxBytes)
  ) {
    const oldest = state.pending.shift()!;
    state.pendingSpans -= oldest.count;
    state.pendingChars -= oldest.json.length;
    store.add(decodeSpanBatch(oldest));
  }
}

function flush(store: SpanStore, state: LinkState): void {
  const batches = state.pending;
  state.pending = [];
  state.pendingSpans = 0;
  state.pendingChars = 0;
  for (const batch of batches) store.add(decodeSpanBatch(batch));
}
