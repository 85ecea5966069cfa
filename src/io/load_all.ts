/**
 * Loading every run file in a directory (or a list of files), merging the shards of a run that
 * was split over several clients.
 *
 * @module
 */

import { extname, join } from "node:path";
import type { RequestRecord, Run } from "../types.ts";
import { EXTENSIONS } from "./file_format.ts";
import { load, type LoadOptions } from "./load.ts";
import { showRun } from "../display/show_run.ts";

/**
 * Loads all `.json`, `.jsonl` and `.csv` files of a directory (not recursive; hidden files and
 * temp files skipped; name order), or the given paths. Files with the same `run_id` are the
 * shards of one run (`meta.load.shard`) and are merged into one: requests concatenated, ordered
 * by start time and re-indexed 0…n−1; started_ms/ended_ms the union, duration_ms = ended − started,
 * `interrupted` if any shard was, `load.shard` removed and `load.requests` summed. Two files
 * holding the same shard of the same run (e.g. `run.jsonl` streamed by collect and `run.json`
 * saved after) are copies: the one with more requests is kept. Runs come in order of first file.
 * `options` go to every {@link load}: `{ salvage: true }` reads past a crashed run's cut-off
 * last line instead of failing the whole call.
 *
 * @example
 * ```ts
 * import { loadAll } from "./load_all.ts";
 * const runs = await loadAll("runs/");
 * console.log(runs.map((r) => `${r.meta.label}: ${r.requests.length}`));
 * ```
 */
export async function loadAll(
  dirOrPaths: string | string[],
  options: LoadOptions = {},
): Promise<Run[]> {
  const paths = typeof dirOrPaths === "string" ? await runFiles(dirOrPaths) : [...dirOrPaths];
  const byRun = new Map<string, Map<string, Run>>();
  for (const path of paths) {
    const run = await load(path, options);
    const shard = run.meta.load?.shard ? String(run.meta.load.shard.index) : "whole";
    const shards = byRun.get(run.meta.run_id) ?? new Map<string, Run>();
    byRun.set(run.meta.run_id, shards);
    const copy = shards.get(shard);
    if (!copy || run.requests.length > copy.requests.length) shards.set(shard, run);
  }
  return [...byRun.values()].map((shards) => {
    const parts = [...shards.values()];
    return parts.length === 1 ? parts[0] : showRun(mergeShards(parts));
  });
}

/** The run files in `dir`, by name. */
async function runFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || entry.name.startsWith(".")) continue;
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
