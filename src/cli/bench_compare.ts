/**
 * `deno task bench --compare A.json B.json`: compares two saved runs and prints the table of
 * differences with their bootstrap confidence intervals (no benchmark is run).
 *
 * @module
 */

import type { Slo } from "../types.ts";
import { load } from "../io/load.ts";
import { compareRuns } from "../compare/compare_runs.ts";
import { formatComparison } from "../compare/compare_display.ts";
import { DEFAULT_RESAMPLES } from "../compare/compare_runs.ts";

/** What `--compare` uses of the command line. */
export interface CompareFilesOptions {
  /** SLOs for goodput (`--slo`); `{}` for none. */
  slo: Slo;
  /** `--seed` (default 0). */
  seed: number;
}

/**
 * The comparison of the runs saved at `pathA` and `pathB` (any format `load` reads), as the text
 * bench prints: B − A per statistic, its 95 % bootstrap interval and a verdict.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareFiles } from "./bench_compare.ts";
 * import { save } from "../io/save.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   const runOf = (ttft: number) =>
 *     makeRun(Array.from({ length: 30 }, (_, i) => makeRecord({ index: i, ttft_ms: ttft + (i % 3) })));
 *   await save(runOf(30), `${dir}/a.json`); // in real use, two runs bench saved
 *   await save(runOf(20), `${dir}/b.json`);
 *   const text = await compareFiles(`${dir}/a.json`, `${dir}/b.json`, { slo: {}, seed: 0 });
 *   assert.match(text, /^TTFT +mean +31 +21 +-10 .* B lower$/m);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function compareFiles(
  pathA: string,
  pathB: string,
  options: CompareFilesOptions,
): Promise<string> {
  const [a, b] = await Promise.all([load(pathA), load(pathB)]);
  const slo = Object.keys(options.slo).length > 0 ? options.slo : undefined;
  const table = compareRuns(a, b, { slo, seed: options.seed, resamples: DEFAULT_RESAMPLES });
  return formatComparison(table, {
    resamples: DEFAULT_RESAMPLES,
    confidence: 0.95,
    seed: options.seed,
    labelA: `${pathA} (${a.requests.length} requests)`,
    labelB: `${pathB} (${b.requests.length} requests)`,
  });
}
