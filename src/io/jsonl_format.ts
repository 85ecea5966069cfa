/**
 * The crash-safe `.jsonl` run file written by collect while it runs: line 1 is
 * `{"type":"meta",...meta}`, then one `{"type":"request",...record}` per finished request, and
 * with `scrapeInterval`, one `{"type":"metrics",...}` line per scrape of the server's /metrics.
 * A later `{"type":"meta",...}` line updates the meta (fields merged over the earlier ones), so a
 * writer can append the final times when the run ends. When ended_ms is missing or null (the run
 * never finished: the closing meta line was never written), the run is `interrupted` and the
 * loader derives started_ms/ended_ms/duration_ms from the requests, and rebuilds
 * `meta.server_metrics` from the metrics lines (the closing line's copy wins when it exists).
 *
 * @module
 */

import type { RequestRecord, Run, ServerMetricsSeries } from "../types.ts";
import { FileFormatError, NotARunFileError } from "./errors.ts";
import { parseJson } from "./json_text.ts";
import { readLines } from "./lines.ts";
import type { Salvager } from "./salvage.ts";
import {
  checkFileSchemaVersion,
  checkMeta,
  checkRecord,
  checkSchemaVersion,
  checkServerMetricsSample,
  describeValue,
  isObject,
} from "./validate.ts";
import { appendSample, emptySeries } from "./server_metrics_series.ts";

/** The lines of a `.jsonl` run file. */
export function* encodeJsonl(run: Run): Generator<string> {
  yield JSON.stringify({ type: "meta", ...run.meta }) + "\n";
  for (const record of run.requests) yield JSON.stringify({ type: "request", ...record }) + "\n";
}

/** Reads a `.jsonl` run file; salvaging skips bad request lines and a cut-off last line. */
export async function decodeJsonl(path: string, salvager: Salvager): Promise<Run> {
  let meta: Record<string, unknown> | null = null;
  let metaLine = 1;
  const requests: RequestRecord[] = [];
  let scraped: ServerMetricsSeries | null = null;
  for await (const { text, line, terminated } of readLines(path)) {
    if (text.trim() === "") continue;
    try {
      let value: unknown;
      try {
        value = parseJson(text, path, line);
      } catch (error) {
        if (!terminated) throw new FileFormatError({ file: path, line }, "truncated last line");
        throw error;
      }
      if (!isObject(value)) {
        throw new FileFormatError(
          { file: path, line },
          `expected a JSON object, got ${describeValue(value)}`,
        );
      }
      const { type, ...fields } = value;
      if (meta === null) {
        if (type !== "meta") {
          throw new NotARunFileError(
            { file: path, line },
            `the first line must be {"type":"meta",...}, got type ${describeValue(type)}`,
          );
        }
        checkFileSchemaVersion(fields.schema_version, { file: path, line });
        meta = fields;
        metaLine = line;
      } else if (type === "meta") {
        checkSchemaVersion(fields.schema_version ?? meta.schema_version, { file: path, line });
        Object.assign(meta, fields);
      } else if (type === "request") {
        requests.push(checkRecord(fields, { file: path, line }));
      } else if (type === "metrics") {
        const sample = checkServerMetricsSample(fields, { file: path, line });
        scraped ??= emptySeries(sample.url, sample.interval_ms);
        appendSample(scraped, sample);
      } else {
        throw new FileFormatError(
          { file: path, line },
          `unknown line type ${describeValue(type)} (expected "meta", "request" or "metrics")`,
        );
      }
    } catch (error) {
      // The meta line cannot be salvaged: without it there is no run.
      if (meta === null) throw error;
      salvager.skip(error);
    }
  }
  if (meta === null) {
    throw new FileFormatError({ file: path, line: 1 }, "empty file (no meta line)");
  }
  const checked = checkMeta(meta, { file: path, line: metaLine }, true);
  fillTimes(checked, requests);
  if (checked.server_metrics === undefined && scraped !== null) {
    checked.server_metrics = scraped;
    checked.warnings = [
      ...(checked.warnings ?? []),
      `meta.server_metrics was rebuilt from ${scraped.at_ms.length} metrics lines: the run ` +
      `never wrote its closing line, so its failed and skipped scrapes are not known`,
    ];
  }
  return { meta: checked, requests };
}

/**
 * Derives missing (NaN) started/ended/duration from the requests; a run without its end time
 * never finished, so it was interrupted.
 */
function fillTimes(meta: Run["meta"], requests: RequestRecord[]): void {
  if (Number.isNaN(meta.ended_ms)) meta.interrupted = true;
  if (Number.isNaN(meta.started_ms)) {
    let start = Infinity;
    for (const r of requests) start = Math.min(start, r.start_ms);
    meta.started_ms = requests.length ? start : 0;
  }
  if (Number.isNaN(meta.ended_ms)) {
    let end = meta.started_ms;
    for (const r of requests) end = Math.max(end, r.start_ms + (r.e2e_ms ?? 0));
    meta.ended_ms = end;
  }
  if (Number.isNaN(meta.duration_ms)) meta.duration_ms = meta.ended_ms - meta.started_ms;
}
