/**
 * A subset of vLLM V1's Prometheus metrics, same names, labels and buckets, in the text
 * exposition format prometheus_client writes (counters with `_total`, histograms with
 * `_bucket{le}`, `_sum`, `_count`; labels `model_name` then `engine`).
 *
 * @module
 */

/** vLLM's `vllm:time_to_first_token_seconds` buckets. */
export const TTFT_BUCKETS_S = [
  0.001,
  0.005,
  0.01,
  0.02,
  0.04,
  0.06,
  0.08,
  0.1,
  0.25,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  20,
  40,
  80,
  160,
  640,
  2560,
];
/** vLLM's request-latency buckets (e2e, queue, prefill, decode, inference). */
export const REQUEST_LATENCY_BUCKETS_S = [
  0.3,
  0.5,
  0.8,
  1,
  1.5,
  2,
  2.5,
  5,
  10,
  15,
  20,
  30,
  40,
  50,
  60,
  120,
  240,
  480,
  960,
  1920,
  7680,
];
/** vLLM's inter-token-latency / time-per-output-token buckets. */
export const ITL_BUCKETS_S = [
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.3,
  0.4,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  20,
  40,
  80,
];

/** Finish reasons vLLM counts in `vllm:request_success_total`. */
export const FINISHED_REASONS = ["stop", "length", "abort", "error", "repetition"] as const;
/** One of {@link FINISHED_REASONS}. */
export type FinishedReason = typeof FINISHED_REASONS[number];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: number[]) {
    this.counts = new Array(bounds.length).fill(0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) this.counts[i]++;
  }
}

/** Per-request latencies of a finished request, seconds. */
export interface FinishedRequestObservation {
  finished_reason: "stop" | "length";
  prompt_tokens: number;
  completion_tokens: number;
  ttft_s: number;
  e2e_s: number;
  queue_s: number;
  prefill_s: number;
  decode_s: number;
  inference_s: number;
}

