/**
 * The embedded OTLP trace receiver: vLLM exports its `llm_request` spans straight here (gRPC on
 * 4317 and/or HTTP on 4318), and `enrich` reads them back by trace id. No Jaeger needed.
 *
 * The listeners, decoding and filtering run in a Worker (./receiver_worker.ts) so they never
 * delay the chunk timestamps taken on the main thread; the store here is the main thread's
 * synchronous view, complete for every export that has been answered (./receiver_link.ts).
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import { SPAN_NAME } from "../metrics/server.ts";
import { TRACES_PATH } from "./http.ts";
import { ReceiverLink } from "./receiver_link.ts";
import { DEFAULT_MAX_SPANS, DEFAULT_MAX_STORE_BYTES, SpanStore } from "./store.ts";

/** Options of {@link startReceiver}. */
export interface ReceiverOptions {
  /** Interface to listen on; default "127.0.0.1" (loopback only). Use "0.0.0.0" to accept vLLM on another host. */
  hostname?: string;
  /** OTLP/gRPC port; default 4317; 0 = a free port; null = no gRPC listener. */
  grpcPort?: number | null;
  /** OTLP/HTTP port; default 4318; 0 = a free port; null = no HTTP listener. */
  httpPort?: number | null;
  /** Largest request accepted, compressed and decompressed alike; default 16 MiB. */
  maxBodyBytes?: number;
  /** Most spans kept; default 1,000,000. Over it, the oldest traces are evicted first. */
  maxSpans?: number;
  /**
   * Most bytes of spans kept (estimated, see `spanBytes`); default 256 MiB. Over it, the oldest
   * traces are evicted first. String attributes longer than 16,384 characters are cut.
   */
  maxBytes?: number;
  /** When set, requests must carry `authorization: Bearer <token>` (HTTP header / gRPC metadata). */
  bearerToken?: string;
  /** Keep only spans with this name; default "llm_request"; null keeps every span. */
  spanName?: string | null;
}

/** Counters of a running receiver. */
export interface ReceiverStats {
  /** Requests that reached a handler (HTTP requests; gRPC Export calls). */
  received_requests: number;
  /** Well-formed spans kept by the span-name filter. */
  accepted_spans: number;
  /** Malformed spans, answered as partial success. */
  rejected_spans: number;
  /** Requests answered with an error status. */
  bad_requests: number;
  /** Spans evicted from the store to respect `maxSpans`. */
  evicted_spans: number;
  /** Well-formed spans dropped by the span-name filter. */
  ignored_spans: number;
}

/** A running receiver; also a {@link TraceSource} named "embedded". */
export interface OtlpReceiver extends TraceSource {
  /** Bound gRPC port, null without a gRPC listener. */
  readonly grpcPort: number | null;
  /** Bound HTTP port, null without an HTTP listener. */
  readonly httpPort: number | null;
  /** What to give vLLM's `--otlp-traces-endpoint` for gRPC, e.g. "http://127.0.0.1:4317". */
  readonly grpcEndpoint: string | null;
  /** What to give vLLM's `--otlp-traces-endpoint` for HTTP, e.g. "http://127.0.0.1:4318/v1/traces". */
  readonly httpEndpoint: string | null;
  /** The received spans: every span of every export already answered is in it. */
  readonly store: SpanStore;
  /** Counters since start. */
  stats(): ReceiverStats;
  /**
   * Stops both listeners and resolves pending `getSpans` calls with what arrived; later calls
   * answer from the store at once. The store stays readable. Idempotent. HTTP body reads in
   * progress are answered 503; gRPC calls get 2 s to finish; after 4 s close() resolves
   * regardless, leaving a connection whose peer stalls mid-body to that peer.
   */
  close(): Promise<void>;
}

/** How long close() lets gRPC calls in progress finish before cutting them off. */
const CLOSE_GRACE_MS = 2_000;
/** How long close() waits for connections to end before it resolves regardless. */
const CLOSE_WAIT_MS = 4_000;

