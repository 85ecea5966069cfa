/**
 * One request's metrics as a few terminal lines.
 *
 * @module
 */

import type { RequestRecord } from "../types.ts";
import { formatMs } from "./format_duration.ts";
import { percentile } from "../summarize/percentile.ts";

/**
 * A terminal view of one request: status, TTFT, TPOT, ITL p50/max, E2E, tokens, the reasoning
 * phase when the model reasoned (TTFOT, reasoning tokens and chunks), the server's
 * queue/prefill/decode when the span was joined, and the error when it failed. Plain text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMetrics } from "./format_metrics.ts";
 * import { makeRecord } from "../table/_fixtures.ts";
 * assert.equal(
 *   formatMetrics(makeRecord()),
 *   "#0 req-0 ok  finish=length\n" +
 *     "  ttft 20.0 ms  tpot 10.0 ms  itl p50 10.0 ms max 10.0 ms  e2e 50.0 ms\n" +
 *     "  tokens prompt 10  completion 4 (usage)  chunks 4",
 * );
 * ```
 */
export function formatMetrics(record: RequestRecord): string {
  const status = record.success ? "ok" : "FAILED";
  const head = [`#${record.index}`, record.request_id, status];
  if (record.finish_reason) head.push(` finish=${record.finish_reason}`);
  const itl = record.itl_ms ?? [];
  const timing = [
    `ttft ${formatMs(record.ttft_ms)}`,
    `tpot ${formatMs(record.tpot_ms)}`,
    itl.length
      ? `itl p50 ${formatMs(percentile(itl, 50))} max ${
        formatMs(itl.reduce((m, v) => (v > m ? v : m), -Infinity))
      }`
      : "itl –",
    `e2e ${formatMs(record.e2e_ms)}`,
  ];
  const lines = [
    head.join(" "),
    `  ${timing.join("  ")}`,
    `  tokens prompt ${record.prompt_tokens ?? "–"}  completion ${
      record.completion_tokens ?? "–"
    } (${record.token_source})  chunks ${record.chunk_times_ms?.length ?? 0}`,
  ];
  const reasoning = reasoningLine(record);
  if (reasoning !== null) lines.push(reasoning);
  const server: [string, number | null][] = [
    ["queue", record.server_queue_ms],
    ["prefill", record.server_prefill_ms],
    ["decode", record.server_decode_ms],
    ["ttft", record.server_ttft_ms],
    ["e2e", record.server_e2e_ms],
  ];
  const present = server.filter(([, v]) => v != null);
  if (present.length > 0) {
    lines.push(`  server ${present.map(([name, v]) => `${name} ${formatMs(v)}`).join("  ")}`);
  } else if (record.span_status && record.span_status !== "not_enriched") {
    lines.push(
      `  server span ${record.span_status}${record.span_note ? `: ${record.span_note}` : ""}`,
    );
  }
  if (record.error) {
    const status = record.error.status !== undefined ? ` ${record.error.status}` : "";
    lines.push(`  error ${record.error.kind}${status}: ${oneLine(record.error.message)}`);
  }
  return lines.join("\n");
}

/** `  reasoning ttfot … tokens … chunks …` when the request reasoned, else null. */
function reasoningLine(record: RequestRecord): string | null {
  const chunks = record.reasoning_chunks ?? 0;
  const tokens = record.reasoning_tokens ?? null;
  if (chunks === 0 && !(tokens !== null && tokens > 0)) return null;
  const ttfot = record.ttfot_ms ?? null;
  return `  reasoning ttfot ${ttfot === null ? "– (no output)" : formatMs(ttfot)}  tokens ${
    tokens ?? "– (server did not say)"
  }  chunks ${record.reasoning_chunks ?? "–"}`;
}

function oneLine(text: string): string {
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > 200 ? flat.slice(0, 199) + "…" : flat;
}
