/**
 * GuideLLM's benchmarks report (`--output kind=json|yaml`: `{metadata, config, benchmarks}`) as
 * runs, one per benchmark (a sweep holds several). The mapping is in docs/FILES.md ("Results of
 * other tools").
 *
 * @module
 */

import type { Endpoint, LoadSpec, RequestError, RequestRecord, Run } from "../types.ts";
import { foreignRecord, foreignRun, foreignRunId } from "./foreign_run.ts";
import {
  arrayAt,
  child,
  numberAt,
  objectAt,
  optionalNumberAt,
  optionalStringAt,
  type ValuePath,
} from "./foreign_values.ts";
import { isObject } from "./validate.ts";

/** The tool's name in `meta.source.tool` and `meta.client.tool`. */
export const GUIDELLM_TOOL = "guidellm";

/** Fields a GuideLLM report has no source for, besides those no foreign file has. */
const MISSING = [
  "load.seed",
  "load.warmup",
  "load.burstiness",
  "itl_ms",
  "chunk_times_ms",
  "chunk_tokens",
  "non_content_chunk_times_ms",
  "finish_reason",
];

/** The request lists of a benchmark and what their status means. */
const STATUSES = ["successful", "errored", "incomplete"] as const;

/** Whether a parsed JSON/YAML value is a GuideLLM benchmarks report. */
export function isGuideLlmReport(value: unknown): value is Record<string, unknown> {
  return isObject(value) && Array.isArray(value.benchmarks) &&
    value.benchmarks.every((b) => isObject(b) && isObject(b.requests));
}

/** The runs of a GuideLLM report, one per benchmark; `bytes` (the file) give fallback ids. */
export async function decodeGuideLlm(
  report: Record<string, unknown>,
  file: string,
  bytes: Uint8Array,
): Promise<Run[]> {
  const at: ValuePath = { file, path: "" };
  const metadata = isObject(report.metadata) ? report.metadata : {};
  const spec = isObject(report.config) && isObject(report.config.spec) ? report.config.spec : {};
  const backend = isObject(spec.backend) ? spec.backend : {};
  const fileId = await foreignRunId("guidellm", bytes);
  const benchmarks = arrayAt(report.benchmarks, child(at, "benchmarks"));
  return benchmarks.map((benchmark, i) =>
    decodeBenchmark(objectAt(benchmark, child(child(at, "benchmarks"), i)), {
      at: child(child(at, "benchmarks"), i),
      version: optionalStringAt(metadata.guidellm_version, child(at, "metadata.guidellm_version")),
      url: typeof backend.target === "string" ? backend.target : "",
      model: typeof backend.model === "string" ? backend.model : "",
      endpoint: String(backend.request_format ?? "chat").includes("chat") ? "chat" : "completions",
      fallbackId: `${fileId}-${i}`,
    })
  );
}

/** What every benchmark of a report shares. */
interface ReportContext {
  at: ValuePath;
  version: string | null;
  url: string;
  model: string;
  endpoint: Endpoint;
  fallbackId: string;
}

function decodeBenchmark(benchmark: Record<string, unknown>, ctx: ReportContext): Run {
  const config = isObject(benchmark.config) ? benchmark.config : {};
  const strategy = isObject(config.strategy) ? config.strategy : {};
  const run_id = typeof config.id_ === "string" ? `guidellm-${config.id_}` : ctx.fallbackId;
  const requestsAt = child(ctx.at, "requests");
  const lists = objectAt(benchmark.requests, requestsAt);
  const measured = STATUSES.flatMap((status) =>
    lists[status] == null
      ? []
      : arrayAt(lists[status], child(requestsAt, status)).map((r, i) =>
        requestOf(objectAt(r, child(child(requestsAt, status), i)), status, {
          ...ctx.at,
          path: `${requestsAt.path}.${status}[${i}]`,
        })
      )
  ).sort((a, b) => a.start_ms - b.start_ms);
  const run = { run_id, endpoint: ctx.endpoint, model: ctx.model };
  const requests: RequestRecord[] = measured.map((m, i) => foreignRecord(run, i, m));
  const started_ms = numberAt(benchmark.start_time, child(ctx.at, "start_time")) * 1000;
  const ended_ms = numberAt(benchmark.end_time, child(ctx.at, "end_time")) * 1000;
  return foreignRun({
    tool: GUIDELLM_TOOL,
    version: ctx.version,
    file: ctx.at.file,
    run_id,
    label: `guidellm ${strategyLabel(strategy)}`,
    url: ctx.url,
    endpoint: ctx.endpoint,
    model: ctx.model,
    load: loadOf(strategy, requests.length),
    started_ms,
    ended_ms,
    extra: {
      guidellm_strategy: strategy,
      guidellm_run_id: config.run_id ?? null,
      guidellm_scheduler_metrics: benchmark.scheduler_metrics ?? null,
    },
    missing: MISSING,
    mapping: "TTFT and request latency as GuideLLM measures them; tpot_ms is GuideLLM's " +
      "inter_token_latency_ms (its time_per_output_token_ms also counts the first token); " +
      "scheduled_ms from the targeted start; times in s made ms; one run per benchmark",
  }, requests);
}

