/**
 * Where collect's request specs come from: a list or a (possibly async) generator, pulled one
 * by one, keeping only this shard's share, each checked as it is pulled.
 *
 * @module
 */

import type { Endpoint, RequestSpec } from "../types.ts";
import { validateSpec } from "./body.ts";

/** This client's part of a load split over several machines (`CollectOptions.shard`). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Pulls specs one by one from a sync or async iterable, keeping this shard's share.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SpecSource } from "./spec_source.ts";
 * const specs = ["a", "b", "c", "d"].map((prompt) => ({ prompt, max_tokens: 1 }));
 * const source = new SpecSource(specs, "chat", { index: 1, count: 2 });
 * assert.equal((await source.peek())?.prompt, "b");
 * assert.equal((await source.next())?.prompt, "b");
 * assert.equal((await source.next())?.prompt, "d");
 * assert.equal(await source.next(), undefined);
 * ```
 */
export class SpecSource {
  readonly #iterator: Iterator<RequestSpec> | AsyncIterator<RequestSpec>;
  readonly #shard: Shard | undefined;
  readonly #endpoint: Endpoint;
  #position = 0;
  #peeked: RequestSpec | undefined;
  #hasPeeked = false;

  /** Reads `requests` lazily; specs of other shards are skipped unchecked. */
  constructor(
    requests: Iterable<RequestSpec> | AsyncIterable<RequestSpec>,
    endpoint: Endpoint,
    shard?: Shard,
  ) {
    const asyncIterable = requests as AsyncIterable<RequestSpec>;
    this.#iterator = typeof asyncIterable[Symbol.asyncIterator] === "function"
      ? asyncIterable[Symbol.asyncIterator]()
      : (requests as Iterable<RequestSpec>)[Symbol.iterator]();
    this.#shard = shard;
    this.#endpoint = endpoint;
  }

  /** The next spec without consuming it. */
  async peek(): Promise<RequestSpec | undefined> {
    if (!this.#hasPeeked) {
      this.#peeked = await this.#pull();
      this.#hasPeeked = true;
    }
    return this.#peeked;
  }

  /** The next spec, consumed; undefined when the source is exhausted. */
  async next(): Promise<RequestSpec | undefined> {
    const spec = await this.peek();
    this.#hasPeeked = false;
    this.#peeked = undefined;
    return spec;
  }

  /** Lets a generator run its cleanup (`finally`). */
  async close(): Promise<void> {
    await this.#iterator.return?.();
  }

  async #pull(): Promise<RequestSpec | undefined> {
    for (;;) {
      const result = await this.#iterator.next();
      if (result.done) return undefined;
      const position = this.#position++;
      if (this.#shard !== undefined && result.value?.conversation !== undefined) {
        // A skipped turn would never be answered: its conversation would wait for ever.
        throw new TypeError(
          `requests[${position}] is a conversation's turn: conversations cannot be split by shard`,
        );
      }
      if (this.#shard !== undefined && position % this.#shard.count !== this.#shard.index) continue;
      validateSpec(result.value, this.#endpoint, `requests[${position}]`);
      return result.value;
    }
  }
}

/**
 * Checks every spec of this shard up front when `requests` is a list (a generator's specs are
 * checked as they are pulled), so a bad one fails the run before anything is sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateListedSpecs } from "./spec_source.ts";
 * assert.throws(() => validateListedSpecs([{ prompt: "ok" }, { max_tokens: 1 }], "chat"), /requests\[1\]/);
 * ```
 */
export function validateListedSpecs(
  requests: Iterable<RequestSpec> | AsyncIterable<RequestSpec>,
  endpoint: Endpoint,
  shard?: Shard,
): void {
  if (!Array.isArray(requests)) return;
  const specs = requests as unknown[];
  for (let i = 0; i < specs.length; i++) {
    if (shard === undefined || i % shard.count === shard.index) {
      validateSpec(specs[i], endpoint, `requests[${i}]`);
    }
  }
}

/**
 * How many of `length` listed specs fall to this shard.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countShare } from "./spec_source.ts";
 * assert.equal(countShare(10), 10);
 * assert.equal(countShare(10, { index: 1, count: 4 }), 3); // 1, 5, 9
 * ```
 */
export function countShare(length: number, shard?: Shard): number {
  if (shard === undefined) return length;
  return Math.max(0, Math.ceil((length - shard.index) / shard.count));
}
