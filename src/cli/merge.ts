/**
 * `deno task merge DIR [OUT]`: the last step of a run split over several clients (`--shard I/N`,
 * e.g. a Kubernetes Indexed Job, deploy/k8s/bench-job.yaml). Loads every run file of DIR with
 * `loadAll`, which merges the shards of each run id, and writes each merged run as JSON plus one
 * HTML report of them all to OUT (default `DIR/merged`).
 *
 * @module
 */

import { join } from "node:path";
import { loadAll } from "../io/load_all.ts";
import { save } from "../io/save.ts";
import { timestampedName } from "../io/timestamped_name.ts";
import { report } from "../plot/report.ts";

/** What {@link mergeRuns} wrote. */
export interface MergeResult {
  /** The merged run files, one per run id. */
  runs: string[];
  /** The HTML report of all of them. */
  report: string;
}

/**
 * Merges the shard files of `dir` (see `loadAll`) and writes the runs and a report to `outDir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeRuns } from "./merge.ts";
 * import { save } from "../io/save.ts";
 * import { load } from "../io/load.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const dir = await Deno.makeTempDir(); // e.g. the shared volume the shards wrote to
 * for (const index of [0, 1]) {
 *   const shard = makeRun([makeRecord({ run_id: "r", request_id: `q${index}` })], { run_id: "r" });
 *   shard.meta.load.shard = { index, count: 2 };
 *   await save(shard, `${dir}/shard${index}.json`);
 * }
 * const merged = await mergeRuns(dir, `${dir}/merged`);
 * assert.equal((await load(merged.runs[0])).requests.length, 2);
 * assert.match(await Deno.readTextFile(merged.report), /<html/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mergeRuns(dir: string, outDir: string): Promise<MergeResult> {
  const runs = await loadAll(dir);
  if (runs.length === 0) throw new Error(`merge: no run files in ${dir}`);
  const paths: string[] = [];
  for (const run of runs) {
    const name = timestampedName(`${run.meta.label}_${run.meta.run_id}`, "json");
    paths.push(await save(run, join(outDir, name)));
  }
  const reportPath = join(outDir, "report.html");
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(reportPath, await report({ runs, title: "vllm-metrics merged runs" }));
  return { runs: paths, report: reportPath };
}

/** The command line: `merge DIR [OUT]`; prints the files written; exit 2 on a bad command line. */
export async function main(args: string[]): Promise<number> {
  if (args.length < 1 || args.length > 2 || args[0].startsWith("-")) {
    console.error("usage: deno task merge DIR [OUT]  (OUT defaults to DIR/merged)");
    return 2;
  }
  const [dir, out = join(args[0], "merged")] = args;
  const result = await mergeRuns(dir, out);
  for (const path of [...result.runs, result.report]) console.log(path);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
