/**
 * The options of `collect` and their validation: every mistake is a TypeError/RangeError naming
 * the option and its value, thrown before any request is sent.
 *
 * @module
 */

import type { Endpoint, Progress, RequestRecord, RequestSpec } from "../types.ts";
import { checkNumber, describeValue, type NumberRule, ofType } from "../util/options.ts";
import { DEFAULT_MAX_EVENT_CHARS } from "./sse.ts";
import { checkMetadata } from "./metadata.ts";
import { rampRateAt, type RateRamp } from "./schedule.ts";
import { checkConcurrencyRamp, type ConcurrencyRamp } from "./concurrency_ramp.ts";

/** Options of `collect(options)`. */
export interface CollectOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8000` (with or without a trailing `/v1`). */
  url: string;
  /** `"chat"` (default) → /v1/chat/completions, `"completions"` → /v1/completions. */
  endpoint?: Endpoint;
  /** Model name; default `"auto"`: the first id from GET /v1/models. */
  model?: string;
  /** The requests to send, consumed in order (a list or a generator; not cycled). */
  requests: Iterable<RequestSpec> | AsyncIterable<RequestSpec>;
  /** Measured requests (after warmup); default: until `requests` is exhausted. */
  count?: number;
  /** Stop scheduling new requests after this many seconds. */
  durationS?: number;
  /** Max requests in flight (closed loop). */
  concurrency?: number;
  /** Mean requests per second (open loop); combinable with a concurrency cap. */
  rate?: number;
  /** Gamma shape of inter-arrival times; default 1 (Poisson). */
  burstiness?: number;
  /** Raise the rate from a start rate to `rate` over a time (needs a finite `rate`). */
  ramp?: RateRamp;
  /**
   * Raise the in-flight allowance from a start (default 1) to `concurrency` over a time (needs an
   * integer `concurrency`); each record's `load_concurrency` says the allowance it was sent under.
   * Combinable with `ramp` (then both rise).
   */
  concurrencyRamp?: ConcurrencyRamp;
  /** Warmup requests sent (the first spec, repeated) and awaited first, not in the results. Default 0. */
  warmup?: number;
  /** Seed of the arrival schedule; default 0. */
  seed?: number;
  /** Stream responses (SSE); default true. */
  stream?: boolean;
  /** Ask for `stream_options.continuous_usage_stats` → tokens per chunk. */
  continuousUsage?: boolean;
  /** Merged into every body (temperature, top_p, stop, seed, ignore_eos, ...). */
  params?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <apiKey>`; never stored. */
  apiKey?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Total deadline of each request, from sending it to the end of its response → timeout. Default 300000. */
  timeoutMs?: number;
  /** Per request: no headers, or no body bytes, for this long → timeout. Default: timeoutMs. */
  idleTimeoutMs?: number;
  /** Largest response accepted; beyond it → response_too_large, connection dropped. Default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Largest SSE event accepted, in characters; beyond it → event_too_large, connection dropped.
   * Default 8 Mi (8,388,608).
   */
  maxEventChars?: number;
  /**
   * Scrape the server's `/metrics` every this many ms during the measured run and keep vLLM's
   * gauges and counters in `meta.server_metrics` (see `toMetricsTable`); `"off"` (the default)
   * does not scrape. Scrape failures are counted there, never fail or slow the run.
   */
  scrapeInterval?: number | "off";
  /** Send traceparent flag 01 (default true); false sends 00 and vLLM exports no span. */
  sampled?: boolean;
  /** Stop scheduling; in-flight requests finish. */
  signal?: AbortSignal;
  /** Abort in-flight requests too (they become kind "aborted"). */
  abortSignal?: AbortSignal;
  /** Called at most every ~250 ms while running, and once at the end. */
  onProgress?: (p: Progress) => void;
  /**
   * In Deno's Jupyter kernel, show a live progress display, updated in place (done/failed/in
   * flight, tok/s, elapsed, ETA, a TTFT histogram). Default true; outside Jupyter it does nothing.
   */
  progress?: boolean;
  /** Called with each finished measured record. */
  onRecord?: (r: RequestRecord) => void;
  /**
   * Append each finished record to this file as one JSON line, immediately: first
   * `{"type":"meta",...meta}`, then `{"type":"request",...record}` per request, and a closing
   * `{"type":"meta",ended_ms,duration_ms,interrupted}` (docs/FILES.md). The file must be new or
   * empty (a log is never shared by two runs). A failed write does not stop the run: it is
   * returned whole, with `meta.warnings` saying the log is incomplete.
   */
  jsonlPath?: string;
  /** Name of the run (default: the run id). */
  label?: string;
  /** Run id (default: 16 random hex chars). */
  runId?: string;
  /** This client's part of a load split over `count` machines: it sends specs i with i % count === index. */
  shard?: { index: number; count: number };
  /**
   * X-Request-Id = prefix + 16 random hex chars (fresh for every collect call) + `-<index>`
   * (warmups: `warmup-` before it all). Default prefix `vm-`. The random part keeps ids unique across runs,
   * sweep points, shards and machines, which the request-id join relies on.
   */
  requestIdPrefix?: string;
  /** Copied to meta.extra. */
  extra?: Record<string, unknown>;
  /**
   * Tags for the run (`{ gpu: "H100", tp: 2 }`), saved as strings in `meta.metadata` with
   * `vllm_version` from the server's `/version`; `toTable` makes each a column for `groupby`.
   */
  metadata?: Record<string, string | number | boolean>;
}

