/**
 * Spans as one JSON string, for passing a batch from the receiver worker to the main thread:
 * a string is copied, not walked, by `postMessage`, so the main thread pays for decoding only when
 * it reads the spans. Non-finite attribute numbers (OTLP doubles may be NaN or ±Infinity) survive.
 *
 * @module
 */
import type { ServerSpan } from "../types.ts";

/** A batch of spans as JSON; `tagged` says whether decoding must undo tags (see below). */
export interface EncodedSpanBatch {
  /** The spans as a JSON array. */
  json: string;
  /** How many spans. */
  count: number;
  /**
   * True when a non-finite number was written as `{"\u0000number": "NaN"}` (etc.) or an object
   * key starting with NUL was escaped by one more NUL, so the tag cannot be forged by an attribute.
   */
  tagged: boolean;
}

/** Key of the object standing for a non-finite number. */
const NUMBER_TAG = "\u0000number";

/**
 * Encodes spans as JSON, keeping NaN and ±Infinity.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSpanBatch, encodeSpanBatch } from "./span_batch.ts";
 * import type { ServerSpan } from "../types.ts";
 * const span = { name: "llm_request", attributes: { ratio: NaN, big: Infinity, n: 3 } };
 * const batch = encodeSpanBatch([span as unknown as ServerSpan]);
 * assert.equal(batch.tagged, true);
 * assert.deepEqual(decodeSpanBatch(batch), [span]);
 * ```
 */
export function encodeSpanBatch(spans: readonly ServerSpan[]): EncodedSpanBatch {
  let tagged = false;
  const json = JSON.stringify(spans, (_key, value) => {
    if (typeof value === "number" && !Number.isFinite(value)) {
      tagged = true;
      return { [NUMBER_TAG]: String(value) };
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const escaped = renameKeys(value, (key) => key.startsWith("\u0000") ? "\u0000" + key : key);
      if (escaped !== value) tagged = true;
      return escaped;
    }
    return value;
  });
  return { json, count: spans.length, tagged };
}

/** Decodes an {@link encodeSpanBatch} result (a plain JSON.parse unless it is tagged). */
export function decodeSpanBatch(batch: EncodedSpanBatch): ServerSpan[] {
  if (!batch.tagged) return JSON.parse(batch.json) as ServerSpan[];
  return JSON.parse(batch.json, (_key, value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NUMBER_TAG) return Number(value[NUMBER_TAG]);
    return renameKeys(value, (key) => key.startsWith("\u0000\u0000") ? key.slice(1) : key);
  }) as ServerSpan[];
}

/** `object` with keys renamed by `rename` (the same object when no key changes). */
function renameKeys(
  object: Record<string, unknown>,
  rename: (key: string) => string,
): Record<string, unknown> {
  const keys = Object.keys(object);
  if (keys.every((key) => rename(key) === key)) return object;
  return Object.fromEntries(keys.map((key) => [rename(key), object[key]]));
}
