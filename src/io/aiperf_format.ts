/**
 * AIPerf's per-request export (`profile_export.jsonl`: one `{metadata, metrics, error}` object a
 * line) as a {@link Run}. When AIPerf's summary `profile_export_aiperf.json` sits in the same
 * folder, the model, URL and load settings come from its `input_config`. The mapping is in
 * docs/FILES.md ("Results of other tools").
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { Endpoint, RequestError, RequestRecord, Run } from "../types.ts";
import { FileFormatError } from "./errors.ts";
import { chunkTimesFromGaps, foreignRecord, foreignRun, foreignRunId } from "./foreign_run.ts";
import {
  child,
  numberAt,
  numbersAt,
  objectAt,
  optionalNumberAt,
  optionalStringAt,
  type ValuePath,
} from "./foreign_values.ts";
import { parseJson } from "./json_text.ts";
import { readLines } from "./lines.ts";
import { isObject } from "./validate.ts";

/** The tool's name in `meta.source.tool` and `meta.client.tool`. */
export const AIPERF_TOOL = "aiperf";

/** AIPerf's summary file, read for the run's settings when it is beside the JSONL. */
const SUMMARY_NAME = "profile_export_aiperf.json";

/** Fields an AIPerf export has no source for, besides those no foreign file has. */
const MISSING = [
  "response_id",
  "load.seed",
  "load.warmup",
  "params",
  "finish_reason",
  "output_chars",
  "chunk_tokens",
  "non_content_chunk_times_ms",
];

/** Whether a parsed JSON value is one AIPerf per-request record. */
export function isAiperfRecord(value: unknown): boolean {
  return isObject(value) && isObject(value.metadata) && "metrics" in value &&
    "request_start_ns" in value.metadata;
}

/** One parsed line with its line number. */
interface AiperfLine {
  value: Record<string, unknown>;
  line: number;
}

/** Reads an AIPerf `profile_export.jsonl` (and its summary beside it, if any). */
export async function decodeAiperf(path: string): Promise<Run> {
  const lines: AiperfLine[] = [];
  for await (const { text, line } of readLines(path)) {
    if (text.trim() === "") continue;
    const value = parseJson(text, path, line);
    if (!isAiperfRecord(value)) {
      throw new FileFormatError(
        { file: path, line },
        "not an AIPerf record (needs metadata.request_start_ns and metrics)",
      );
    }
    lines.push({ value: value as Record<string, unknown>, line });
  }
  const summary = await readSummary(path);
  const settings = settingsOf(summary);
  const { endpoint, model } = settings;
  const run_id = await foreignRunId("aiperf", await Deno.readFile(path));
  const measured = lines.map((l) => requestOf(l, path))
    .sort((a, b) => a.start_ms - b.start_ms);
  const requests: RequestRecord[] = measured.map((m, i) =>
    foreignRecord({ run_id, endpoint, model }, i, {
      ...m,
      stream: settings.stream,
    })
  );
  const starts = requests.map((r) => r.start_ms);
  const ends = measured.map((m) => m.end_ms);
  const started_ms = starts.length ? Math.min(...starts) : 0;
  const ended_ms = ends.length ? Math.max(...ends) : started_ms;
  const missing = summary
    ? MISSING
    : [...MISSING, "client.version", "url", "model", "load.rate/concurrency"];
  return foreignRun({
    tool: AIPERF_TOOL,
    version: typeof summary?.aiperf_version === "string" ? summary.aiperf_version : null,
    file: path,
    run_id,
    label: `aiperf ${model}`.trim(),
    url: settings.url,
    endpoint,
    model,
    load: {
      concurrency: settings.concurrency,
      rate: settings.rate,
      burstiness: 1,
      requests: requests.length,
      warmup: 0,
      seed: 0,
    },
    started_ms,
    ended_ms,
    extra: summary ? { aiperf_input_config: summary.input_config ?? null } : {},
    missing,
    mapping: "TTFT, request latency and inter-chunk latencies as AIPerf measures them; " +
      "TPOT is AIPerf's inter_token_latency; headers_ms from request_ack_ns; scheduled_ms " +
      "from credit_issued_ns; token counts from the server's usage, else AIPerf's tokenizer",
  }, requests);
}

