/**
 * Options both load searches (`rateAuto`, `findMaxRate`) take: how probes are run, the SLOs,
 * the concurrency cap, and how to stop or follow them.
 *
 * @module
 */

import { checkSlo, type SloOptions } from "../summarize/goodput.ts";
import type { Slo } from "../types.ts";
import {
  collectRunner,
  type ProbeCollectOptions,
  type ProbeResult,
  type ProbeRunner,
  type ProbeSession,
} from "./probe.ts";

/** Options shared by the load searches. Give `collect` or `runProbe`. */
export interface SearchOptions {
  /** How to collect each probe: server, requests (re-iterable), count and/or duration... */
  collect?: ProbeCollectOptions;
  /** Runs a probe instead of `collect()` (the CLI's runner also enriches and saves each run). */
  runProbe?: ProbeRunner;
  /** SLOs for goodput (`ttft_ms`, `tpot_ms`, `e2e_ms` or `ttft`, `tpot`, `e2e`). */
  slo?: SloOptions;
  /** Most requests in flight for the saturation probe and every rate (default unlimited). */
  concurrency?: number;
  /** Stops before the next probe once aborted; the probes run so far are returned. */
  signal?: AbortSignal;
  /** Called after each probe with what it measured. */
  onProbe?: (result: ProbeResult) => void;
}

/** Checks the shared options (TypeError/RangeError naming the option and value). */
export function checkSearchOptions(options: SearchOptions, where: string): ProbeSession {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${where}: expected an options object, got ${options}`);
  }
  if ((options.collect === undefined) === (options.runProbe === undefined)) {
    throw new TypeError(`${where}: give either collect (collect options) or runProbe, not both`);
  }
  const { concurrency } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`${where}: concurrency must be an integer ≥ 1, got ${concurrency}`);
  }
  let slo: Slo | undefined;
  try {
    slo = options.slo === undefined ? undefined : checkSlo(options.slo);
  } catch (error) {
    const message = `${where}: ${(error as Error).message.replace(/^summarize: /, "")}`;
    throw error instanceof RangeError ? new RangeError(message) : new TypeError(message);
  }
  return {
    runProbe: options.runProbe ?? collectRunner(options.collect!),
    slo: slo && Object.keys(slo).length > 0 ? slo : undefined,
    concurrency,
    signal: options.signal,
    onProbe: options.onProbe ?? (() => {}),
  };
}

/** Checks a percentage option in [min, 100]; returns it, or `fallback` when undefined. */
export function checkPercent(
  where: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value >= min && value <= 100)) {
    throw new RangeError(`${where}: ${name} must be a number in [${min}, 100], got ${value}`);
  }
  return value;
}
