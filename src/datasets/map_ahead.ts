/**
 * Mapping an iterable through an async function a few items ahead of the consumer, so that the
 * load generator does not wait for, e.g., a prompt's `/tokenize` calls.
 *
 * @module
 */

/**
 * `map` of each item, in order, with up to `ahead` items being mapped before they are asked for.
 * Each iteration starts the items again; leaving it early returns the items' iterator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapAhead } from "./map_ahead.ts";
 * const doubled = mapAhead([1, 2, 3], (n) => Promise.resolve(2 * n), 2);
 * assert.deepEqual(await Array.fromAsync(doubled), [2, 4, 6]);
 * ```
 */
export function mapAhead<T, U>(
  items: Iterable<T>,
  map: (item: T) => Promise<U>,
  ahead: number,
): AsyncIterable<U> {
  return {
    async *[Symbol.asyncIterator]() {
      const iterator = items[Symbol.iterator]();
      const pending: Promise<U>[] = [];
      const fill = () => {
        while (pending.length < ahead) {
          const next = iterator.next();
          if (next.done) return;
          const mapped = map(next.value);
          mapped.catch(() => {}); // awaited in order below; avoids an unhandled rejection meanwhile
          pending.push(mapped);
        }
      };
      try {
        fill();
        while (pending.length > 0) {
          const value = await pending.shift()!;
          fill();
          yield value;
        }
      } finally {
        iterator.return?.();
      }
    },
  };
}
