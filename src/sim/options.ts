/**
 * The simulator's public contract (options, handle, ground truth) and option validation.
 *
 * @module
 */

import {
  inRange,
  nonEmptyString,
  nonNegative,
  nonNegativeInt,
  oneOf,
  optionMessage,
  positiveInt,
} from "../util/options.ts";

/** The OTLP protocols the simulator exports with. */
const OTLP_PROTOCOLS = ["grpc", "http/protobuf"] as const;

/** Injected failures, as per-request probabilities in [0, 1] drawn from the seeded RNG. */
export interface FaultOptions {
  /** Answer HTTP 500 (InternalServerError) before streaming. */
  http500Rate?: number;
  /** Stream half the tokens, then `data: {"error": ...}` and `data: [DONE]`. */
  streamErrorRate?: number;
  /** Stream half the tokens, then drop the connection without `[DONE]`. */
  cutRate?: number;
  /** After the first content chunk, hold every further write for `stallMs`. */
  stallRate?: number;
  /** Length of a stall in ms (default 10000). */
  stallMs?: number;
}

/** Options of {@link startSimulator}. Every field is optional. */
export interface SimulatorOptions {
  /** Interface to bind (default "127.0.0.1"). */
  hostname?: string;
  /** Port to bind; 0 (default) picks a free port. */
  port?: number;
  /** Served model name (default "sim-llama-3-8b"). */
  model?: string;
  /** Continuous batching: at most this many running sequences (default 256). */
  maxNumSeqs?: number;
  /** Prefill time per prompt token, ms (default 0.05). */
  prefillMsPerToken?: number;
  /** Fixed prefill cost per newly scheduled request, ms (default 5). */
  prefillBaseMs?: number;
  /** Base duration of one engine step, ms (default 20). */
  decodeStepMs?: number;
  /** Extra step time per running sequence, ms (default 0.05). */
  decodeStepMsPerSeq?: number;
  /** Output budget when the request sets no max_tokens (default 128). */
  defaultMaxTokens?: number;
  /** Tokens per content chunk, like vLLM's --stream-interval (default 1). */
  streamInterval?: number;
  /**
   * A reasoning model (default 0, none): the first `reasoningTokens` generated tokens of each
   * chat response are reasoning, streamed in `delta.reasoning` (vLLM 0.32's field; the message's
   * `reasoning` when not streamed) before the answer in `delta.content`, and the usage reports
   * them in `completion_tokens_details.reasoning_tokens` (part of `completion_tokens`), as vLLM
   * with a reasoning parser. A response whose budget ends first is all reasoning. Completions
   * responses stay plain text: vLLM parses reasoning in chat only.
   */
  reasoningTokens?: number;
  /** Context length: prompt + max_tokens above it is a 400 (default 8192). */
  maxModelLen?: number;
  /**
   * KV-cache blocks of 16 tokens kept for prefix caching (default 16384, 0 = off): a request
   * whose leading blocks are cached prefills only the rest, and `/metrics` counts
   * `vllm:prefix_cache_queries_total` and `vllm:prefix_cache_hits_total` in tokens, as vLLM.
   */
  prefixCacheBlocks?: number;
  /**
   * KV-cache size in blocks of 16 tokens (default 65536): running requests hold blocks for their
   * prompt and output; when full, the latest scheduled request is preempted (back to the queue,
   * recomputed later). `/metrics` shows `vllm:kv_cache_usage_perc` (0–1) and
   * `vllm:num_preemptions_total`, as vLLM.
   */
  kvCacheBlocks?: number;
  /**
   * Probability that a request without `ignore_eos` stops early (finish_reason "stop") at a
   * length below max_tokens drawn from an RNG seeded by (seed, request id). Default 0: every
   * request generates exactly max_tokens, so tests and benchmarks get predictable lengths.
   */
  earlyStopRate?: number;
  /**
   * Simulated frontend cost (tokenization before scheduling, detokenization/IPC after each engine
   * step), ms (default 2). Makes span e2e exceed queue + prefill + decode as in real vLLM.
   */
  frontendOverheadMs?: number;
  /** OTLP endpoint, e.g. "http://127.0.0.1:4317" or "http://127.0.0.1:4318/v1/traces"; absent = no tracing. */
  otlpEndpoint?: string;
  /** OTLP protocol (default "grpc", like vLLM). */
  otlpProtocol?: "grpc" | "http/protobuf";
  /** BatchSpanProcessor schedule delay, ms (default 5000 like vLLM). */
  exportDelayMs?: number;
  /** Resource `service.name` (default "vllm-sim"). */
  serviceName?: string;
  /** If set, /v1/* requires `Authorization: Bearer <key>`, else 401 `{"error":"Unauthorized"}`. */
  apiKey?: string;
  /** Injected failures. */
  faults?: FaultOptions;
  /** Keep the server-side write time of every chunk (see {@link GroundTruthEntry}). */
  recordGroundTruth?: boolean;
  /** Seed of the RNG behind early stops, output words and fault draws (default 0). */
  seed?: number;
  /** Request body limit in bytes (default 4 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Log export failures and startup to stderr (default true). */
  log?: boolean;
}

