/**
 * X-Request-Id values that no other request shares: across runs, sweep points, shards and
 * machines. vLLM copies the header into the span's `gen_ai.request.id`, and `enrich` falls back
 * to that attribute when the trace id finds nothing, so two requests with one id could be
 * joined to each other's span. An id is never derived from the run id (a prefix of it is shared
 * by `llama70b-exp1` and `llama70b-exp2`, and by every shard and sweep point of one run): each
 * `collect` call draws 64 random bits of its own.
 *
 * @module
 */
import { randomHex } from "./traceparent.ts";

/** Default text before the random part. */
export const DEFAULT_REQUEST_ID_PREFIX = "vm-";

/** Makes the X-Request-Id of each request of one `collect` call. */
export interface RequestIds {
  /** The id of measured request `index`: `<prefix><16 hex>-<index>`. */
  measured(index: number): string;
  /** The id of warmup request `index`: `warmup-<prefix><16 hex>-<index>`. */
  warmup(index: number): string;
}

/**
 * Request ids for one `collect` call: the prefix, 16 random hex chars (crypto RNG, drawn once
 * per call) and the request's index. Two calls share an id with probability ~2⁻⁶⁴.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestIds } from "./request_id.ts";
 * const ids = requestIds();
 * assert.match(ids.measured(7), /^vm-[0-9a-f]{16}-7$/);
 * assert.notEqual(requestIds().measured(0), ids.measured(0));
 * ```
 */
export function requestIds(prefix: string = DEFAULT_REQUEST_ID_PREFIX): RequestIds {
  const base = `${prefix}${randomHex(8)}`;
  return {
    measured: (index) => `${base}-${index}`,
    warmup: (index) => `warmup-${base}-${index}`,
  };
}
