/**
 * Loading every run file in a directory (or a list of files), merging the shards of a run that
 * was split over several clients.
 *
 * @module
 */

import { extname, join } from "node:path";
import type { RequestRecord, Run } from "../types.ts";
import { EXTENSIONS } from "./file_format.ts";
import { isChunkTable } from "./columnar_format.ts";
import { type LoadOptions, loadRuns } from "./load.ts";
import { NotARunFileError } from "./errors.ts";
import { showRun } from "../display/show_run.ts";

/**
 * Loads all run files of a directory (`.json`, `.jsonl`, `.csv`, `.parquet`, `.arrow`, `.yaml`,
 * `.yml`; not recursive; hidden files, temp files and the `.chunks.` tables of columnar files
 * skipped, and so, with a warning, are files holding no run at all, such as a config YAML; name
 * order), or the given paths (each must be a run file). Other tools' result files are read too (see
 * {@link load}); a GuideLLM report gives one run per benchmark. Files with the same `run_id` are the
 * shards of one run (`meta.load.shard`) and are merged into one: requests concatenated, ordered
 * by start time and re-indexed 0…n−1; started_ms/ended_ms the union, duration_ms = ended − started,
 * `interrupted` if any shard was, `load.shard` removed and `load.requests` summed. Two files
 * holding the same shard of the same run (same run_id, shard, created_at and started_ms, e.g.
 * `run.jsonl` streamed by collect and `run.json` saved after) are copies: the one with more
 * requests is kept. Two different unsharded runs that share a run_id (e.g. `--run-id` reused) are
 * both returned, and `options.onWarning` (default: console.warn) names both files; two different
 * runs of the same shard cannot be merged safely and throw an Error naming both files. Runs come
 * in order of first file. `options` go to every {@link load}: `{ salvage: true }` reads past a
 * crashed run's cut-off last line instead of failing the whole call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadAll } from "./load_all.ts";
 * import { save } from "./save.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const dir = await Deno.makeTempDir();
 * await save(makeRun([makeRecord({ run_id: "a" })], { label: "baseline" }), `${dir}/a.json`);
 * await save(makeRun([makeRecord({ run_id: "b" })], { label: "tuned" }), `${dir}/b.csv`);
 * const runs = await loadAll(dir);
 * assert.deepEqual(runs.map((r) => `${r.meta.label}: ${r.requests.length}`), [
 *   "baseline: 1",
 *   "tuned: 1",
 * ]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadAll(
  dirOrPaths: string | string[],
  options: LoadAllOptions = {},
): Promise<Run[]> {
  const scanned = typeof dirOrPaths === "string";
  const paths = scanned ? await runFiles(dirOrPaths) : [...dirOrPaths];
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  // run_id → the runs under it (usually one); each run is its files by shard.
  const byRun = new Map<string, Map<string, Loaded>[]>();
  const order: Map<string, Loaded>[] = [];
  const loaded: Loaded[] = [];
  for (const path of paths) {
    for (const run of await runsIn(path, scanned, options.salvage, warn)) {
      loaded.push({ run, path });
    }
  }
  for (const { run, path } of loaded) {
    const shard = run.meta.load?.shard ? String(run.meta.load.shard.index) : "whole";
    const groups = byRun.get(run.meta.run_id) ?? [];
    byRun.set(run.meta.run_id, groups);
    const copyOf = groups.find((g) => g.has(shard) && sameRun(g.get(shard)!.run, run));
    if (copyOf) {
      if (run.requests.length > copyOf.get(shard)!.run.requests.length) {
        copyOf.set(shard, { run, path });
      }
      continue;
    }
    const clash = groups.find((g) => g.has(shard));
    if (clash && shard !== "whole") {
      const seen = clash.get(shard)!;
      throw new Error(
        `loadAll: ${seen.path} and ${path} are different runs of shard ${shard} of run ` +
          `${run.meta.run_id} (started ${new Date(seen.run.meta.started_ms).toISOString()} and ` +
          `${new Date(run.meta.started_ms).toISOString()}): cannot tell which to merge`,
      );
    }
    if (clash) {
      warn(
        `loadAll: ${clash.get(shard)!.path} and ${path} are different runs with the same ` +
          `run_id ${run.meta.run_id}; both are returned`,
      );
    }
    // Another shard of a run already seen joins it; anything else starts a run of its own.
    const joins = clash ? undefined : groups.find((g) => shard !== "whole" && !g.has("whole"));
    const group = joins ?? new Map<string, Loaded>();
    if (!joins) {
      groups.push(group);
      order.push(group);
    }
    group.set(shard, { run, path });
  }
  return order.map((shards) => {
    const parts = [...shards.values()].map((part) => part.run);
    return parts.length === 1 ? parts[0] : showRun(mergeShards(parts));
  });
}

/**
 * The runs of one file. A file found in a folder that holds no run at all (a config YAML, a
 * package.json) is skipped with a warning; one named by the caller throws.
 */
