/**
 * The max-rate search at a glance: each probe's request rate against its share of requests
 * meeting the SLO, with the target share and the rate found.
 *
 * @module
 */

import type { VegaLiteSpec } from "../types.ts";
import { numbers, requireColumns, type TableLike } from "./columns.ts";
import {
  base,
  type ChartOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  noDataSpec,
  size,
} from "./spec.ts";
import { tidy } from "./stats.ts";
import { inRange, positive } from "../util/options.ts";

/** Options of {@link rateSearch}. */
export interface RateSearchOptions extends ChartOptions {
  /** The share of requests that had to meet the SLO, percent (a horizontal line). */
  targetPercent: number;
  /** The rate the search found, req/s (a vertical line); null or absent when none was. */
  foundRps?: number | null;
}

interface ProbePoint {
  /** Probe number, in the order the rows come (the order the probes ran). */
  probe: number;
  rate: number;
  good_percent: number;
  verdict: "meets target" | "misses target";
}

/**
 * One point per probe of a max-rate search (a row of `summarize(table, { slo })` with a `rate`
 * and a `good_fraction`; rows without a rate, such as the measuring probes, are left out):
 * request rate on x, percent of requests meeting every SLO on y, coloured by whether it met
 * `targetPercent` and numbered in row order, with a dashed line at the target and a rule at
 * `foundRps`. Throws a `TypeError` naming missing columns and a `RangeError` for a bad
 * `targetPercent`; no usable rows gives a "no data" chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "../deps/arquero.ts";
 * import { rateSearch } from "./rate_search.ts";
 * // in real use, summarize(toTable(result.runs), { slo }) of findMaxRate's runs
 * const summary = aq.table({
 *   rate: [null, 40, 20, 30, 25],
 *   good_fraction: [1, 0.1, 1, 0.4, 0.92],
 * });
 * const spec = rateSearch(summary, { targetPercent: 90, foundRps: 25 });
 * const values = (spec.data as { values: { probe: number; verdict: string }[] }).values;
 * assert.deepEqual(values.map((v) => [v.probe, v.verdict]), [
 *   [1, "misses target"], [2, "meets target"], [3, "misses target"], [4, "meets target"],
 * ]);
 * assert.deepEqual(spec.title, {
 *   text: "Max-rate search", subtitle: "4 probes · found 25 req/s at ≥ 90 % meeting the SLO",
 *   anchor: "start",
 * });
 * ```
 */
export function rateSearch(summary: TableLike, options: RateSearchOptions): VegaLiteSpec {
  const target = inRange("plot.rateSearch", "targetPercent", options?.targetPercent, 0, 100);
  const found = options.foundRps ?? null;
  if (found !== null) positive("plot.rateSearch", "foundRps", found);
  requireColumns(summary, ["rate", "good_fraction"], "plot.rateSearch");
  const width = size("plot.rateSearch", "width", options.width, DEFAULT_WIDTH);
  const height = size("plot.rateSearch", "height", options.height, DEFAULT_HEIGHT);
  const title = options.title ?? "Max-rate search";
  const points = probePoints(summary, target);
  if (points.length === 0) {
    return noDataSpec(title, "no rows with both rate and good_fraction (summarize with slo)", {
      width,
    });
  }
  const x = { field: "rate", type: "quantitative", title: "request rate (req/s)" };
  const y = {
    field: "good_percent",
    type: "quantitative",
    title: "requests meeting the SLO (%)",
    scale: { domain: [0, 100] },
  };
  const subtitle = `${points.length} probe${points.length === 1 ? "" : "s"} · ` +
    (found === null
      ? `no rate met ≥ ${target} %`
      : `found ${tidy(found)} req/s at ≥ ${target} % meeting the SLO`);
  return {
    ...base(
      `Max-rate search: share of requests meeting the SLO against the probe rate, target ${target} %`,
      title,
      subtitle,
      width,
      height,
    ),
    data: { values: points },
    layer: [
      {
        data: { values: [{ target, text: `target ${target} %` }] },
        layer: [
          {
            mark: { type: "rule", strokeDash: [6, 4], color: "#888" },
            encoding: { y: { field: "target", type: "quantitative" } },
          },
          {
            mark: { type: "text", align: "left", baseline: "bottom", x: 4, dy: -2, fontSize: 10 },
            encoding: {
              y: { field: "target", type: "quantitative" },
              text: { field: "text" },
              color: { value: "#666" },
            },
          },
        ],
      },
      ...(found === null ? [] : [{
        data: { values: [{ found: tidy(found), text: `${tidy(found)} req/s` }] },
        layer: [
          {
            mark: { type: "rule", color: "#2ca02c", strokeWidth: 1.5 },
            encoding: { x: { field: "found", type: "quantitative" } },
          },
          {
            mark: {
              type: "text",
              align: "left",
              baseline: "bottom",
              dx: 4,
              y: height - 4,
              fontSize: 10,
              color: "#2ca02c",
            },
            encoding: { x: { field: "found", type: "quantitative" }, text: { field: "text" } },
          },
        ],
      }]),
      {
        mark: { type: "point", size: 60, filled: true },
        encoding: {
          x,
          y,
          color: {
            field: "verdict",
            type: "nominal",
            title: null,
            scale: { domain: ["meets target", "misses target"], range: ["#2ca02c", "#d62728"] },
          },
          tooltip: [
            { field: "probe", title: "probe" },
            { field: "rate", title: "rate (req/s)" },
            { field: "good_percent", title: "meeting the SLO (%)", format: ".1f" },
            { field: "verdict", title: "verdict" },
          ],
        },
      },
      {
        mark: { type: "text", dx: 8, dy: -8, fontSize: 10, color: "#444" },
        encoding: { x, y, text: { field: "probe" } },
      },
    ],
  };
}

/** One point per row with a rate and a good fraction, numbered in row order. */
function probePoints(summary: TableLike, target: number): ProbePoint[] {
  const rates = numbers(summary, "rate");
  const fractions = numbers(summary, "good_fraction");
  const points: ProbePoint[] = [];
  for (let i = 0; i < rates.length; i++) {
    if (rates[i] === null || fractions[i] === null) continue;
    const good = tidy(fractions[i]! * 100);
    points.push({
      probe: points.length + 1,
      rate: tidy(rates[i]!),
      good_percent: good,
      verdict: good >= target ? "meets target" : "misses target",
    });
  }
  return points;
}
