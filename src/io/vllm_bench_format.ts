/**
 * `vllm bench serve --save-result --save-detailed` result files (one JSON object) as a
 * {@link Run}. The mapping is in docs/FILES.md ("Results of other tools").
 *
 * @module
 */

import type { Endpoint, RequestRecord, Run } from "../types.ts";
import { FileFormatError } from "./errors.ts";
import { chunkTimesFromGaps, foreignRecord, foreignRun, foreignRunId } from "./foreign_run.ts";
import { tpotMs } from "../metrics/client.ts";
import {
  arrayAt,
  child,
  numberAt,
  numbersAt,
  optionalNumberAt,
  optionalStringAt,
  type ValuePath,
} from "./foreign_values.ts";
import { isObject } from "./validate.ts";

/** The tool's name in `meta.source.tool` and `meta.client.tool`. */
export const VLLM_BENCH_TOOL = "vllm bench serve";

/** The per-request lists of `--save-detailed`; everything else is kept in `meta.extra`. */
const PER_REQUEST = [
  "input_lens",
  "output_lens",
  "ttfts",
  "itls",
  "latencies",
  "start_times",
  "queue_times",
  "generated_texts",
  "errors",
];

/** Fields a vllm bench file has no source for, besides those no foreign file has. */
const MISSING = [
  "response_id",
  "url",
  "load.seed",
  "load.warmup",
  "client.version",
  "params",
  "finish_reason",
  "chunk_tokens",
  "non_content_chunk_times_ms",
];

/** Whether a parsed JSON value is a vllm bench serve result (detailed or not). */
export function isVllmBenchResult(value: unknown): value is Record<string, unknown> {
  return isObject(value) && typeof value.date === "string" &&
    (typeof value.backend === "string" || typeof value.endpoint_type === "string") &&
    "request_throughput" in value;
}

/** Reads a parsed vllm bench serve result; `bytes` (the file) give the run id. */
export async function decodeVllmBench(
  value: Record<string, unknown>,
  file: string,
  bytes: Uint8Array,
): Promise<Run> {
  const at: ValuePath = { file, path: "" };
  if (!Array.isArray(value.ttfts)) {
    throw new FileFormatError(
      { file },
      "a vllm bench serve result without per-request data (ttfts, itls, ...): " +
        "run vllm bench serve with --save-detailed",
    );
  }
  const ttfts = numbersAt(value.ttfts, child(at, "ttfts"));
  const n = ttfts.length;
  const list = (key: string) => {
    const items = arrayAt(value[key], child(at, key));
    if (items.length !== n) {
      throw new FileFormatError({ file }, `${key} has ${items.length} items, ttfts has ${n}`);
    }
    return items;
  };
  const latencies = numbersAt(list("latencies"), child(at, "latencies"));
  const startTimes = numbersAt(list("start_times"), child(at, "start_times"));
  const inputLens = numbersAt(list("input_lens"), child(at, "input_lens"));
  const outputLens = numbersAt(list("output_lens"), child(at, "output_lens"));
  const itls = list("itls").map((gaps, i) => numbersAt(gaps, child(child(at, "itls"), i)));
  const errors = list("errors").map((e, i) => optionalStringAt(e, child(child(at, "errors"), i)));
  const queueTimes = Array.isArray(value.queue_times)
    ? numbersAt(list("queue_times"), child(at, "queue_times"))
    : null;
  const texts = Array.isArray(value.generated_texts) ? list("generated_texts") : null;

  const duration_s = numberAt(value.duration, child(at, "duration"));
  const ended_ms = dateMs(value.date as string, file);
  const started_ms = ended_ms - duration_s * 1000;
  const firstStart = n ? Math.min(...startTimes) : 0;
  const run_id = await foreignRunId("vllm-bench", bytes);
  const backend = String(value.backend ?? value.endpoint_type);
  const endpoint: Endpoint = backend.includes("chat") ? "chat" : "completions";
  const model = String(value.model_id ?? "");
  const requests: RequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const success = !errors[i];
    const start_ms = started_ms + (startTimes[i] - firstStart) * 1000;
    const lateness_ms = queueTimes ? queueTimes[i] * 1000 : 0;
    const ttft_ms = success ? ttfts[i] * 1000 : null;
    const e2e_ms = success ? latencies[i] * 1000 : null;
    const itl_ms = success ? itls[i].map((s) => s * 1000) : [];
    const chunk_times_ms = ttft_ms === null ? [] : chunkTimesFromGaps(ttft_ms, itl_ms);
    const completion_tokens = success ? outputLens[i] : null;
    requests.push(foreignRecord({ run_id, endpoint, model }, i, {
      start_ms,
      scheduled_ms: start_ms - lateness_ms,
      lateness_ms,
      ttft_ms,
      e2e_ms,
      tpot_ms: tpotMs(e2e_ms, ttft_ms, completion_tokens),
      itl_ms,
      chunk_times_ms,
      first_chunk_ms: ttft_ms,
      last_chunk_ms: chunk_times_ms.at(-1) ?? null,
      prompt_tokens: inputLens[i],
      completion_tokens,
      token_source: success ? "usage" : "none",
      output_chars: typeof texts?.[i] === "string" ? (texts[i] as string).length : 0,
      success,
      error: success ? null : { kind: "unknown", message: errors[i] as string },
    }));
  }
  const rate = value.request_rate === "inf"
    ? undefined
    : optionalNumberAt(value.request_rate, child(at, "request_rate")) ?? undefined;
  const extra = Object.fromEntries(
    Object.entries(value).filter(([key]) => !PER_REQUEST.includes(key)),
  );
  return foreignRun({
    tool: VLLM_BENCH_TOOL,
    version: null,
    file,
    run_id,
    label: typeof value.label === "string" && value.label
      ? `${value.label} (vllm bench)`
      : `vllm bench ${backend}`,
    url: "",
    endpoint,
    model,
    load: {
      rate,
      concurrency: optionalNumberAt(value.max_concurrency, child(at, "max_concurrency")) ??
        undefined,
      burstiness: optionalNumberAt(value.burstiness, child(at, "burstiness")) ?? 1,
      requests: n,
      warmup: 0,
      seed: 0,
    },
    started_ms,
    ended_ms,
    extra,
    missing: MISSING,
    mapping: "TTFT, ITL and E2E as vllm bench defines them: TTFT to the first message with " +
      "choices (the chat role chunk), ITL between all such messages; times in s made ms; " +
      "start times from perf_counter offsets after the start implied by date − duration, " +
      "date read as UTC",
  }, requests);
}

/** `YYYYMMDD-HHMMSS` (vllm bench's `date`, local time with no zone) as epoch ms, read as UTC. */
function dateMs(date: string, file: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(date);
  if (!m) {
    throw new FileFormatError(
      { file },
      `date must be YYYYMMDD-HHMMSS, got ${JSON.stringify(date)}`,
    );
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
