/**
 * The embedded receiver's worker: the gRPC and HTTP listeners, body reads, decoding and filtering
 * run here, off the thread that timestamps chunks. Started by ./receiver.ts; not for direct use.
 *
 * Protocol (see {@link ToWorker} / {@link FromWorker}): `start` → `ready` or `failed`. Before it
 * answers an exporter, the worker posts the request's accepted spans and counters as a `batch`
 * and waits for the main thread's `ack`, so when an export completes the main thread has its
 * spans. `close` → listeners stop → `closed`.
 *
 * @module
 */
import type { ServerSpan } from "../types.ts";
import { type BoundGrpcServer, exportHandler, startGrpcServer, stopGrpcServer } from "./grpc.ts";
import { handleOtlpHttp, type HttpHandlerContext } from "./http.ts";
import { emptyCounters, type ReceiverCounters, type SpanSink } from "./ingest.ts";
import { type EncodedSpanBatch, encodeSpanBatch } from "./span_batch.ts";

/** Resolved receiver options, as the worker gets them. */
export interface WorkerOptions {
  /** Interface to listen on. */
  hostname: string;
  /** Ports (0 = a free one; null = no such listener). */
  grpcPort: number | null;
  httpPort: number | null;
  /** Limit of one request, compressed and decompressed. */
  maxBodyBytes: number;
  /** Token exporters must send, when set. */
  bearerToken?: string;
  /** Span name kept; null keeps all. */
  spanName: string | null;
}

/** Messages from the main thread. */
export type ToWorker =
  | { type: "start"; options: WorkerOptions }
  | { type: "ack"; seq: number }
  | { type: "close"; graceMs: number; waitMs: number };

/** Messages to the main thread. */
export type FromWorker =
  | { type: "ready"; grpcPort: number | null; httpPort: number | null }
  | { type: "failed"; message: string }
  | { type: "counters"; counters: ReceiverCounters }
  | { type: "batch"; seq: number; spans: EncodedSpanBatch | null; counters: ReceiverCounters }
  | { type: "closed"; counters: ReceiverCounters };

/** The worker global scope, as far as this module uses it. */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  close(): void;
}

/** What both listeners share. */
type WorkerContext = HttpHandlerContext<BatchSink>;

/** Collects accepted spans until the next batch is posted. */
class BatchSink implements SpanSink {
  #spans: ServerSpan[] = [];
  add(spans: readonly ServerSpan[]): number {
    for (const span of spans) this.#spans.push(span);
    return spans.length;
  }
  take(): ServerSpan[] {
    const spans = this.#spans;
    this.#spans = [];
    return spans;
  }
}

/** The running listeners and what they share. */
class WorkerReceiver {
  readonly #scope: WorkerScope;
  readonly #sink = new BatchSink();
  readonly #counters = emptyCounters();
  readonly #shutdown = new AbortController();
  readonly #acks = new Map<number, () => void>();
  #seq = 0;
  #http: Deno.HttpServer<Deno.NetAddr> | null = null;
  #grpc: BoundGrpcServer | null = null;

  constructor(scope: WorkerScope) {
    this.#scope = scope;
  }

  /** Opens the listeners; on a failure, closes what was opened and says why. */
  async start(options: WorkerOptions): Promise<FromWorker> {
    const context: WorkerContext = {
      store: this.#sink,
      counters: this.#counters,
      maxBodyBytes: options.maxBodyBytes,
      spanName: options.spanName,
      bearerToken: options.bearerToken,
      shutdownSignal: this.#shutdown.signal,
    };
    try {
      if (options.httpPort !== null) this.#listenHttp(options, context);
      if (options.grpcPort !== null) await this.#listenGrpc(options, context);
    } catch (error) {
      await this.#http?.shutdown();
      return { type: "failed", message: (error as Error).message };
    }
    return {
      type: "ready",
      grpcPort: this.#grpc?.port ?? null,
      httpPort: this.#http?.addr.port ?? null,
    };
  }

  #listenHttp(options: WorkerOptions, context: WorkerContext): void {
    try {
      this.#http = Deno.serve(
        { hostname: options.hostname, port: options.httpPort!, onListen: () => {} },
        (request) => this.#handleHttp(request, context),
      );
    } catch (error) {
      const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
      throw new Error(
        `OTLP HTTP receiver could not listen on ${host}:${options.httpPort}: ${
          (error as Error).message
        }`,
      );
    }
  }

  async #listenGrpc(options: WorkerOptions, context: WorkerContext): Promise<void> {
    const inner = exportHandler(context);
    this.#grpc = await startGrpcServer(
      options.hostname,
      options.grpcPort!,
      context,
      (call, callback) => inner(call, (...reply) => this.#sync().then(() => callback(...reply))),
    );
  }

  /** Marks batch `seq` as received by the main thread. */
  acknowledge(seq: number): void {
    this.#acks.get(seq)?.();
    this.#acks.delete(seq);
  }

  /** Stops both listeners (see OtlpReceiver.close), then reports the final counters. */
  async close(graceMs: number, waitMs: number): Promise<FromWorker> {
    this.#shutdown.abort();
    let giveUp: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, waitMs);
    });
    try {
      await Promise.race([
        Promise.all([
          this.#http?.shutdown(),
          this.#grpc ? stopGrpcServer(this.#grpc.server, graceMs) : undefined,
        ]),
        gaveUp,
      ]);
    } finally {
      clearTimeout(giveUp);
    }
    return { type: "closed", counters: { ...this.#counters } };
  }

  async #handleHttp(
    request: Request,
    context: WorkerContext,
  ): Promise<Response> {
    const replying = handleOtlpHttp(request, context);
    // The request is counted synchronously: let the main thread see it while the body streams.
    this.#scope.postMessage({ type: "counters", counters: { ...this.#counters } });
    const response = await replying;
    await this.#sync();
    return response;
  }

  /** Posts the spans accepted so far and the counters; resolves when the main thread has them. */
  #sync(): Promise<void> {
    const spans = this.#sink.take();
    const seq = ++this.#seq;
    const acked = new Promise<void>((resolve) => this.#acks.set(seq, resolve));
    this.#scope.postMessage({
      type: "batch",
      seq,
      spans: spans.length > 0 ? encodeSpanBatch(spans) : null,
      counters: { ...this.#counters },
    });
    return acked;
  }
}

/** Serves the protocol on this worker's scope. */
function serve(scope: WorkerScope): void {
  const receiver = new WorkerReceiver(scope);
  scope.onmessage = async (event) => {
    const message = event.data;
    if (message.type === "ack") receiver.acknowledge(message.seq);
    else if (message.type === "start") scope.postMessage(await receiver.start(message.options));
    else if (message.type === "close") {
      scope.postMessage(await receiver.close(message.graceMs, message.waitMs));
    }
  };
}

if ("WorkerGlobalScope" in globalThis) serve(globalThis as unknown as WorkerScope);