/** GuideLLM's strategy as this tool's load settings (rate, or a concurrency). */
function loadOf(strategy: Record<string, unknown>, requests: number): LoadSpec {
  const kind = strategy.type_;
  const number = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  return {
    rate: kind === "constant" || kind === "poisson" ? number(strategy.rate) : undefined,
    concurrency: kind === "synchronous"
      ? 1
      : kind === "concurrent"
      ? number(strategy.streams)
      : undefined,
    burstiness: 1,
    requests,
    warmup: 0,
    seed: 0,
  };
}

/** `constant@10`, `concurrent@4`, `synchronous`, `throughput`. */
function strategyLabel(strategy: Record<string, unknown>): string {
  const kind = String(strategy.type_ ?? "benchmark");
  const value = strategy.rate ?? strategy.streams;
  return typeof value === "number" ? `${kind}@${value}` : kind;
}

type Measures = Parameters<typeof foreignRecord>[2];

/** One request's measures from GuideLLM's per-request stats. */
function requestOf(
  stats: Record<string, unknown>,
  status: typeof STATUSES[number],
  at: ValuePath,
): Measures {
  const info = isObject(stats.info) ? stats.info : {};
  const timings = isObject(info.timings) ? info.timings : {};
  const seconds = (value: unknown, key: string) => optionalNumberAt(value, child(at, key));
  const start_s = seconds(stats.request_start_time ?? timings.request_start, "request_start_time");
  const targeted_s = seconds(timings.targeted_start, "info.timings.targeted_start");
  const start_ms = (start_s ?? targeted_s ?? 0) * 1000;
  const scheduled_ms = targeted_s === null ? start_ms : targeted_s * 1000;
  const since = (t: unknown, key: string) => {
    const s = seconds(t, key);
    return s === null || start_s === null ? null : (s - start_s) * 1000;
  };
  const latency_s = seconds(stats.request_latency, "request_latency");
  const output = optionalStringAt(stats.output, child(at, "output"));
  const completion = optionalNumberAt(stats.output_tokens, child(at, "output_tokens"));
  return {
    request_id: optionalStringAt(stats.request_id, child(at, "request_id")) ?? "",
    response_id: optionalStringAt(stats.response_id, child(at, "response_id")),
    params: paramsOf(stats.request_args),
    start_ms,
    scheduled_ms,
    lateness_ms: start_ms - scheduled_ms,
    ttft_ms: optionalNumberAt(stats.time_to_first_token_ms, child(at, "time_to_first_token_ms")),
    e2e_ms: latency_s === null ? null : latency_s * 1000,
    tpot_ms: optionalNumberAt(stats.inter_token_latency_ms, child(at, "inter_token_latency_ms")),
    first_chunk_ms: since(timings.first_request_iteration, "info.timings.first_request_iteration"),
    last_chunk_ms: since(timings.last_request_iteration, "info.timings.last_request_iteration"),
    prompt_tokens: optionalNumberAt(stats.prompt_tokens, child(at, "prompt_tokens")),
    completion_tokens: completion,
    token_source: completion === null ? "none" : "usage",
    output_chars: output?.length ?? 0,
    success: status === "successful",
    error: errorOf(status, info.error),
  };
}

/** The request error for a status, with GuideLLM's message when it gave one. */
function errorOf(status: typeof STATUSES[number], message: unknown): RequestError | null {
  if (status === "successful") return null;
  const text = typeof message === "string" && message ? message : null;
  return status === "incomplete"
    ? { kind: "aborted", message: text ?? "incomplete when the benchmark ended (GuideLLM)" }
    : { kind: "unknown", message: text ?? "errored (GuideLLM gave no message)" };
}

/** The body parameters sent, from GuideLLM's `request_args` (JSON text), minus the prompt. */
function paramsOf(requestArgs: unknown): Record<string, unknown> {
  let args: unknown = requestArgs;
  if (typeof requestArgs === "string") {
    try {
      args = JSON.parse(requestArgs);
    } catch {
      return {};
    }
  }
  if (!isObject(args) || !isObject(args.body)) return {};
  const { messages: _m, prompt: _p, model: _model, ...params } = args.body;
  return params;
}