async function runsIn(
  path: string,
  scanned: boolean,
  salvage: boolean | undefined,
  warn: (message: string) => void,
): Promise<Run[]> {
  try {
    return await loadRuns(path, { salvage });
  } catch (error) {
    if (!scanned || !(error instanceof NotARunFileError)) throw error;
    warn(`loadAll: skipped ${error.message}`);
    return [];
  }
}

/** Options of {@link loadAll}: those of {@link load}, and where warnings go. */
export interface LoadAllOptions extends LoadOptions {
  /**
   * Receives the warnings (two runs sharing a run_id, a file in the folder that is no run);
   * default console.warn.
   */
  onWarning?: (message: string) => void;
}

/** A loaded run and the file it came from. */
interface Loaded {
  run: Run;
  path: string;
}

/** Whether two files hold the same run (copies: e.g. the streamed .jsonl and the saved .json). */
function sameRun(a: Run, b: Run): boolean {
  return a.meta.created_at === b.meta.created_at && a.meta.started_ms === b.meta.started_ms;
}

/** The run files in `dir`, by name. */
async function runFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || entry.name.startsWith(".")) continue;
    if (isChunkTable(entry.name)) continue;
    if (EXTENSIONS[extname(entry.name).toLowerCase()]) names.push(entry.name);
  }
  return names.sort().map((name) => join(dir, name));
}

/**
 * One run from shards of the same run_id (see {@link loadAll}); the first shard by index gives
 * the rest of the meta.
 */
export function mergeShards(shards: Run[]): Run {
  const ordered = [...shards].sort((a, b) =>
    (a.meta.load?.shard?.index ?? -1) - (b.meta.load?.shard?.index ?? -1)
  );
  const first = ordered[0].meta;
  const requests: RequestRecord[] = ordered.flatMap((run) => run.requests);
  const position = new Map(requests.map((r, i) => [r, i]));
  requests.sort((a, b) => a.start_ms - b.start_ms || position.get(a)! - position.get(b)!);
  const reindexed = requests.map((record, index) => ({ ...record, index }));
  let started = Infinity;
  let ended = -Infinity;
  for (const { meta } of ordered) {
    started = Math.min(started, meta.started_ms);
    ended = Math.max(ended, meta.ended_ms);
  }
  const { shard: _shard, ...load } = first.load ?? {};
  const counts = ordered.map((run) => run.meta.load?.requests);
  return {
    meta: {
      ...first,
      load: {
        ...load,
        requests: counts.every((c) => typeof c === "number")
          ? counts.reduce((sum, c) => sum! + c!, 0)
          : undefined,
      } as Run["meta"]["load"],
      started_ms: started,
      ended_ms: ended,
      duration_ms: ended - started,
      interrupted: ordered.some((run) => run.meta.interrupted),
      prometheus: ordered.find((run) => run.meta.prometheus)?.meta.prometheus ?? null,
    },
    requests: reindexed,
  };
}
