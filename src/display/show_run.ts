/**
 * Rich display of a run: its description and a summary of its requests.
 *
 * @module
 */

import type { Run } from "../types.ts";
import { displayable, type MimeBundle } from "./displayable.ts";
import { escapeHtml } from "../util/escape_html.ts";
import { formatSummary } from "./format_summary.ts";
import { summaryHtml } from "./summary_bundle.ts";
import { summarize } from "../summarize/summarize.ts";
import { toTable } from "../table/to_table.ts";
import { formatMs } from "./format_duration.ts";

/** Key facts of a run's meta, as label/value pairs. */
function metaFacts(run: Run): [string, string][] {
  const { meta } = run;
  const load = meta.load ?? ({} as Run["meta"]["load"]);
  const failed = run.requests.filter((r) => !r.success).length;
  const facts: [string, string][] = [
    ["run", `${meta.label} (${meta.run_id})`],
    ["model", `${meta.model} at ${meta.url} (${meta.endpoint})`],
    ["created", meta.created_at],
    [
      "load",
      [
        load.concurrency !== undefined
          ? `concurrency ${load.concurrency}`
          : "unlimited concurrency",
        load.rate !== undefined
          ? `rate ${load.rate}/s burstiness ${load.burstiness}`
          : "no rate limit",
        load.shard ? `shard ${load.shard.index + 1}/${load.shard.count}` : "",
      ].filter(Boolean).join(", "),
    ],
    [
      "requests",
      `${run.requests.length} (${failed} failed)${meta.interrupted ? ", interrupted" : ""}`,
    ],
    ["duration", formatMs(meta.duration_ms)],
  ];
  if (meta.trace_source) facts.push(["traces", meta.trace_source]);
  const tags = formatTags(meta.metadata);
  if (tags) facts.push(["tags", tags]);
  for (const warning of meta.warnings ?? []) facts.push(["warning", warning]);
  if (meta.salvage) {
    facts.push(["salvaged", `${meta.salvage.skipped_lines} unreadable lines skipped`]);
  }
  return facts;
}

/**
 * The Jupyter bundle of a run: `text/html` (meta facts and the per-metric summary, every value
 * HTML-escaped) and `text/plain` (the same as aligned text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBundle } from "./show_run.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const bundle = runBundle(makeRun([makeRecord()]));
 * assert.deepEqual(Object.keys(bundle), ["text/html", "text/plain"]);
 * const lines = String(bundle["text/plain"]).split("\n");
 * assert.deepEqual(lines.slice(0, 2), [
 *   "run       test (run-1)",
 *   "model     facebook/opt-125m at http://127.0.0.1:8000 (chat)",
 * ]);
 * ```
 */
export function runBundle(run: Run): MimeBundle {
  const facts = metaFacts(run);
  const summary = summarize(toTable(run), { groupby: [] });
  const text = [
    ...facts.map(([k, v]) => `${k.padEnd(9)} ${v}`),
    "",
    run.requests.length ? formatSummary(summary) : "(no requests)",
  ].join("\n");
  const html = [
    '<div class="vllm-metrics-run">',
    '<table class="vllm-metrics-meta"><tbody>',
    ...facts.map(([k, v]) =>
      `<tr><th style="text-align:left">${escapeHtml(k)}</th><td style="text-align:left">${
        escapeHtml(v)
      }</td></tr>`
    ),
    "</tbody></table>",
    summaryHtml(summary),
    "</div>",
  ].join("");
  return { "text/html": html, "text/plain": text };
}

/**
 * Attaches rich display to `run` (non-enumerable symbols on that object; JSON unaffected) and
 * returns it. Runs from `load`/`loadAll` already display this way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showRun } from "./show_run.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const run = showRun(makeRun([makeRecord()])); // last expression of a cell → run summary
 * assert.match(Deno.inspect(run), /^run +test \(run-1\)\n/); // console.log(run) prints it too
 * assert.equal(JSON.parse(JSON.stringify(run)).meta.run_id, "run-1"); // JSON unaffected
 * ```
 */
export function showRun(run: Run): Run {
  return displayable(run, () => runBundle(run), {
    text: () => String(runBundle(run)["text/plain"]),
  });
}

/** `gpu=H100, tp=2`: a run's tags (meta.metadata) in one line, or "" when it has none. */
export function formatTags(metadata: Record<string, string> | undefined): string {
  return Object.entries(metadata ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
}
