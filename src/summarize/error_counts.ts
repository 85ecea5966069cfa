/**
 * Failed requests counted by error kind, for the summary and the terminal.
 *
 * @module
 */

import type { Indexable } from "./columns.ts";

/**
 * The failed requests (`success` not `true`) among `rows`, counted by their `error_kind`, as
 * text: `"http_error 2, timeout 1"`, most frequent first (ties by name); a failed request without
 * a kind counts as `unknown`. Null when none failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorCounts } from "./error_counts.ts";
 * const success = [true, false, false, false];
 * const kind = [null, "timeout", "http_error", "http_error"];
 * assert.equal(errorCounts(success, kind, Uint32Array.of(0, 1, 2, 3)), "http_error 2, timeout 1");
 * assert.equal(errorCounts(success, kind, Uint32Array.of(0)), null);
 * ```
 */
export function errorCounts(
  success: Indexable,
  errorKind: Indexable | null,
  rows: Uint32Array,
): string | null {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (success[row] === true) continue;
    const kind = errorKind?.[row];
    const name = typeof kind === "string" && kind !== "" ? kind : "unknown";
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
}
