/**
 * The runs' tags (`meta.metadata`) as per-row columns of the requests table, so that
 * `summarize(table, { groupby: "gpu" })` compares runs by any tag.
 *
 * @module
 */

import type { Run } from "../types.ts";

/**
 * One string column per tag key found in any run's `meta.metadata` (sorted by key; null in rows
 * of runs without that tag). A key that is already a column name (`existing`) gets the prefix
 * `meta_`, so a tag never hides a measured column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metadataColumns } from "./metadata_columns.ts";
 * import { makeRecord, makeRun } from "./_fixtures.ts";
 * const a = makeRun([makeRecord(), makeRecord({ index: 1 })], { metadata: { gpu: "H100" } });
 * const b = makeRun([makeRecord()], { metadata: { gpu: "A100", label: "x" } });
 * assert.deepEqual(metadataColumns([a, b], ["label"]), {
 *   gpu: ["H100", "H100", "A100"],
 *   meta_label: [null, null, "x"],
 * });
 * ```
 */
export function metadataColumns(
  runs: Run[],
  existing: string[],
): Record<string, (string | null)[]> {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.meta.metadata ?? {})))].sort();
  const taken = new Set(existing);
  const columns: Record<string, (string | null)[]> = {};
  for (const key of keys) {
    const values: (string | null)[] = [];
    for (const run of runs) {
      const tag = run.meta.metadata?.[key] ?? null;
      for (let i = 0; i < run.requests.length; i++) values.push(tag);
    }
    columns[taken.has(key) ? `meta_${key}` : key] = values;
  }
  return columns;
}