/** One request's measures, plus its end time, from an AIPerf record. */
function requestOf(
  { value, line }: AiperfLine,
  file: string,
): Omit<RequestRecord, "run_id" | "index" | "endpoint" | "model"> & { end_ms: number } {
  const at: ValuePath = { file, path: "", line };
  const meta = objectAt(value.metadata, child(at, "metadata"));
  const metrics = value.metrics === null ? {} : objectAt(value.metrics, child(at, "metrics"));
  const startNs = numberAt(meta.request_start_ns, child(at, "metadata.request_start_ns"));
  const creditNs = optionalNumberAt(meta.credit_issued_ns, child(at, "metadata.credit_issued_ns"));
  const ackNs = optionalNumberAt(meta.request_ack_ns, child(at, "metadata.request_ack_ns"));
  const endNs = optionalNumberAt(meta.request_end_ns, child(at, "metadata.request_end_ns"));
  const metric = (name: string) => metricMs(metrics[name], child(child(at, "metrics"), name));
  const error = errorOf(value.error, child(at, "error"));
  const ttft_ms = metric("time_to_first_token") as number | null;
  const gaps = metric("inter_chunk_latency");
  const itl_ms = Array.isArray(gaps) ? gaps : [];
  const chunk_times_ms = ttft_ms === null ? [] : chunkTimesFromGaps(ttft_ms, itl_ms);
  const start_ms = startNs / 1e6;
  const scheduled_ms = creditNs === null ? start_ms : creditNs / 1e6;
  const usage = metric("usage_completion_tokens");
  const completion = usage ?? metric("output_sequence_length") ?? metric("output_token_count");
  return {
    ...foreignRecord({ run_id: "", endpoint: "chat", model: "" }, 0, {
      start_ms,
      success: error === null,
    }),
    request_id: optionalStringAt(meta.x_request_id, child(at, "metadata.x_request_id")) ?? "",
    scheduled_ms,
    lateness_ms: start_ms - scheduled_ms,
    headers_ms: ackNs === null ? null : (ackNs - startNs) / 1e6,
    ttft_ms,
    e2e_ms: metric("request_latency") as number | null,
    tpot_ms: metric("inter_token_latency") as number | null,
    itl_ms,
    chunk_times_ms,
    first_chunk_ms: ttft_ms,
    last_chunk_ms: chunk_times_ms.at(-1) ?? null,
    prompt_tokens: (metric("usage_prompt_tokens") ?? metric("input_sequence_length") ??
      metric("error_isl")) as number | null,
    completion_tokens: completion as number | null,
    token_source: usage !== null ? "usage" : completion === null ? "none" : "estimate",
    error,
    end_ms: endNs === null ? start_ms : endNs / 1e6,
  };
}

/** Milliseconds per unit for the time units AIPerf writes. */
const MS_PER_UNIT: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, sec: 1000 };

/**
 * A `{value, unit}` metric: times converted to ms, token counts as they are; null when absent.
 */
function metricMs(metric: unknown, at: ValuePath): number | number[] | null {
  if (metric === undefined || metric === null) return null;
  const { value, unit } = objectAt(metric, at);
  const scale = typeof unit === "string" && unit in MS_PER_UNIT ? MS_PER_UNIT[unit] : 1;
  return Array.isArray(value)
    ? numbersAt(value, child(at, "value")).map((v) => v * scale)
    : numberAt(value, child(at, "value")) * scale;
}

/** AIPerf's `{code, type, message}` as a {@link RequestError}, or null. */
function errorOf(value: unknown, at: ValuePath): RequestError | null {
  if (value === null || value === undefined) return null;
  const error = objectAt(value, at);
  const status = optionalNumberAt(error.code, child(at, "code"));
  const type = optionalStringAt(error.type, child(at, "type"));
  return {
    kind: status !== null && status >= 400 && status < 600 ? "http_error" : "unknown",
    message: optionalStringAt(error.message, child(at, "message")) ?? type ?? "error",
    ...(status === null ? {} : { status }),
    ...(type === null ? {} : { type }),
  };
}

/** The run settings AIPerf's summary records (its `input_config`; two layouts seen). */
interface AiperfSettings {
  endpoint: Endpoint;
  model: string;
  url: string;
  stream: boolean;
  rate?: number;
  concurrency?: number;
}

/**
 * Settings from the summary's `input_config`: `models.items[].name`, `endpoint.urls[]` and the
 * `profiling` phase (0.13), or `endpoint.model_names[]`, `endpoint.url` and `loadgen` (0.3).
 */
function settingsOf(summary: Record<string, unknown> | null): AiperfSettings {
  const config = isObject(summary?.input_config) ? summary.input_config : {};
  const endpoint = isObject(config.endpoint) ? config.endpoint : {};
  const models = isObject(config.models) && Array.isArray(config.models.items)
    ? config.models.items.map((m) => (isObject(m) ? m.name : m))
    : Array.isArray(endpoint.model_names)
    ? endpoint.model_names
    : [];
  const urls = Array.isArray(endpoint.urls) ? endpoint.urls : [endpoint.url];
  const phases = Array.isArray(config.phases) ? config.phases.filter(isObject) : [];
  const load = phases.find((p) => p.kind === "profiling") ??
    (isObject(config.loadgen) ? config.loadgen : {});
  const number = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  return {
    endpoint: endpoint.type === "completions" ? "completions" : "chat",
    model: typeof models[0] === "string" ? models[0] : "",
    url: typeof urls[0] === "string" ? urls[0] : "",
    stream: endpoint.streaming !== false,
    rate: number(load.rate ?? load.request_rate),
    concurrency: number(load.concurrency),
  };
}

/** AIPerf's summary beside the export, if there is one and it is JSON. */
async function readSummary(path: string): Promise<Record<string, unknown> | null> {
  const summaryPath = join(dirname(path), SUMMARY_NAME);
  let text: string;
  try {
    text = await Deno.readTextFile(summaryPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const value = parseJson(text, summaryPath);
  return isObject(value) ? value : null;
}
