/**
 * What a run remembers of its dataset: each dataset function attaches a {@link DatasetInfo} to
 * what it returns (a non-enumerable property, so iterating and JSON are unchanged), and `collect`
 * copies it into `meta.dataset`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { DatasetInfo } from "../types.ts";

const INFO = Symbol.for("vllm-metrics.dataset");

/**
 * Attaches `info` to `requests` (an array or iterable of request specs) and returns `requests`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetInfoOf, describeDataset } from "./describe.ts";
 * const specs = describeDataset([{ prompt: "Hi" }], { name: "inline", settings: { count: 1 } });
 * assert.deepEqual(datasetInfoOf(specs), { name: "inline", settings: { count: 1 } });
 * assert.equal(JSON.stringify(specs), '[{"prompt":"Hi"}]');
 * ```
 */
export function describeDataset<T extends object>(requests: T, info: DatasetInfo): T {
  Object.defineProperty(requests, INFO, { value: info, enumerable: false, configurable: true });
  return requests;
}

/**
 * The {@link DatasetInfo} a dataset function attached to `requests`, or null (a plain array).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetInfoOf } from "./describe.ts";
 * assert.equal(datasetInfoOf([{ prompt: "Hi" }]), null);
 * ```
 */
export function datasetInfoOf(requests: unknown): DatasetInfo | null {
  if (requests === null || typeof requests !== "object") return null;
  const info = (requests as Record<symbol, unknown>)[INFO];
  return info === undefined ? null : structuredClone(info as DatasetInfo);
}

/**
 * The SHA-256 of a dataset file's text, as hex: with the path, it says which file a run used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textSha256 } from "./describe.ts";
 * assert.equal(textSha256("").slice(0, 8), "e3b0c442");
 * ```
 */
export function textSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
