/**
 * The user's tags for a run (`metadata` in collect, `--metadata key=value` in the CLI): GPU,
 * tensor parallelism, `max-num-seqs`, ... saved in `meta.metadata`, plus vLLM's version from its
 * `/version` endpoint when the server has one.
 *
 * @module
 */

/** A tag name: a letter or `_`, then letters, digits, `_`, `.` or `-` (usable as a column name). */
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** The key under which vLLM's `/version` answer is saved (unless the user gave one). */
export const VLLM_VERSION_KEY = "vllm_version";

/**
 * Checks `metadata` and returns it with every value as a string; throws a `TypeError` naming the
 * bad key or value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkMetadata } from "./metadata.ts";
 * assert.deepEqual(checkMetadata({ gpu: "H100", tp: 2, eager: false }, "collect"), {
 *   gpu: "H100", tp: "2", eager: "false",
 * });
 * assert.throws(() => checkMetadata({ "bad key": 1 }, "collect"), /metadata key "bad key"/);
 * ```
 */
export function checkMetadata(metadata: unknown, where: string): Record<string, string> {
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new TypeError(`${where}: metadata must be an object of tags, got ${String(metadata)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!KEY.test(key)) {
      throw new TypeError(
        `${where}: metadata key ${
          JSON.stringify(key)
        } must be a letter or _ then letters, digits, _ . - (at most 64)`,
      );
    }
    if (!["string", "number", "boolean"].includes(typeof value)) {
      throw new TypeError(
        `${where}: metadata.${key} must be a string, number or boolean, got ${
          value === null ? "null" : typeof value
        }`,
      );
    }
    out[key] = String(value);
  }
  return out;
}

/**
 * Parses the CLI's `--metadata key=value` flags (repeatable) into tags; throws a `TypeError`
 * naming the bad flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMetadataFlags } from "./metadata.ts";
 * assert.deepEqual(parseMetadataFlags(["gpu=H100", "max-num-seqs=256"]), {
 *   gpu: "H100", "max-num-seqs": "256",
 * });
 * assert.throws(() => parseMetadataFlags(["gpu"]), /--metadata gpu: expected key=value/);
 * ```
 */
export function parseMetadataFlags(flags: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf("=");
    if (at <= 0) throw new TypeError(`--metadata ${flag}: expected key=value, e.g. gpu=H100`);
    tags[flag.slice(0, at)] = flag.slice(at + 1);
  }
  return checkMetadata(tags, "--metadata");
}

/**
 * vLLM's version from `GET <base>/version` (`{"version": "0.11.0"}`), or null when the server
 * has no such endpoint, does not answer within `timeoutMs`, or answers something else: the
 * version is a nicety and never stops a run.
 */
export async function fetchServerVersion(
  base: string,
  headers: Record<string, string>,
  timeoutMs = 2_000,
): Promise<string | null> {
  try {
    const response = await fetch(`${base.replace(/\/+$/, "")}/version`, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const body = await response.json() as { version?: unknown };
    return typeof body?.version === "string" && body.version.length <= 100 ? body.version : null;
  } catch {
    return null;
  }
}

/**
 * The run's tags: the user's, plus `vllm_version` from the server's `/version` when the user did
 * not set it and the server answers.
 */
export async function runMetadata(
  user: Record<string, string>,
  base: string,
  headers: Record<string, string>,
): Promise<Record<string, string>> {
  if (user[VLLM_VERSION_KEY] !== undefined) return { ...user };
  const version = await fetchServerVersion(base, headers);
  return version === null ? { ...user } : { ...user, [VLLM_VERSION_KEY]: version };
}
