/**
 * Where bench puts one run's files so that no two runs ever share a file: names carry the run
 * id, the crash-safe log is created exclusively, and a run file is never renamed over another
 * (a `-2`, `-3`… suffix is added instead).
 *
 * @module
 */

import { join } from "node:path";
import type { LoadSpec, Run } from "../types.ts";
import { save } from "../io/save.ts";
import { atomicWrite } from "../io/atomic_write.ts";
import { timestampedName } from "../io/timestamped_name.ts";

/** Suffixes tried before giving up on finding a free name. */
const MAX_SUFFIX = 1000;

/**
 * `<out>/<UTC time>_<label>[-shardIofN]_<run id>` (no extension): shards of one run and runs
 * started in the same second under the same label get distinct names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFileBase } from "./run_files.ts";
 * const base = runFileBase("runs", "bench", { burstiness: 1, warmup: 0, seed: 0 }, "1f2e", new Date(0));
 * assert.equal(base, "runs/1970-01-01T00-00-00Z_bench_1f2e");
 * ```
 */
export function runFileBase(
  out: string,
  label: string,
  load: LoadSpec,
  runId: string,
  now: Date = new Date(),
): string {
  const shard = load.shard ? `-shard${load.shard.index}of${load.shard.count}` : "";
  const name = timestampedName(`${label}${shard}_${runId}`, "json", now);
  return join(out, name.replace(/\.json$/, ""));
}

/** `base`, then `base-2`, `base-3`, … */
function* candidates(base: string): Generator<string> {
  yield base;
  for (let n = 2; n <= MAX_SUFFIX; n++) yield `${base}-${n}`;
}

/**
 * Creates `<base>.jsonl` exclusively (empty) and returns its path; when a file of that name
 * exists, `<base>-2.jsonl` and so on. The log collect then writes is this run's alone.
 */
export async function claimJsonl(base: string): Promise<string> {
  for (const candidate of candidates(base)) {
    const path = `${candidate}.jsonl`;
    try {
      (await Deno.open(path, { write: true, createNew: true })).close();
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) {
        throw new Error(`cannot create the JSONL log ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }
  throw new Error(`no free name for the JSONL log near ${base}.jsonl`);
}

/**
 * Saves `run` as `<base>.<ext>` without replacing any file: an existing name gets a `-2`, `-3`…
 * suffix. Returns the path written.
 */
export async function saveNew(run: Run, base: string, ext: "json" | "csv"): Promise<string> {
  for (const candidate of candidates(base)) {
    try {
      return await save(run, `${candidate}.${ext}`, { overwrite: false });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
  throw new Error(`no free name for ${base}.${ext}`);
}

/** Writes `text` to `<base>.<ext>` atomically without replacing any file (suffix as above). */
export async function writeNew(base: string, ext: string, text: string): Promise<string> {
  for (const candidate of candidates(base)) {
    const path = `${candidate}.${ext}`;
    try {
      await atomicWrite(path, [text], { overwrite: false });
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
  throw new Error(`no free name for ${base}.${ext}`);
}
