/**
 * Histogram of one latency metric (TTFT, TPOT, ITL, E2E or a server-side time).
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import type { TableLike } from "./columns.ts";
import { columnTitle, columnUnit, metricName } from "./labels.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { optionMessage, positiveInt } from "../util/options.ts";
import { binIndex, niceBins, quantileSorted, sortNumbers, tidy } from "./stats.ts";
import { failedNote, fmtCount, fmtNumber, metricGroups, runColumn } from "./values.ts";

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** Column to plot: `ttft_ms`, `tpot_ms`, `itl_ms`, `e2e_ms`, `server_queue_ms`, ... (`"ttft"` works too). */
  metric: string;
  /**
   * Column whose values get one overlaid histogram each, e.g. `"label"`. Default: by run (label,
   * else run_id) when the table holds several runs, so they are never pooled.
   */
  color?: string;
  /** Maximum number of bins (default 40); the step is a nice number. */
  maxBins?: number;
  /** Only show values in [lo, hi]; how many fall outside is stated in the subtitle. */
  domain?: [number, number];
  /**
   * Values above this quantile (of all groups together) are left out when that narrows the x
   * range at least 2×, so a long tail does not squash the histogram; the subtitle says how many.
   * Default 0.995; 1 keeps every value. Ignored when `domain` is given.
   */
  clipQuantile?: number;
  /** Plot the fraction of each group's values instead of counts (default: true when `color` is set). */
  normalize?: boolean;
}

/**
 * A histogram of one metric over successful requests. Values are binned before embedding, so the
 * spec stays small for any table size. `itl_ms` flattens every request's list of inter-token
 * gaps (or reads a chunk table's `gap_ms`). Failed requests are left out; an empty result gives
 * a "no data" chart. Throws a `TypeError` naming a missing column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { histogram } from "./histogram.ts";
 * const t = aq.table({ ttft_ms: [12, 15, 14, 40], success: [true, true, true, true] });
 * const spec = histogram(t, { metric: "ttft_ms" });
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * const bins = (spec.data as { values: { count: number }[] }).values;
 * assert.equal(bins.reduce((sum, bin) => sum + bin.count, 0), 4); // each value counted once
 * ```
 */
export function histogram(table: TableLike, options: HistogramOptions): VegaLiteSpec {
  const where = "plot.histogram";
  // several runs are never pooled silently: without a color, each run gets its own
  const color = options?.color ?? runColumn(table);
  const { metric, groups, failedExcluded } = metricGroups(
    table,
    options?.metric,
    color,
    where,
  );
  const width = size("plot.histogram", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.histogram", "height", options.height, DEFAULT_HEIGHT);
  const maxBins = positiveInt("plot.histogram", "maxBins", options.maxBins ?? 40);
  const title = options.title ?? `${metricName(metric)} distribution`;
  const domain = options.domain;
  if (domain && !(domain.length === 2 && domain[0] < domain[1])) {
    throw new RangeError(
      optionMessage("plot.histogram", "domain", "[lo, hi] with lo < hi", domain),
    );
  }
  const clipQ = options.clipQuantile ?? 0.995;
  if (!(clipQ > 0 && clipQ <= 1)) {
    throw new RangeError(optionMessage("plot.histogram", "clipQuantile", "in (0, 1]", clipQ));
  }
  let lo = -Infinity, hi = Infinity, clipped = false;
  if (domain) [lo, hi] = domain;
  else if (clipQ < 1) {
    const all = sortNumbers(concat(groups.values()));
    if (all.length > 0) {
      const q = quantileSorted(all, clipQ);
      const min0 = all[0], max0 = all[all.length - 1];
      if (max0 - min0 > 2 * (q - min0)) {
        hi = q;
        clipped = true;
      }
    }
  }
  const inDomain = (v: number) => v >= lo && v <= hi;

  let min = Infinity, max = -Infinity, total = 0, outside = 0;
  for (const values of groups.values()) {
    for (const v of values) {
      if (!inDomain(v)) {
        outside++;
        continue;
      }
      total++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (total === 0) {
    return noDataSpec(title, `no values of ${metric}${outside ? " in the domain" : ""}`, {
      width,
    });
  }
  const bins = niceBins(domain ? domain[0] : min, domain ? domain[1] : max, maxBins);
  const grouped = color !== undefined;
  const normalize = options.normalize ?? grouped;
  const rows: Record<string, unknown>[] = [];
  for (const [group, values] of groups) {
    const counts = new Array<number>(bins.count).fill(0);
    let n = 0;
    for (const v of values) {
      if (!inDomain(v)) continue;
      counts[binIndex(bins, v)]++;
      n++;
    }
    for (let i = 0; i < bins.count; i++) {
      if (counts[i] === 0) continue;
      const row: Record<string, unknown> = {
        bin_start: tidy(bins.start + i * bins.step),
        bin_end: tidy(bins.start + (i + 1) * bins.step),
        count: counts[i],
      };
      if (normalize) row.fraction = tidy(counts[i] / n);
      if (grouped) row.group = group;
      rows.push(row);
    }
  }
  const unit = columnUnit(metric);
  const u = unit ? ` ${unit}` : "";
  const yField = normalize ? "fraction" : "count";
  const subtitle = [
    `${fmtCount(total)} values` + (grouped ? ` in ${groups.size} groups` : "") +
    `, bins of ${tidy(bins.step)}${u}`,
    failedNote(failedExcluded),
    outside > 0
      ? clipped
        ? `${fmtCount(outside)} values above p${tidy(clipQ * 100)} (${fmtNumber(hi)}${u}) not shown`
        : `${fmtCount(outside)} values outside [${lo}, ${hi}] not shown`
      : "",
  ].filter((s) => s).join(" · ");
  const xTitle = columnTitle(metric);
  return {
    ...base(`Histogram of ${xTitle}`, title, subtitle, width, height),
    data: { values: rows },
    mark: { type: "rect", opacity: grouped ? 0.55 : 0.9, stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: {
        field: "bin_start",
        type: "quantitative",
        title: xTitle,
        scale: { domain: [bins.start, tidy(bins.start + bins.count * bins.step)], nice: false },
      },
      x2: { field: "bin_end" },
      y: {
        field: yField,
        type: "quantitative",
        title: normalize ? "fraction of values" : "count",
        stack: null,
        ...(normalize ? { axis: { format: "%" } } : {}),
      },
      y2: { datum: 0 },
      ...(grouped
        ? { color: { field: "group", type: "nominal", title: color, sort: null } }
        : { color: { value: "#4c78a8" } }),
      tooltip: [
        ...(grouped ? [{ field: "group", title: color }] : []),
        { field: "bin_start", title: `from${unit ? ` (${unit})` : ""}` },
        { field: "bin_end", title: `to${unit ? ` (${unit})` : ""}` },
        { field: "count", title: "count" },
        ...(normalize ? [{ field: "fraction", title: "fraction", format: ".1%" }] : []),
      ],
    },
  };
}

function concat(arrays: Iterable<Float64Array>): Float64Array {
  const list = [...arrays];
  const out = new Float64Array(list.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of list) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
