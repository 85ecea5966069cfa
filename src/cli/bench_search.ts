/**
 * `--rate auto[:N]` and `--find-max-rate` in bench: runs the search of src/search with bench's
 * own probe runner (each probe collected, enriched and saved like a sweep point), prints what it
 * found, and for `--find-max-rate` writes the search chart and its outcome to `<out>/reports/`.
 *
 * @module
 */

import { join } from "node:path";
import type { BenchArgs } from "./bench_args.ts";
import { REPORTS_DIR, summaryOf, timestampedBase } from "./bench_output.ts";
import { writeNew } from "./run_files.ts";
import { rateAuto } from "../search/rate_auto.ts";
import { findMaxRate, type MaxRateResult } from "../search/find_max_rate.ts";
import type { ProbeResult, ProbeRunner } from "../search/probe.ts";
import { rateSearch } from "../plot/rate_search.ts";
import { render } from "../plot/render.ts";
import { formatNumber } from "../display/format_value.ts";

/** Whether the invocation is a search rather than a fixed sweep. */
export function isSearch(args: Pick<BenchArgs, "rateAuto" | "findMaxRate">): boolean {
  return args.rateAuto !== null || args.findMaxRate;
}

/**
 * Runs the search the flags ask for with `runProbe`, printing through `write`; returns the
 * files it wrote besides the runs (the search chart and outcome of `--find-max-rate`).
 */
export async function benchSearch(
  args: BenchArgs,
  runProbe: ProbeRunner,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<string[]> {
  const common = {
    runProbe,
    slo: sloOf(args),
    concurrency: args.concurrencies[0],
    signal,
    onProbe: (probe: ProbeResult) => write(probeLine(probe) + "\n"),
  };
  if (args.rateAuto !== null) {
    const result = await rateAuto({
      ...common,
      rates: args.rateAuto,
      collapseBelowPercent: args.collapseBelowPercent,
    });
    write(`\nrate auto: ${formatList(result.planned_rps)} req/s planned`);
    write(result.stop_reason === null ? "\n" : `; stopped: ${result.stop_reason}\n`);
    return [];
  }
  const result = await findMaxRate({
    ...common,
    targetPercent: args.sloTargetPercent,
    precision: args.searchPrecision,
    maxProbes: args.maxProbes,
  });
  write(`\n${outcomeLine(result)}\n`);
  return await writeSearchFiles(result, args);
}

/** One line per probe: its name, throughput and SLO share. */
function probeLine(probe: ProbeResult): string {
  const share = probe.good_percent === null
    ? ""
    : `, ${formatNumber(probe.good_percent)} % met the SLO`;
  return `search: ${probe.load.name}: ${
    formatNumber(probe.throughput_rps ?? 0)
  } req/s done${share}`;
}

/** The search's answer in one sentence. */
export function outcomeLine(result: MaxRateResult): string {
  const target = `≥ ${result.target_percent} % of requests meeting the SLO`;
  if (result.max_rate_rps === null) {
    return `max rate: none found with ${target} (${result.stop_reason})`;
  }
  const bad = result.bracket.bad_rps;
  return `max rate with ${target}: ${formatNumber(result.max_rate_rps)} req/s` +
    (bad === null ? " (no failing rate probed)" : ` (${formatNumber(bad)} req/s failed)`) +
    `; ${result.probes.length} rate probes; ${result.stop_reason}`;
}

/** `reports/<time>_<label>-search.svg` (the chart) and `.json` (the outcome); their paths. */
async function writeSearchFiles(result: MaxRateResult, args: BenchArgs): Promise<string[]> {
  await Deno.mkdir(join(args.out, REPORTS_DIR), { recursive: true });
  const base = join(args.out, REPORTS_DIR, timestampedBase(`${args.label}-search`));
  const spec = rateSearch(summaryOf(result.runs, args), {
    targetPercent: result.target_percent,
    foundRps: result.max_rate_rps,
  });
  const svgPath = await writeNew(base, "svg", await render(spec, { format: "svg" }));
  const jsonPath = await writeNew(base, "json", JSON.stringify(outcomeJson(result), null, 2));
  return [svgPath, jsonPath];
}

/** The outcome without the runs (they are saved one file each): numbers and run ids. */
function outcomeJson(result: MaxRateResult): Record<string, unknown> {
  const probe = (p: ProbeResult | null) =>
    p && {
      role: p.load.role,
      concurrency: p.load.concurrency ?? null,
      rate_rps: p.load.rate_rps ?? null,
      throughput_rps: p.throughput_rps,
      good_percent: p.good_percent,
      run_id: p.run.meta.run_id,
      label: p.run.meta.label,
    };
  return {
    max_rate_rps: result.max_rate_rps,
    bracket: result.bracket,
    converged: result.converged,
    stop_reason: result.stop_reason,
    target_percent: result.target_percent,
    sync: probe(result.sync),
    saturation: probe(result.saturation),
    probes: result.probes.map(probe),
  };
}

/** The --slo, or undefined when none was given. */
function sloOf(args: BenchArgs) {
  return Object.keys(args.slo).length > 0 ? args.slo : undefined;
}

function formatList(values: number[]): string {
  return values.length === 0 ? "no rates" : values.map(formatNumber).join(", ");
}
