/**
 * Tables of the HTML report beyond the summary: the SLOs goodput used, the Prometheus counters'
 * change over each run, and the input/output lengths.
 *
 * @module
 */

import type { Run, Slo } from "../types.ts";
import { prometheusDelta } from "../enrich/prometheus.ts";
import { hasColumn, numbers, strings, type TableLike } from "./columns.ts";
import { type Cell, formatValue, htmlTable } from "./html.ts";
import { quantileSorted } from "./stats.ts";

const SLO_NAMES: Record<keyof Slo, string> = { ttft_ms: "TTFT", tpot_ms: "TPOT", e2e_ms: "E2E" };

/**
 * The sentence saying which SLOs goodput used, or null when goodput was not computed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sloSentence } from "./report_tables.ts";
 * assert.equal(
 *   sloSentence({ ttft_ms: 200, tpot_ms: 50 }, true),
 *   "Goodput counts successful requests with TTFT ≤ 200 ms and TPOT ≤ 50 ms (as vllm bench serve --goodput).",
 * );
 * assert.equal(sloSentence(undefined, false), null);
 * ```
 */
export function sloSentence(slo: Slo | undefined, hasGoodput: boolean): string | null {
  const parts = slo
    ? (Object.keys(SLO_NAMES) as (keyof Slo)[])
      .filter((k) => slo[k] !== undefined)
      .map((k) => `${SLO_NAMES[k]} ≤ ${slo[k]} ms`)
    : [];
  if (parts.length > 0) {
    return `Goodput counts successful requests with ${
      parts.join(" and ")
    } (as vllm bench serve --goodput).`;
  }
  return hasGoodput ? "Goodput was computed with SLOs the report was not given." : null;
}

/**
 * Counter changes over each run that recorded Prometheus scrapes: one row per series (histogram
 * buckets left out), one column per run. Null when no run has scrapes.
 */
export function prometheusTable(runs: Run[]): string | null {
  const scraped = runs.filter((r) => r.meta.prometheus);
  if (scraped.length === 0) return null;
  const deltas = scraped.map((r) => {
    const p = r.meta.prometheus!;
    return prometheusDelta(p.before, p.after);
  });
  const keys = [...new Set(deltas.flatMap((d) => Object.keys(d)))]
    .filter((k) => !k.split("{", 1)[0].endsWith("_bucket"))
    .sort();
  if (keys.length === 0) return `<p class="note">The scrapes had no counters.</p>`;
  const headers = ["series", ...scraped.map((r) => r.meta.label || r.meta.run_id)];
  const rows = keys.map((k): Cell[] => [
    { text: k },
    ...deltas.map((d) => formatValue(d[k] ?? null)),
  ]);
  return `<div class="scroll">${htmlTable(headers, rows)}</div>`;
}

const LENGTH_COLUMNS: [string, string][] = [
  ["prompt_tokens", "input tokens"],
  ["completion_tokens", "output tokens"],
];

/**
 * Input and output lengths in tokens per run label: requests with a count, min, p50, mean, p99
 * and max. Null when the table has no token columns.
 */
export function lengthsTable(table: TableLike): string | null {
  const present = LENGTH_COLUMNS.filter(([c]) => hasColumn(table, c));
  if (present.length === 0) return null;
  const labels = hasColumn(table, "label")
    ? strings(table, "label").map((l) => l ?? "")
    : new Array<string>(table.numRows()).fill("");
  const order = [...new Set(labels)];
  const rows: Cell[][] = [];
  for (const [column, name] of present) {
    const values = numbers(table, column);
    for (const label of order) {
      const v = Float64Array.from(
        values.filter((x, i): x is number => labels[i] === label && x !== null && !isNaN(x)),
      ).sort();
      const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      const q = (p: number) => formatValue(v.length ? quantileSorted(v, p) : null);
      rows.push([
        { text: label || "all" },
        { text: name },
        { text: String(v.length), numeric: true },
        q(0),
        q(0.5),
        formatValue(mean),
        q(0.99),
        q(1),
      ]);
    }
  }
  const headers = ["run", "length", "requests", "min", "p50", "mean", "p99", "max"];
  return `<div class="scroll">${htmlTable(headers, rows)}</div>`;
}
