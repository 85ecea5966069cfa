/**
 * Accepts one run or several where a function takes `Run | Run[]`.
 *
 * @module
 */

import type { Run } from "../types.ts";

/** `input` as a list of runs; throws a TypeError naming `fn` for anything that is not a run. */
export function asRuns(input: Run | Run[], fn: string): Run[] {
  const runs = Array.isArray(input) ? input : [input];
  runs.forEach((run, i) => {
    if (run == null || typeof run !== "object" || !Array.isArray(run.requests) || !run.meta) {
      throw new TypeError(`${fn}: input${Array.isArray(input) ? `[${i}]` : ""} is not a Run`);
    }
  });
  return runs;
}

/** Total number of records over all runs. */
export function countRequests(runs: readonly Run[]): number {
  let n = 0;
  for (const run of runs) n += run.requests.length;
  return n;
}
