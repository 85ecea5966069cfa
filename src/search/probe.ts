/**
 * Probe runs of the load searches: what one probe is (its role and load), how it is run (by
 * default a `collect()` run; the CLI passes its own runner that also enriches and saves), and
 * what it measured (throughput and the share of requests meeting the SLO).
 *
 * @module
 */

import type { Run, Slo } from "../types.ts";
import type { CollectOptions } from "../collect/options.ts";
import { collect } from "../collect/collect.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import type { SloOptions } from "../summarize/goodput.ts";
import { pointName } from "./sweep_points.ts";

/**
 * Why a probe runs: `sync` measures the synchronous throughput (concurrency 1), `saturation`
 * the throughput with no rate limit, `rate` is one rate of the sweep or of the search.
 */
export type ProbeRole = "sync" | "saturation" | "rate";

/** The load of one probe; undefined = unlimited concurrency / no rate limit. */
export interface ProbeLoad {
  /** Why this probe runs. */
  role: ProbeRole;
  /** Max requests in flight; undefined = unlimited. */
  concurrency: number | undefined;
  /** Mean requests per second; undefined = as fast as the concurrency allows. */
  rate_rps: number | undefined;
  /** File-name-safe name: `sync-c1-rinf`, `saturation-cmax-rinf`, `cmax-r12.5` (as sweep points). */
  name: string;
}

/** Runs one probe and returns its run (collected, and enriched or saved as the caller likes). */
export type ProbeRunner = (load: ProbeLoad) => Promise<Run>;

/** What one probe measured. */
export interface ProbeResult {
  /** The load the probe ran at. */
  load: ProbeLoad;
  /** Successful requests per second over the run (summarize's `request_throughput`); null if unknown. */
  throughput_rps: number | null;
  /** Percent of the requests (failed ones included) meeting every SLO; null without SLOs. */
  good_percent: number | null;
  /** The probe's run, as collected (and enriched, if the runner did). */
  run: Run;
}

/** The collect options of every probe: all but the load, which each probe sets. */
export type ProbeCollectOptions = Omit<CollectOptions, "concurrency" | "rate" | "ramp" | "runId">;

/**
 * The load of a probe, named as bench names sweep points (`c<N>-r<R>`), with the role in front
 * for the two measuring probes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probeLoad } from "./probe.ts";
 * assert.equal(probeLoad("sync", 1, undefined).name, "sync-c1-rinf");
 * assert.equal(probeLoad("rate", undefined, 12.5).name, "cmax-r12.5");
 * ```
 */
export function probeLoad(
  role: ProbeRole,
  concurrency: number | undefined,
  rate_rps: number | undefined,
): ProbeLoad {
  const point = pointName({ concurrency, rate: rate_rps });
  return { role, concurrency, rate_rps, name: role === "rate" ? point : `${role}-${point}` };
}

/**
 * A runner that collects each probe with `options` (the same requests, count, duration and
 * server every time), labelled `<label>-<probe name>` and tagged `meta.extra.search.role`.
 */
export function collectRunner(options: ProbeCollectOptions): ProbeRunner {
  const label = options.label ?? "search";
  return (load) =>
    collect({
      ...options,
      concurrency: load.concurrency,
      rate: load.rate_rps,
      label: `${label}-${load.name}`,
      extra: { ...options.extra, search: { role: load.role } },
    });
}

/**
 * The throughput and SLO share of a probe's run, from `summarize` (`request_throughput` and
 * `good_fraction` · 100).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measureProbe, probeLoad } from "./probe.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * // two requests over one second, one of them within a TTFT SLO of 25 ms
 * const run = makeRun([
 *   makeRecord({ index: 0, start_ms: 0, e2e_ms: 500, ttft_ms: 20 }),
 *   makeRecord({ index: 1, start_ms: 500, e2e_ms: 500, ttft_ms: 30 }),
 * ]);
 * const result = measureProbe(probeLoad("rate", undefined, 2), run, { ttft_ms: 25 });
 * assert.equal(result.throughput_rps, 2);
 * assert.equal(result.good_percent, 50);
 * ```
 */
export function measureProbe(load: ProbeLoad, run: Run, slo: SloOptions | undefined): ProbeResult {
  const withSlo = slo !== undefined && Object.keys(slo).length > 0 ? slo : undefined;
  const row = summarize(toTable(run), { slo: withSlo }).objects()[0] as
    | Record<string, unknown>
    | undefined;
  const number = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) ? value : null;
  const goodFraction = number(row?.good_fraction);
  return {
    load,
    throughput_rps: number(row?.request_throughput),
    good_percent: goodFraction === null ? (withSlo ? 0 : null) : goodFraction * 100,
    run,
  };
}

/** How a search runs and reports its probes: its options, checked. */
export interface ProbeSession {
  runProbe: ProbeRunner;
  slo: Slo | undefined;
  /** Most requests in flight of the saturation probe and every rate; undefined = unlimited. */
  concurrency: number | undefined;
  signal: AbortSignal | undefined;
  onProbe: (result: ProbeResult) => void;
}

/** Runs one probe, measures it and reports it to `onProbe`. */
export async function runAndMeasureProbe(
  session: ProbeSession,
  load: ProbeLoad,
): Promise<ProbeResult> {
  const result = measureProbe(load, await session.runProbe(load), session.slo);
  session.onProbe(result);
  return result;
}

/** The runs of some probes, in order, leaving out those never run (null). */
export function runsOf(probes: readonly (ProbeResult | null)[]): Run[] {
  return probes.filter((p) => p !== null).map((p) => p.run);
}

/** The two measuring probes, null where the search was stopped before them. */
export interface BoundProbes {
  sync: ProbeResult | null;
  saturation: ProbeResult | null;
}

/**
 * Runs the synchronous probe (concurrency 1, no rate limit) and the saturation probe (no rate
 * limit, the session's concurrency at most), each unless the session's signal is aborted.
 */
export async function measureBounds(session: ProbeSession): Promise<BoundProbes> {
  const run = (load: ProbeLoad) =>
    session.signal?.aborted ? null : runAndMeasureProbe(session, load);
  const sync = await run(probeLoad("sync", 1, undefined));
  const saturation = await run(probeLoad("saturation", session.concurrency, undefined));
  return { sync, saturation };
}