/** What the simulator knows about one request it answered (finished, aborted or faulted). */
export interface GroundTruthEntry {
  /** Base request id (`X-Request-Id`, or the random one). */
  request_id: string;
  /** Response `id` (`chatcmpl-…` / `cmpl-…`). */
  response_id: string;
  /** Trace id of the incoming `traceparent`, null if none or invalid. */
  trace_id: string | null;
  /** Span id of the incoming `traceparent` (the server span's parent), null if none. */
  parent_span_id: string | null;
  /** Frontend arrival (after body parsing), epoch ms. */
  arrival_ms: number;
  /** Epoch ms right before each SSE event was written, role/usage/[DONE] included. */
  chunk_write_ms: number[];
  /** Epoch ms right before each SSE event carrying generated text was written. */
  content_chunk_write_ms: number[];
  /** Prompt tokens as the simulator counted them. */
  prompt_tokens: number;
  /** Tokens generated. */
  completion_tokens: number;
  /** Engine: scheduled − queued. */
  queue_ms: number;
  /** Engine: first token − scheduled. */
  prefill_ms: number;
  /** Engine: last token − first token. */
  decode_ms: number;
  /** How the request ended. */
  outcome: "finished" | "aborted" | "fault";
  /** The injected fault, if any (`http500`, `stream_error`, `cut`, `stall`, `http400`, `http404`). */
  fault?: string | null;
  /** Finish reason sent (`stop`/`length`), null if none was sent. */
  finish_reason?: string | null;
  /** Whether the response was streamed. */
  stream?: boolean;
}

/** Counters of the span exporter. */
export interface SpanExportStats {
  /** Spans acknowledged by the collector. */
  exported: number;
  /** Spans in batches whose export failed. */
  failed: number;
  /** Spans dropped because the queue was full. */
  dropped: number;
  /** Spans waiting for the next export. */
  pending: number;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** The port it listens on. */
  port: number;
  /** One entry per finished or failed request, in completion order; always empty unless `recordGroundTruth`. */
  groundTruth(): GroundTruthEntry[];
  /** Prometheus exposition text, also served at GET /metrics. */
  metricsText(): string;
  /** Export pending spans now. */
  flushSpans(): Promise<void>;
  /** Span exporter counters (all zero without an OTLP endpoint). */
  spanExportStats(): SpanExportStats;
  /** Stop the server, abort open streams, flush spans, clear timers. */
  close(): Promise<void>;
}

/** Options after defaults, as the simulator uses them. */
export interface ResolvedOptions {
  hostname: string;
  port: number;
  model: string;
  maxNumSeqs: number;
  prefillMsPerToken: number;
  prefillBaseMs: number;
  decodeStepMs: number;
  decodeStepMsPerSeq: number;
  defaultMaxTokens: number;
  streamInterval: number;
  reasoningTokens: number;
  maxModelLen: number;
  prefixCacheBlocks: number;
  kvCacheBlocks: number;
  earlyStopRate: number;
  frontendOverheadMs: number;
  otlpEndpoint: string | null;
  otlpProtocol: "grpc" | "http/protobuf";
  exportDelayMs: number;
  serviceName: string;
  apiKey: string | null;
  faults: Required<FaultOptions>;
  recordGroundTruth: boolean;
  seed: number;
  maxBodyBytes: number;
  log: boolean;
}

/** Where option errors say they come from. */
const WHERE = "startSimulator";

/**
 * The defaults of {@link SimulatorOptions}, which `resolveOptions` applies and `deno task sim
 * --help` shows.
 */
