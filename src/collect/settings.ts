/**
 * collect's settings: its options with defaults applied, the credentials split out of them, and
 * the load shape recorded in `meta.load`.
 *
 * @module
 */

import type { Endpoint, LoadSpec } from "../types.ts";
import { type CollectOptions, DEFAULTS, parseServerUrl, type ServerAddress } from "./options.ts";
import { randomHex } from "./traceparent.ts";
import { type RequestIds, requestIds } from "./request_id.ts";

/** Header names whose values are secrets, scrubbed from error messages. */
const HEADER_SECRET = /auth|key|token|secret|cookie|password/i;

/** A checked {@link CollectOptions} with every default applied. */
export interface CollectSettings {
  endpoint: Endpoint;
  address: ServerAddress;
  stream: boolean;
  timeoutMs: number;
  idleTimeoutMs: number;
  warmup: number;
  burstiness: number;
  seed: number;
  runId: string;
  ids: RequestIds;
  /** Max requests in flight; undefined = unlimited. */
  concurrency: number | undefined;
  /** Headers sent with every request: the caller's, plus authorization. */
  headers: Record<string, string>;
  /** Strings scrubbed from error messages and response ids. */
  secrets: string[];
}

/**
 * The settings of a run from its (already validated) options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveSettings } from "./settings.ts";
 * const settings = resolveSettings({ url: "http://u:pw@127.0.0.1:8000/v1", requests: [] });
 * assert.equal(settings.address.base, "http://127.0.0.1:8000");
 * assert.equal(settings.headers.authorization, `Basic ${btoa("u:pw")}`);
 * assert.deepEqual(settings.secrets, ["u", "pw"]);
 * assert.equal(settings.idleTimeoutMs, settings.timeoutMs); // idle defaults to the total
 * ```
 */
export function resolveSettings(options: CollectOptions): CollectSettings {
  const address = parseServerUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  return {
    endpoint: options.endpoint ?? DEFAULTS.endpoint,
    address,
    stream: options.stream ?? DEFAULTS.stream,
    timeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? timeoutMs,
    warmup: options.warmup ?? DEFAULTS.warmup,
    burstiness: options.burstiness ?? DEFAULTS.burstiness,
    seed: options.seed ?? DEFAULTS.seed,
    runId: options.runId ?? randomHex(8),
    ids: requestIds(options.requestIdPrefix),
    concurrency: options.concurrency,
    ...credentials(options, address),
  };
}

/** The headers to send (authorization added) and the secrets they and the URL hold. */
function credentials(
  options: CollectOptions,
  address: ServerAddress,
): { headers: Record<string, string>; secrets: string[] } {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const secrets: string[] = [];
  if (options.apiKey !== undefined && options.apiKey !== "") {
    headers.authorization = `Bearer ${options.apiKey}`;
    secrets.push(options.apiKey);
  } else if (address.basicAuth !== null) {
    headers.authorization = `Basic ${btoa(address.basicAuth)}`;
  }
  if (address.basicAuth !== null) secrets.push(...address.basicAuth.split(":").filter((s) => s));
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (HEADER_SECRET.test(name) && value.length >= 4) secrets.push(value);
  }
  return { headers, secrets };
}

/**
 * The load shape written to `meta.load`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSpecOf, resolveSettings } from "./settings.ts";
 * const options = { url: "http://127.0.0.1:8000", requests: [], rate: 20, count: 100 };
 * assert.deepEqual(loadSpecOf(options, resolveSettings(options)), {
 *   burstiness: 1, warmup: 0, seed: 0, rate: 20, requests: 100,
 * });
 * ```
 */
export function loadSpecOf(options: CollectOptions, settings: CollectSettings): LoadSpec {
  const { burstiness, warmup, seed, concurrency } = settings;
  const load: LoadSpec = { burstiness, warmup, seed };
  if (concurrency !== undefined) load.concurrency = concurrency;
  if (options.rate !== undefined) load.rate = options.rate;
  if (options.count !== undefined) load.requests = options.count;
  if (options.durationS !== undefined) load.duration_s = options.durationS;
  if (options.shard !== undefined) load.shard = { ...options.shard };
  if (options.ramp !== undefined && options.rate !== undefined) {
    const { shape, durationS, startRate = options.rate / 10 } = options.ramp;
    load.ramp = { shape, duration_s: durationS, start_rate: startRate };
  }
  if (options.concurrencyRamp !== undefined && concurrency !== undefined) {
    const { shape, durationS, startConcurrency = 1 } = options.concurrencyRamp;
    load.concurrency_ramp = { shape, duration_s: durationS, start_concurrency: startConcurrency };
  }
  return load;
}
