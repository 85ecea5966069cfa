/**
 * File names that sort by time and say what the run was.
 *
 * @module
 */

/**
 * `<UTC time>_<label>.<ext>` with the time as `2026-11-27T23-59-01Z` (no colons, so it is a valid
 * file name everywhere). The label keeps letters, digits, `.`, `_` and `-`; other runs of
 * characters become `_`; it is cut to 80 characters and defaults to `run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timestampedName } from "./timestamped_name.ts";
 * assert.equal(
 *   timestampedName("opt 125m/c=8", "json", new Date("2026-11-27T23:59:01.5Z")),
 *   "2026-11-27T23-59-01Z_opt_125m_c_8.json",
 * );
 * ```
 */
export function timestampedName(label: string, ext: string, now: Date = new Date()): string {
  const time = now.toISOString().slice(0, 19).replaceAll(":", "-") + "Z";
  const clean = String(label ?? "")
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|_+$/g, "")
    .slice(0, 80) || "run";
  const extension = String(ext).replace(/^\.+/, "");
  if (!/^[A-Za-z0-9]+$/.test(extension)) {
    throw new TypeError(
      `timestampedName: ext must be letters/digits like "json", got ${JSON.stringify(ext)}`,
    );
  }
  return `${time}_${clean}.${extension}`;
}