export const SIMULATOR_DEFAULTS = {
  hostname: "127.0.0.1",
  model: "sim-llama-3-8b",
  maxNumSeqs: 256,
  prefillMsPerToken: 0.05,
  prefillBaseMs: 5,
  decodeStepMs: 20,
  decodeStepMsPerSeq: 0.05,
  defaultMaxTokens: 128,
  streamInterval: 1,
  reasoningTokens: 0,
  maxModelLen: 8192,
  prefixCacheBlocks: 16384,
  kvCacheBlocks: 65536,
  earlyStopRate: 0,
  frontendOverheadMs: 2,
  otlpProtocol: "grpc",
  exportDelayMs: 5000,
  serviceName: "vllm-sim",
  stallMs: 10_000,
  seed: 0,
  maxBodyBytes: 4 * 1024 * 1024,
} as const;

/** A probability in [0, 1]; absent = 0. */
function rate(name: string, value: number | undefined): number {
  return inRange(WHERE, name, value ?? 0, 0, 1);
}

/**
 * Applies defaults and validates; throws a TypeError/RangeError naming the bad option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveOptions } from "./options.ts";
 * const options = resolveOptions({ maxNumSeqs: 4 });
 * assert.deepEqual([options.maxNumSeqs, options.decodeStepMs], [4, 20]); // 20 is the default
 * assert.throws(() => resolveOptions({ port: -1 }), RangeError);
 * ```
 */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const port = inRange(WHERE, "port", options.port ?? 0, 0, 65535, true);
  const protocol = oneOf(WHERE, "otlpProtocol", options.otlpProtocol ?? "grpc", OTLP_PROTOCOLS);
  let endpoint: string | null = null;
  if (options.otlpEndpoint !== undefined && options.otlpEndpoint !== "") {
    try {
      const parsed = new URL(options.otlpEndpoint);
      if (!/^(https?|grpc):$/.test(parsed.protocol)) throw new Error("scheme");
    } catch {
      throw new TypeError(
        optionMessage(
          WHERE,
          "otlpEndpoint",
          "an http://, https:// or grpc:// URL",
          options.otlpEndpoint,
        ),
      );
    }
    endpoint = options.otlpEndpoint;
  }
  const model = nonEmptyString(WHERE, "model", options.model ?? SIMULATOR_DEFAULTS.model);
  const d = SIMULATOR_DEFAULTS;
  /** A number option, or its default, through `check`. */
  const num = (
    check: (where: string, name: string, value: unknown) => number,
    name: keyof SimulatorOptions & keyof typeof d,
  ) => check(WHERE, name, options[name] ?? d[name]);
  const faults = options.faults ?? {};
  return {
    hostname: options.hostname ?? d.hostname,
    port,
    model,
    maxNumSeqs: num(positiveInt, "maxNumSeqs"),
    prefillMsPerToken: num(nonNegative, "prefillMsPerToken"),
    prefillBaseMs: num(nonNegative, "prefillBaseMs"),
    decodeStepMs: num(nonNegative, "decodeStepMs"),
    decodeStepMsPerSeq: num(nonNegative, "decodeStepMsPerSeq"),
    defaultMaxTokens: num(positiveInt, "defaultMaxTokens"),
    streamInterval: num(positiveInt, "streamInterval"),
    reasoningTokens: num(nonNegativeInt, "reasoningTokens"),
    maxModelLen: num(positiveInt, "maxModelLen"),
    prefixCacheBlocks: options.prefixCacheBlocks === 0 ? 0 : num(positiveInt, "prefixCacheBlocks"),
    kvCacheBlocks: num(positiveInt, "kvCacheBlocks"),
    earlyStopRate: rate("earlyStopRate", options.earlyStopRate),
    frontendOverheadMs: num(nonNegative, "frontendOverheadMs"),
    otlpEndpoint: endpoint,
    otlpProtocol: protocol,
    exportDelayMs: num(nonNegative, "exportDelayMs"),
    serviceName: options.serviceName ?? d.serviceName,
    apiKey: options.apiKey ?? null,
    faults: {
      http500Rate: rate("faults.http500Rate", faults.http500Rate),
      streamErrorRate: rate("faults.streamErrorRate", faults.streamErrorRate),
      cutRate: rate("faults.cutRate", faults.cutRate),
      stallRate: rate("faults.stallRate", faults.stallRate),
      stallMs: nonNegative(WHERE, "faults.stallMs", faults.stallMs ?? d.stallMs),
    },
    recordGroundTruth: options.recordGroundTruth ?? false,
    seed: options.seed ?? d.seed,
    maxBodyBytes: num(positiveInt, "maxBodyBytes"),
    log: options.log ?? true,
  };
}