/** Default size limit of one export request (compressed or not): 16 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

function checkPort(name: string, value: unknown, fallback: number): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65_535) {
    throw new RangeError(`${name} must be an integer in 0..65535 or null, got ${String(value)}`);
  }
  return value as number;
}

function resolveOptions(options: ReceiverOptions) {
  const hostname = options.hostname ?? "127.0.0.1";
  if (typeof hostname !== "string" || hostname.trim() === "") {
    throw new TypeError(`hostname must be a non-empty string, got ${JSON.stringify(hostname)}`);
  }
  const grpcPort = checkPort("grpcPort", options.grpcPort, 4317);
  const httpPort = checkPort("httpPort", options.httpPort, 4318);
  if (grpcPort === null && httpPort === null) {
    throw new TypeError("grpcPort and httpPort are both null: the receiver would listen nowhere");
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1 || maxBodyBytes > 2 ** 31 - 1) {
    throw new RangeError(
      `maxBodyBytes must be an integer in 1..2147483647, got ${String(maxBodyBytes)}`,
    );
  }
  const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
  if (!Number.isSafeInteger(maxSpans) || maxSpans < 1) {
    throw new RangeError(`maxSpans must be a positive integer, got ${String(maxSpans)}`);
  }
  const bearerToken = options.bearerToken;
  if (
    bearerToken !== undefined && (typeof bearerToken !== "string" || !/^\S+$/.test(bearerToken))
  ) {
    throw new TypeError("bearerToken must be a non-empty string without whitespace");
  }
  const spanName = options.spanName === undefined ? SPAN_NAME : options.spanName;
  if (spanName !== null && typeof spanName !== "string") {
    throw new TypeError(`spanName must be a string or null, got ${typeof spanName}`);
  }
  return { hostname, grpcPort, httpPort, maxBodyBytes, maxSpans, bearerToken, spanName };
}

function urlHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/**
 * Starts the embedded OTLP receiver. Throws a TypeError/RangeError for bad options, or an Error
 * naming the address when a port cannot be bound (nothing is left listening then). Its listeners
 * run in a Worker, which Deno loads under the caller's permissions: besides --allow-net it needs
 * read access to src/otlp/receiver_worker.ts (the error says so).
 *
 * Point vLLM at it with `--otlp-traces-endpoint <grpcEndpoint>` (default protocol gRPC) or with
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf` and `--otlp-traces-endpoint <httpEndpoint>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startReceiver } from "./receiver.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
 * // stands in for `vllm serve ... --otlp-traces-endpoint <receiver.grpcEndpoint>`
 * const sim = await startSimulator({ otlpEndpoint: receiver.grpcEndpoint!, exportDelayMs: 50 });
 * try {
 *   const traceId = "0af7651916cd43dd8448eb211c80319c";
 *   const response = await fetch(`${sim.url}/v1/completions`, {
 *     method: "POST",
 *     headers: {
 *       "content-type": "application/json",
 *       traceparent: `00-${traceId}-b7ad6b7169203331-01`,
 *     },
 *     body: JSON.stringify({ prompt: "Hello", max_tokens: 2 }),
 *   });
 *   await response.body?.cancel();
 *   const spans = await receiver.getSpans([traceId], { deadline_ms: Date.now() + 10_000 });
 *   assert.equal(spans.get(traceId)?.[0].name, "llm_request");
 *   assert.equal(spans.get(traceId)?.[0].parent_span_id, "b7ad6b7169203331");
 *   assert.equal(receiver.stats().accepted_spans, 1);
 * } finally {
 *   await sim.close();
 *   await receiver.close();
 * }
 * ```
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  const resolved = resolveOptions(options);
  const store = new SpanStore({ maxSpans: resolved.maxSpans, maxBytes: options.maxBytes });
  const { maxSpans: _, ...workerOptions } = resolved;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_STORE_BYTES;
  const link = await ReceiverLink.start(workerOptions, store, maxBytes);
  const host = urlHost(resolved.hostname);
  let closing: Promise<void> | null = null;
  const receiver: OtlpReceiver = {
    name: "embedded",
    grpcPort: link.grpcPort,
    httpPort: link.httpPort,
    grpcEndpoint: link.grpcPort !== null ? `http://${host}:${link.grpcPort}` : null,
    httpEndpoint: link.httpPort !== null ? `http://${host}:${link.httpPort}${TRACES_PATH}` : null,
    get store() {
      return link.store;
    },
    stats: () => ({ ...link.counters, evicted_spans: link.store.evictedSpans }),
    getSpans(
      traceIds: string[],
      options: { deadline_ms: number; signal?: AbortSignal },
    ): Promise<Map<string, ServerSpan[]>> {
      // Once closed, nothing more can arrive: answer from the store without waiting.
      const deadline = closing === null ? options?.deadline_ms : 0;
      return link.store.waitFor(traceIds, deadline, options?.signal);
    },
    close() {
      closing ??= (async () => {
        // Body reads in progress end now with 503 (retryable for OTLP exporters); Deno's own
        // shutdown would fail them anyway. gRPC calls get a grace period. Deno's graceful
        // shutdown also waits for a peer that stalls mid-body to send or disconnect; close()
        // stops waiting after CLOSE_WAIT_MS. Both listeners stop accepting at once either way.
        await link.close(CLOSE_GRACE_MS, CLOSE_WAIT_MS);
        store.releaseWaiters();
      })();
      return closing;
    },
  };
  return receiver;
}