/** Defaults applied by {@link validateOptions}. */
export const DEFAULTS = {
  endpoint: "chat" as Endpoint,
  model: "auto",
  burstiness: 1,
  warmup: 0,
  seed: 0,
  stream: true,
  timeoutMs: 300_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxEventChars: DEFAULT_MAX_EVENT_CHARS,
  sampled: true,
} as const;

/** Where requests go, with credentials taken out of the URL. */
export interface ServerAddress {
  /** Base URL without credentials, query, trailing slash or `/v1`, e.g. `http://127.0.0.1:8000`. */
  base: string;
  /** Credentials found in the URL (`user:pass@`), to send as Basic auth, or null. */
  basicAuth: string | null;
}

/**
 * Parses and normalises a server URL. Throws a TypeError (without echoing credentials) when it is
 * not an http(s) URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServerUrl } from "./options.ts";
 * assert.equal(parseServerUrl("http://127.0.0.1:8000/v1/").base, "http://127.0.0.1:8000");
 * ```
 */
export function parseServerUrl(url: unknown): ServerAddress {
  if (typeof url !== "string" || url.trim() === "") {
    throw new TypeError(
      `collect: option url must be a non-empty string, got ${describeValue(url)}`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new TypeError(
      `collect: option url is not a valid URL: ${
        JSON.stringify(url.replace(/\/\/[^/@]*@/, "//***@"))
      }`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(
      `collect: option url must use http or https, got ${JSON.stringify(parsed.protocol)}`,
    );
  }
  const basicAuth = parsed.username !== "" || parsed.password !== ""
    ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`
    : null;
  let path = parsed.pathname.replace(/\/+$/, "");
  if (path.endsWith("/v1")) path = path.slice(0, -3);
  return { base: `${parsed.protocol}//${parsed.host}${path}`, basicAuth };
}

/** The API path of an endpoint. */
export function endpointPath(endpoint: Endpoint): string {
  return endpoint === "chat" ? "/v1/chat/completions" : "/v1/completions";
}

/** Where option errors say they come from. */
const WHERE = "collect";

/** Checks a number option when it is given (undefined = the default). */
function checkOptionalNumber(name: string, value: unknown, rule: NumberRule): void {
  if (value !== undefined) checkNumber(WHERE, name, value, rule);
}

/** Checks the type of an option when it is given. */
function checkType(name: string, value: unknown, type: "string" | "boolean" | "function"): void {
  if (value !== undefined) ofType(WHERE, name, value, type);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks every option; throws the first problem as a TypeError or RangeError naming the option
 * and its value. Does not look at the individual request specs (see `validateSpec`).
 */
export function validateOptions(options: CollectOptions): void {
  if (!isPlainObject(options)) {
    throw new TypeError(`collect: options must be an object, got ${describeValue(options)}`);
  }
  parseServerUrl(options.url);
  if (
    options.endpoint !== undefined && options.endpoint !== "chat" &&
    options.endpoint !== "completions"
  ) {
    throw new TypeError(
      `collect: option endpoint must be "chat" or "completions", got ${
        describeValue(options.endpoint)
      }`,
    );
  }
  if (options.model !== undefined && (typeof options.model !== "string" || options.model === "")) {
    throw new TypeError(
      `collect: option model must be a non-empty string or "auto", got ${
        describeValue(options.model)
      }`,
    );
  }
  const requests = options.requests as unknown;
  const iterable = requests !== null && typeof requests === "object" &&
    (typeof (requests as Iterable<unknown>)[Symbol.iterator] === "function" ||
      typeof (requests as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function");
  if (!iterable) {
    throw new TypeError(
      `collect: option requests must be an iterable or async iterable of RequestSpec, got ${
        describeValue(requests)
      }`,
    );
  }
  checkOptionalNumber("count", options.count, { integer: true, min: 0 });
  checkOptionalNumber("durationS", options.durationS, { above: 0 });
  checkOptionalNumber("concurrency", options.concurrency, { integer: true, min: 1 });
  checkOptionalNumber("rate", options.rate, { above: 0, allowInfinity: true });
  checkOptionalNumber("burstiness", options.burstiness, { above: 0, allowInfinity: true });
  if (options.ramp !== undefined) rampRateAt(options.rate ?? Infinity, options.ramp, 0); // checks it
  if (options.concurrencyRamp !== undefined) {
    checkConcurrencyRamp(options.concurrency ?? Infinity, options.concurrencyRamp); // names the bad setting
  }
  checkOptionalNumber("warmup", options.warmup, { integer: true, min: 0 });
  checkOptionalNumber("seed", options.seed, {});
  checkOptionalNumber("timeoutMs", options.timeoutMs, { above: 0 });
  checkOptionalNumber("idleTimeoutMs", options.idleTimeoutMs, { above: 0 });
  checkOptionalNumber("maxResponseBytes", options.maxResponseBytes, { integer: true, min: 1 });
  checkOptionalNumber("maxEventChars", options.maxEventChars, { integer: true, min: 1 });
  if (options.scrapeInterval !== "off") {
    checkOptionalNumber("scrapeInterval", options.scrapeInterval, { above: 0 });
  }
  checkType("stream", options.stream, "boolean");
  checkType("continuousUsage", options.continuousUsage, "boolean");
  checkType("sampled", options.sampled, "boolean");
  checkType("apiKey", options.apiKey, "string");
  checkType("jsonlPath", options.jsonlPath, "string");
  checkType("label", options.label, "string");
  checkType("runId", options.runId, "string");
  checkType("requestIdPrefix", options.requestIdPrefix, "string");
  if (options.requestIdPrefix !== undefined && !/^[\x21-\x7e]*$/.test(options.requestIdPrefix)) {
    throw new TypeError(
      `collect: option requestIdPrefix must be printable ASCII without spaces (it is sent as a header), got ${
        describeValue(options.requestIdPrefix)
      }`,
    );
  }
  checkType("onProgress", options.onProgress, "function");
  checkType("onRecord", options.onRecord, "function");
  checkType("progress", options.progress, "boolean");
  if (options.runId !== undefined && !/^[A-Za-z0-9._-]+$/.test(options.runId)) {
    throw new TypeError(
      `collect: option runId must be letters, digits, '.', '_' or '-', got ${
        describeValue(options.runId)
      }`,
    );
  }
  if (options.metadata !== undefined) checkMetadata(options.metadata, "collect");
  for (const name of ["params", "extra"] as const) {
    if (options[name] !== undefined && !isPlainObject(options[name])) {
      throw new TypeError(
        `collect: option ${name} must be an object, got ${describeValue(options[name])}`,
      );
    }
  }
  if (options.headers !== undefined) {
    if (!isPlainObject(options.headers)) {
      throw new TypeError(
        `collect: option headers must be an object of strings, got ${
          describeValue(options.headers)
        }`,
      );
    }
    for (const [key, value] of Object.entries(options.headers)) {
      if (typeof value !== "string") {
        throw new TypeError(`collect: option headers[${JSON.stringify(key)}] must be a string`);
      }
    }
  }
  for (const name of ["signal", "abortSignal"] as const) {
    if (options[name] !== undefined && !(options[name] instanceof AbortSignal)) {
      throw new TypeError(
        `collect: option ${name} must be an AbortSignal, got ${describeValue(options[name])}`,
      );
    }
  }
  if (options.shard !== undefined) {
    const shard = options.shard;
    if (
      !isPlainObject(shard) || !Number.isInteger(shard.count) || shard.count < 1 ||
      !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count
    ) {
      throw new RangeError(
        `collect: option shard must be {index, count} with integers 0 ≤ index < count, got ${
          JSON.stringify(shard)
        }`,
      );
    }
  }
  if (options.stream === false && options.continuousUsage === true) {
    throw new TypeError(
      "collect: option continuousUsage needs stream: true (vLLM rejects stream_options without stream)",
    );
  }
}
