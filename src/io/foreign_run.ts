/**
 * Building a {@link Run} from another benchmark tool's result file (vllm bench serve, GuideLLM,
 * AIPerf): records whose unmeasured fields are null (or empty, or 0 where the type allows no
 * null), and a meta whose `source` names the tool and lists what had no source.
 *
 * @module
 */

import type { Endpoint, LoadSpec, RequestRecord, Run, RunMeta } from "../types.ts";
import { SCHEMA_VERSION } from "./validate.ts";
import { NO_SERVER_METRICS } from "../metrics/server.ts";

/**
 * Record fields no other tool's file has: ids of the trace context and every server-side field.
 * Each format adds the client fields it lacks.
 */
export const NEVER_IN_FOREIGN_FILES: readonly string[] = [
  "trace_id",
  "span_id",
  "headers_ms",
  "server_*",
];

/** What one foreign request measured; everything else gets the "no source" value. */
export type ForeignMeasures = Partial<RequestRecord> & {
  start_ms: number;
  success: boolean;
};

/**
 * A record for request `index` of `run_id` from what the foreign file measured. Fields the
 * file has no source for are null (nullable fields), `[]` (lists), `""` (ids), `0`
 * (`output_chars`, `lateness_ms`) or `not_enriched` (`span_status`).
 */
export function foreignRecord(
  run: { run_id: string; endpoint: Endpoint; model: string },
  index: number,
  measured: ForeignMeasures,
): RequestRecord {
  return {
    run_id: run.run_id,
    index,
    request_id: `${run.run_id}-${index}`,
    trace_id: "",
    span_id: "",
    sampled: false,
    response_id: null,
    endpoint: run.endpoint,
    model: run.model,
    stream: true,
    tag: null,
    params: {},
    scheduled_ms: measured.start_ms,
    lateness_ms: 0,
    headers_ms: null,
    ttft_ms: null,
    e2e_ms: null,
    tpot_ms: null,
    itl_ms: [],
    chunk_times_ms: [],
    chunk_tokens: null,
    first_chunk_ms: null,
    last_chunk_ms: null,
    prompt_tokens: null,
    completion_tokens: null,
    token_source: "none",
    finish_reason: null,
    output_chars: 0,
    error: null,
    span_status: "not_enriched",
    span_note: null,
    trace_url: null,
    ...NO_SERVER_METRICS,
    server_spans: [],
    ...measured,
  };
}

/** Arrival times of the chunks after the first, from the first's time and the gaps between. */
export function chunkTimesFromGaps(first_ms: number, gaps_ms: readonly number[]): number[] {
  const times = [first_ms];
  for (const gap of gaps_ms) times.push(times[times.length - 1] + gap);
  return times;
}

/** What {@link foreignRun} needs besides the records. */
export interface ForeignRunParts {
  tool: string;
  version: string | null;
  file: string;
  run_id: string;
  label: string;
  url: string;
  endpoint: Endpoint;
  model: string;
  load: LoadSpec;
  /** Epoch ms of the run's start and end. */
  started_ms: number;
  ended_ms: number;
  /** The file's settings and summary values, kept in `meta.extra`. */
  extra: Record<string, unknown>;
  /** Record and meta fields the format has no source for (see {@link NEVER_IN_FOREIGN_FILES}). */
  missing: readonly string[];
  /** How the values were mapped, in a few words (start of the note). */
  mapping: string;
}

/** The run: meta with `source` and `client` naming the tool, plus `requests`. */
export function foreignRun(parts: ForeignRunParts, requests: RequestRecord[]): Run {
  const missing = [...NEVER_IN_FOREIGN_FILES, ...parts.missing];
  const meta: RunMeta = {
    schema_version: SCHEMA_VERSION,
    run_id: parts.run_id,
    label: parts.label,
    created_at: new Date(parts.started_ms).toISOString(),
    url: parts.url,
    endpoint: parts.endpoint,
    model: parts.model,
    // Unset settings are left out (not `undefined`), as in a run read back from a file.
    load: Object.fromEntries(
      Object.entries(parts.load).filter(([, value]) => value !== undefined),
    ) as unknown as LoadSpec,
    started_ms: parts.started_ms,
    ended_ms: parts.ended_ms,
    duration_ms: parts.ended_ms - parts.started_ms,
    interrupted: false,
    client: {
      tool: parts.tool,
      version: parts.version ?? "unknown",
      runtime: "unknown",
      hostname: "unknown",
    },
    trace_source: null,
    prometheus: null,
    extra: parts.extra,
    source: {
      tool: parts.tool,
      version: parts.version,
      file: parts.file,
      missing,
      note: `read from a ${parts.tool} file (${parts.mapping}); no source for: ${
        missing.join(", ")
      }`,
    },
  };
  return { meta, requests };
}

/** A stable run id for a foreign file: the tool's short name and 16 hex of its bytes' SHA-256. */
export async function foreignRunId(prefix: string, bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  const hex = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}-${hex}`;
}
