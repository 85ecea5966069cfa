/**
 * Span export like the OpenTelemetry SDK's BatchSpanProcessor in front of an OTLP exporter, as
 * vLLM runs it: spans queue (max 2048, extra ones dropped) and leave in batches of up to 512
 * after `exportDelayMs`, or at once when a full batch is waiting; OTLP/gRPC (unary `Export` via
 * @grpc/grpc-js, insecure) or OTLP http/protobuf (POST, `application/x-protobuf`). A failed
 * export is logged once, counted, and its batch dropped; it never throws into the simulator.
 *
 * @module
 */
import * as grpc from "../deps/grpc_grpc_js.ts";
import { Buffer } from "node:buffer";
import { encodeExportRequest, type OtlpSpan } from "../otlp/protobuf.ts";
import { TRACE_EXPORT_METHOD } from "../otlp/schema.ts";
import { exportRequestOf } from "./span.ts";
import type { SpanExportStats } from "./options.ts";

/** Sends one encoded ExportTraceServiceRequest. */
export interface OtlpTransport {
  send(body: Uint8Array): Promise<void>;
  close(): void;
}

/** Options of {@link BatchSpanExporter}. */
export interface BatchSpanExporterOptions {
  endpoint: string;
  protocol: "grpc" | "http/protobuf";
  exportDelayMs: number;
  serviceName: string;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  /** Per-export timeout, ms (default 10000, the Python OTLP exporter's). */
  exportTimeoutMs?: number;
  /** Called once, on the first failure. */
  onFirstFailure?: (error: unknown) => void;
}

/** The gRPC target (`host:port`) of an endpoint URL such as `http://127.0.0.1:4317`. */
export function grpcTarget(endpoint: string): string {
  const url = new URL(endpoint);
  const port = url.port || (url.protocol === "https:" ? "443" : "4317");
  return `${url.hostname}:${port}`;
}

/** An OTLP/gRPC transport (plaintext, like vLLM's forced `insecure=True`). */
export function grpcTransport(endpoint: string, timeoutMs: number): OtlpTransport {
  const client = new grpc.Client(grpcTarget(endpoint), grpc.credentials.createInsecure());
  return {
    send(body) {
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest<Uint8Array, Buffer>(
          TRACE_EXPORT_METHOD,
          (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
          (value) => value,
          body,
          new grpc.Metadata(),
          { deadline: Date.now() + timeoutMs },
          (error) => (error ? reject(error) : resolve()),
        );
      });
    },
    close() {
      client.close();
    },
  };
}

/** An OTLP http/protobuf transport: POST to the endpoint as given (path included). */
export function httpTransport(endpoint: string, timeoutMs: number): OtlpTransport {
  const inFlight = new Set<AbortController>();
  return {
    async send(body) {
      const controller = new AbortController();
      inFlight.add(controller);
      const timer = setTimeout(() => controller.abort(new Error("export timeout")), timeoutMs);
      try {
        const response = await fetch(endpoint, {
          method: "POST",
          headers: { "content-type": "application/x-protobuf" },
          body: body as Uint8Array<ArrayBuffer>,
          signal: controller.signal,
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`HTTP ${response.status} from ${endpoint}`);
      } finally {
        clearTimeout(timer);
        inFlight.delete(controller);
      }
    },
    close() {
      for (const c of inFlight) c.abort(new Error("exporter closed"));
    },
  };
}

/**
 * The batching exporter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchSpanExporter } from "./exporter.ts";
 * import { buildRequestSpan } from "./span.ts";
 * import { startReceiver } from "../otlp/receiver.ts";
 * const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
 * try {
 *   const exporter = new BatchSpanExporter({
 *     endpoint: receiver.httpEndpoint!, protocol: "http/protobuf",
 *     exportDelayMs: 50, serviceName: "vllm-sim",
 *   });
 *   exporter.add(buildRequestSpan({
 *     trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331",
 *     parent_span_id: null, start_ms: 1, end_ms: 2, request_id: "cmpl-x-0", prompt_tokens: 3,
 *     completion_tokens: 4, queue_s: 0, ttft_s: 0.1, e2e_s: 0.2, prefill_s: 0.05, decode_s: 0.1,
 *     inference_s: 0.15, temperature: 0, top_p: 1, max_tokens: 4, n: 1,
 *   }));
 *   await exporter.close(); // flushes whatever was added
 *   assert.deepEqual(exporter.stats(), { exported: 1, failed: 0, dropped: 0, pending: 0 });
 *   assert.equal(receiver.store.size, 1);
 * } finally {
 *   await receiver.close();
 * }
 * ```
 */
export class BatchSpanExporter {
  readonly #options: Required<Omit<BatchSpanExporterOptions, "onFirstFailure">>;
  readonly #onFirstFailure?: (error: unknown) => void;
  readonly #transport: OtlpTransport;
  #queue: OtlpSpan[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inFlight = new Set<Promise<void>>();
  #stats = { exported: 0, failed: 0, dropped: 0 };
  readonly #instanceId = crypto.randomUUID();
  #failedOnce = false;
  #closed = false;

  constructor(options: BatchSpanExporterOptions, transport?: OtlpTransport) {
    this.#options = {
      endpoint: options.endpoint,
      protocol: options.protocol,
      exportDelayMs: options.exportDelayMs,
      serviceName: options.serviceName,
      maxQueueSize: options.maxQueueSize ?? 2048,
      maxExportBatchSize: options.maxExportBatchSize ?? 512,
      exportTimeoutMs: options.exportTimeoutMs ?? 10_000,
    };
    this.#onFirstFailure = options.onFirstFailure;
    this.#transport = transport ??
      (options.protocol === "grpc"
        ? grpcTransport(options.endpoint, this.#options.exportTimeoutMs)
        : httpTransport(options.endpoint, this.#options.exportTimeoutMs));
  }

  /** Queues a span; drops it (counted) when the queue is full or the exporter closed. */
  add(span: OtlpSpan): void {
    if (this.#closed || this.#queue.length >= this.#options.maxQueueSize) {
      this.#stats.dropped++;
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length >= this.#options.maxExportBatchSize) this.#exportQueued();
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#exportQueued();
      }, this.#options.exportDelayMs);
    }
  }

  /** Counters. */
  stats(): SpanExportStats {
    return { ...this.#stats, pending: this.#queue.length };
  }

  /** Exports everything queued now and waits for every export in flight. */
  async flush(): Promise<void> {
    this.#exportQueued();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Flushes, then closes the transport. Later spans are dropped. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#transport.close();
  }

  #exportQueued(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.maxExportBatchSize);
      const done = this.#send(batch);
      this.#inFlight.add(done);
      done.finally(() => this.#inFlight.delete(done));
    }
  }

  async #send(batch: OtlpSpan[]): Promise<void> {
    try {
      const request = exportRequestOf(batch, this.#options.serviceName, this.#instanceId);
      const body = encodeExportRequest(request);
      await this.#transport.send(body);
      this.#stats.exported += batch.length;
    } catch (error) {
      this.#stats.failed += batch.length;
      if (!this.#failedOnce) {
        this.#failedOnce = true;
        this.#onFirstFailure?.(error);
      }
    }
  }
}