function fmt(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

/** The engine's state, read at each exposition. */
export interface SchedulerState {
  running: number;
  waiting: number;
  /** Fraction of KV-cache blocks in use, 0–1 (default 0). */
  kv_cache_usage?: number;
  /** Requests preempted so far (default 0). */
  preemptions?: number;
}

/**
 * The simulator's metric registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SimMetrics } from "./prometheus.ts";
 * const m = new SimMetrics("sim", () => ({ running: 0, waiting: 0 }));
 * m.countAbort();
 * assert.ok(m.text().split("\n").includes(
 *   'vllm:request_success_total{model_name="sim",engine="0",finished_reason="abort"} 1.0',
 * ));
 * ```
 */
export class SimMetrics {
  readonly #labels: string;
  readonly #gauges: () => SchedulerState;
  readonly #success = new Map<FinishedReason, number>(FINISHED_REASONS.map((r) => [r, 0]));
  #promptTokens = 0;
  #generationTokens = 0;
  #prefixQueries = 0;
  #prefixHits = 0;
  readonly #ttft = new Histogram(TTFT_BUCKETS_S);
  readonly #e2e = new Histogram(REQUEST_LATENCY_BUCKETS_S);
  readonly #queue = new Histogram(REQUEST_LATENCY_BUCKETS_S);
  readonly #prefill = new Histogram(REQUEST_LATENCY_BUCKETS_S);
  readonly #decode = new Histogram(REQUEST_LATENCY_BUCKETS_S);
  readonly #inference = new Histogram(REQUEST_LATENCY_BUCKETS_S);
  readonly #tpot = new Histogram(ITL_BUCKETS_S);

  /** `gauges` is read at each exposition (scheduler state). */
  constructor(model: string, gauges: () => SchedulerState) {
    this.#labels = `model_name="${model.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}",engine="0"`;
    this.#gauges = gauges;
  }

  /** Records a request that finished normally (counters and every histogram). */
  observeFinished(o: FinishedRequestObservation): void {
    this.#success.set(o.finished_reason, this.#success.get(o.finished_reason)! + 1);
    this.#promptTokens += o.prompt_tokens;
    this.#generationTokens += o.completion_tokens;
    this.#ttft.observe(o.ttft_s);
    this.#e2e.observe(o.e2e_s);
    this.#queue.observe(o.queue_s);
    this.#prefill.observe(o.prefill_s);
    this.#decode.observe(o.decode_s);
    this.#inference.observe(o.inference_s);
    this.#tpot.observe(o.completion_tokens > 1 ? o.decode_s / (o.completion_tokens - 1) : 0);
  }

  /** Records one prefix-cache lookup, in tokens (queried and found). */
  countPrefixCache(queriedTokens: number, hitTokens: number): void {
    this.#prefixQueries += queriedTokens;
    this.#prefixHits += hitTokens;
  }

  /** Records an aborted request (client disconnect): counter only, as vLLM. */
  countAbort(): void {
    this.#success.set("abort", this.#success.get("abort")! + 1);
  }

  /** Records an engine error (a stream_error fault): counter only. */
  countError(): void {
    this.#success.set("error", this.#success.get("error")! + 1);
  }

  /** Prometheus text exposition (format 0.0.4). */
  text(): string {
    const l = this.#labels;
    const { running, waiting, kv_cache_usage = 0, preemptions = 0 } = this.#gauges();
    const out: string[] = [];
    const gauge = (name: string, help: string, value: number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}{${l}} ${fmt(value)}`);
    };
    const counter = (name: string, help: string, value: number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name}{${l}} ${fmt(value)}`);
    };
    const histogram = (name: string, help: string, h: Histogram) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      h.bounds.forEach((b, i) =>
        out.push(`${name}_bucket{${l},le="${fmt(b)}"} ${fmt(h.counts[i])}`)
      );
      out.push(`${name}_bucket{${l},le="+Inf"} ${fmt(h.count)}`);
      out.push(`${name}_count{${l}} ${fmt(h.count)}`, `${name}_sum{${l}} ${fmt(h.sum)}`);
    };
    gauge("vllm:num_requests_running", "Number of requests in model execution batches.", running);
    gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", waiting);
    gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", kv_cache_usage);
    counter(
      "vllm:num_preemptions_total",
      "Cumulative number of preemption from the engine.",
      preemptions,
    );
    out.push(
      "# HELP vllm:request_success_total Count of successfully processed requests.",
      "# TYPE vllm:request_success_total counter",
    );
    for (const reason of FINISHED_REASONS) {
      out.push(
        `vllm:request_success_total{${l},finished_reason="${reason}"} ${
          fmt(this.#success.get(reason)!)
        }`,
      );
    }
    counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", this.#promptTokens);
    counter(
      "vllm:generation_tokens_total",
      "Number of generation tokens processed.",
      this.#generationTokens,
    );
    counter(
      "vllm:prefix_cache_queries_total",
      "Prefix cache queries, in terms of number of queried tokens.",
      this.#prefixQueries,
    );
    counter(
      "vllm:prefix_cache_hits_total",
      "Prefix cache hits, in terms of number of cached tokens.",
      this.#prefixHits,
    );
    histogram(
      "vllm:time_to_first_token_seconds",
      "Histogram of time to first token in seconds.",
      this.#ttft,
    );
    histogram(
      "vllm:e2e_request_latency_seconds",
      "Histogram of e2e request latency in seconds.",
      this.#e2e,
    );
    histogram(
      "vllm:request_queue_time_seconds",
      "Histogram of time spent in WAITING phase for request.",
      this.#queue,
    );
    histogram(
      "vllm:request_prefill_time_seconds",
      "Histogram of time spent in PREFILL phase for request.",
      this.#prefill,
    );
    histogram(
      "vllm:request_decode_time_seconds",
      "Histogram of time spent in DECODE phase for request.",
      this.#decode,
    );
    histogram(
      "vllm:request_inference_time_seconds",
      "Histogram of time spent in RUNNING phase for request.",
      this.#inference,
    );
    histogram(
      "vllm:request_time_per_output_token_seconds",
      "Histogram of time_per_output_token_seconds per request.",
      this.#tpot,
    );
    return out.join("\n") + "\n";
  }
}
