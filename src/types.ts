/**
 * The records that flow between the pipeline's stages:
 * `collect` → {@link Run} → `enrich` → {@link Run} → `toTable` → `summarize` → `plot`.
 *
 * Field names carry their units (`_ms`, `_tokens`); every metric is defined once, in
 * docs/metrics.md, and computed in src/metrics/.
 *
 * @module
 */

/** Which OpenAI-compatible endpoint a request goes to. */
export type Endpoint = "chat" | "completions";

/** One chat message, as the OpenAI API takes it. */
export interface ChatMessage {
  /** Author role: system, user, assistant or tool. */
  role: string;
  /** Text, or an array of content parts. */
  content: string | unknown[] | null;
  /** Any other message field (name, tool_calls, ...), passed through. */
  [key: string]: unknown;
}

/**
 * One request to send: a chat conversation or a completions prompt, plus any body parameters.
 * Produced by datasets (src/datasets) or by the user.
 */
export interface RequestSpec {
  /** Chat messages (for the chat endpoint). */
  messages?: ChatMessage[];
  /** Prompt (for the completions endpoint). A chat request built from a prompt gets one user message. */
  prompt?: string;
  /** Output token budget for this request (sent as `max_tokens`). */
  max_tokens?: number;
  /** Any other body parameters (temperature, top_p, stop, seed, ignore_eos, ...), passed through. */
  params?: Record<string, unknown>;
  /** A free-form tag copied to the record (for grouping, e.g. the dataset name). */
  tag?: string;
  /** The dataset's own estimate of the prompt length in tokens, when it has one. */
  prompt_tokens_estimate?: number;
  /** The prompt length the dataset was asked for, in tokens (random dataset), when there is one. */
  prompt_tokens_requested?: number;
  /**
   * When to send it, in ms after the measured run's start (trace replay); overrides the rate's
   * arrivals, and `lateness_ms` is measured against it.
   */
  send_at_ms?: number;
  /**
   * The conversation this request is a turn of (multi-turn datasets, `conversationsDataset`):
   * its id and turn are copied to the record. When `answered` is set, collect captures the
   * response's generated text (content only, never stored in the record) and calls it once the
   * request has finished.
   */
  conversation?: ConversationTurn;
}

/** One turn of a multi-turn conversation, as a {@link RequestSpec} carries it. */
export interface ConversationTurn {
  /** Conversation id, copied to `RequestRecord.conversation_id`. */
  id: string;
  /** Turn number, 1 for the first user message; copied to `RequestRecord.turn`. */
  turn: number;
  /**
   * Called by collect when this turn's measured request has finished (failed ones too), with
   * its record and the generated answer text: the content of the first choice (reasoning and
   * tool calls left out), or null when none arrived. The next turn's history is built from it.
   */
  answered?(record: RequestRecord, answer: string | null): void;
}

/** Short, stable names for the ways a request can fail. */
export type ErrorKind =
  /**
   * HTTP status ≥ 400 before the stream started, or a redirect (3xx, not followed); `status` and
   * the server's error fields are set.
   */
  | "http_error"
  /** Could not connect (refused, unreachable, DNS). */
  | "connection_refused"
  /** The connection was closed or reset while the response was being read. */
  | "connection_reset"
  /** The request's total deadline passed, or it was idle too long (no headers, a stalled stream). */
  | "timeout"
  /** HTTP 200, then a `data: {"error": ...}` event in the stream. */
  | "stream_error"
  /** The stream ended without `data: [DONE]`. */
  | "incomplete_stream"
  /** An SSE line or JSON payload could not be parsed, or a stream was answered with another content type. */
  | "malformed_stream"
  /** The response exceeded the configured size limit. */
  | "response_too_large"
  /** One SSE event exceeded the configured size limit (`maxEventChars`). */
  | "event_too_large"
  /** Stopped by the caller's AbortSignal. */
  | "aborted"
  /** Anything else (the message says what). */
  | "unknown";

/** Why a request failed: a short kind plus the details the server or the network gave. */
export interface RequestError {
  /** What kind of failure. */
  kind: ErrorKind;
  /** One line, human readable; never contains the API key. */
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
  /** vLLM's `error.type` (e.g. `BadRequestError`), when given. */
  type?: string;
  /** vLLM's `error.param`, when given. */
  param?: string | null;
}

/** Where a record's token counts came from. */
export type TokenSource = "usage" | "continuous_usage" | "estimate" | "none";

/** Whether and why a record has server-side (span) metrics. */
export type SpanStatus =
  /**
   * Joined by trace context: the span has the record's trace id and its parent is the span id
   * the client sent in `traceparent`. No other request can have produced it.
   */
  | "found"
  /**
   * Joined by `gen_ai.request.id` because the trace had no such span: the span carries one of
   * the record's request-id forms, served the same endpoint, started and ended inside the
   * request's client window ± the clock-skew allowance, and fits no other request of the run.
   * Weaker than `found`: a request with the same X-Request-Id sent at the same time by another
   * client could not be told apart (collect's ids carry 64 random bits so that none does).
   */
  | "found_by_request_id"
  /** The trace source was asked, but no span arrived by the deadline. */
  | "not_found"
  /** The request failed or was aborted: vLLM exports no span for those. */
  | "request_failed"
  /** The request was sent with an unsampled traceparent (flags `00`): vLLM exports nothing. */
  | "unsampled"
  /** `enrich` has not been run on this record. */
  | "not_enriched";

/**
 * One `llm_request` span as vLLM exported it, reduced to what the join needs.
 * Times stay as decimal strings of epoch nanoseconds (they exceed 2^53) plus a float ms copy.
 */
export interface ServerSpan {
  /** 32 lower-case hex chars. */
  trace_id: string;
  /** 16 lower-case hex chars. */
  span_id: string;
  /** The parent's span id (the client's, for a joined span); null for a root span. */
  parent_span_id: string | null;
  /** Span name, `llm_request` for vLLM's request span. */
  name: string;
  /** OTLP SpanKind number (2 = SERVER). */
  kind: number;
  /** Start, epoch nanoseconds as a decimal string (the server's arrival time). */
  start_time_unix_nano: string;
  /** End, epoch nanoseconds as a decimal string. */
  end_time_unix_nano: string;
  /** Epoch ms, float (precision ~0.25 µs at today's epoch). */
  start_ms: number;
  /** Epoch ms of the end, float. */
  end_ms: number;
  /** Span attributes, int64 values converted to numbers. */
  attributes: Record<string, AttributeValue>;
  /** Resource attributes (service.name, ...). */
  resource: Record<string, AttributeValue>;
  /** Instrumentation scope name. */
  scope: string;
}

/** An OpenTelemetry attribute value after decoding. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/**
 * Everything measured about one request. Client-side fields come from `collect`; `server_*`
 * fields from `enrich`. Times relative to the request are ms since `start_ms`. Each metric
 * field is defined once, in docs/metrics.md under its name (with the code that computes it);
 * the comments here only say what it is.
 */
export interface RequestRecord {
  /** Run this record belongs to. */
  run_id: string;
  /** Position in the run's measured requests (warmup excluded), 0-based. */
  index: number;
  /** Value sent as `X-Request-Id`: unique per request (64 random bits per collect call + index). */
  request_id: string;
  /** 32 lower-case hex chars, sent in `traceparent`. */
  trace_id: string;
  /** 16 lower-case hex chars: the client's span id sent in `traceparent` (the server span's parent). */
  span_id: string;
  /** Whether the traceparent was sent with the sampled flag (`-01`). */
  sampled: boolean;
  /** The response's `id` (`chatcmpl-...`, `cmpl-...`), null if none arrived. */
  response_id: string | null;
  /** Endpoint the request went to. */
  endpoint: Endpoint;
  /** Model name sent in the body. */
  model: string;
  /** Whether the request asked for a streamed response. */
  stream: boolean;
  /** Dataset tag of the request spec, if any. */
  tag: string | null;
  /** Body parameters sent, except the prompt/messages. */
  params: Record<string, unknown>;

  /** Epoch ms at which the load generator meant to send the request. */
  scheduled_ms: number;
  /** Epoch ms at which the request was actually sent (monotonic clock anchored once to the epoch). */
  start_ms: number;
  /** How late the client sent the request; large values mean a saturated client. */
  lateness_ms: number;
  /** Time to response headers. */
  headers_ms: number | null;
  /** Time to the first chunk carrying generated content. */
  ttft_ms: number | null;
  /** Time to the end of the response (`[DONE]` or end of body). */
  e2e_ms: number | null;
  /** Time per output token after the first; null when it cannot be measured. */
  tpot_ms: number | null;
  /** Gaps between successive content chunks. */
  itl_ms: number[];
  /** Arrival time of every content chunk, ms since start. */
  chunk_times_ms: number[];
  /** Tokens in each content chunk, when the server tells (continuous usage stats); else null. */
  chunk_tokens: number[] | null;
  /** Arrival of the first SSE message with non-empty `choices` (vllm bench's TTFT point). */
  first_chunk_ms: number | null;
  /** Arrival of the last SSE message before `[DONE]` (vllm bench's chat E2E point). */
  last_chunk_ms: number | null;
  /**
   * Arrival of each message with non-empty `choices` but no generated content (the chat role
   * chunk, an empty finish chunk), ms since start. Merged with chunk_times_ms it gives vllm
   * bench's per-chunk view (see `vllmBenchMetrics`). Set by collect; absent in older records.
   */
  non_content_chunk_times_ms?: number[];

  /** Prompt tokens (see token_source). */
  prompt_tokens: number | null;
  /** Generated tokens (see token_source). */
  completion_tokens: number | null;
  /** Where the token counts came from. */
  token_source: TokenSource;
  /** The last non-null `finish_reason` (stop, length, ...). */
  finish_reason: string | null;
  /** Characters of generated text (content + reasoning + tool-call arguments). */
  output_chars: number;

  /** Whether the response completed: HTTP 2xx, no error event, `[DONE]` (streams). */
  success: boolean;
  /** Why it failed, when success is false. */
  error: RequestError | null;

  // ---- filled by enrich (src/enrich), null until then ----
  /** Whether and why server metrics are present. */
  span_status: SpanStatus;
  /**
   * Why the span is missing, in words, when span_status is not "found". For a span joined by
   * `gen_ai.request.id` (`found_by_request_id`), how and why it was joined; otherwise null.
   */
  span_note: string | null;
  /** Link to this trace in the back end's UI (Jaeger/Tempo), when known. */
  trace_url: string | null;
  /** Time waiting for the scheduler (`gen_ai.latency.time_in_queue`, engine clock). */
  server_queue_ms: number | null;
  /** Prefill time (`gen_ai.latency.time_in_model_prefill`). */
  server_prefill_ms: number | null;
  /** Decode time (`gen_ai.latency.time_in_model_decode`). */
  server_decode_ms: number | null;
  /** Inference time (`gen_ai.latency.time_in_model_inference`, or prefill + decode). */
  server_inference_ms: number | null;
  /** The server's TTFT (`gen_ai.latency.time_to_first_token`). */
  server_ttft_ms: number | null;
  /** The server's end-to-end time (`gen_ai.latency.e2e`). */
  server_e2e_ms: number | null;
  /** V0 only. */
  server_scheduler_ms: number | null;
  /** V0 only, with --collect-detailed-traces. */
  server_model_forward_ms: number | null;
  /** V0 only, with --collect-detailed-traces. */
  server_model_execute_ms: number | null;
  /** `gen_ai.usage.prompt_tokens`. */
  server_prompt_tokens: number | null;
  /** `gen_ai.usage.completion_tokens`. */
  server_completion_tokens: number | null;
  /** Epoch ms of the span's start (the server's arrival time). */
  server_start_ms: number | null;
  /** The client's TTFT minus the server's: what the client saw on top of the server's TTFT. */
  client_overhead_ms: number | null;
  /** The server's e2e time outside its queue and inference: the frontend's share. */
  server_frontend_ms: number | null;
  /** All spans joined to this request (n>1 gives one per choice); the scalars above use the first. */
  server_spans: ServerSpan[];
  /**
   * Values that could not be kept as they came (a non-finite number from the server, e.g. a
   * token count of 1e309, becomes null; see docs/FILES.md), one note each: `field: what`. Absent
   * when every value was kept.
   */
  value_notes?: string[];
  /**
   * What the server's stream did wrong without failing the request, one note each: messages
   * after `data: [DONE]` (ignored), a connection kept open after it (closed by the client).
   * Absent when there was nothing to note.
   */
  stream_notes?: string[];
  /**
   * The prompt length the dataset was asked for (`--input-tokens`), beside the server's count in
   * `prompt_tokens`. Absent when the request had no target length, and in older records.
   */
  prompt_tokens_requested?: number;
  /**
   * The conversation this request was a turn of (multi-turn datasets; see `turn`). Absent for
   * requests that are no conversation's turn, and in older records (null in tables).
   */
  conversation_id?: string;
  /**
   * Turn number within `conversation_id`, 1 for the first user message; its history carried
   * the previous turns' actual answers. Absent (null in tables) outside conversations.
   */
  turn?: number;
  /**
   * The request rate in force at the request's scheduled time, req/s: the ramped rate during a
   * rate ramp (`rampRateAt`), else the run's `rate`. Set by collect; absent when no finite rate
   * paced the run (closed loop, trace replay), and in older records (null in tables).
   */
  load_rate_rps?: number;
  /**
   * The in-flight allowance when the request took its slot: the ramped limit during a
   * concurrency ramp (`rampConcurrencyAt`), else the run's `concurrency`. Set by collect; absent
   * when in-flight requests were unlimited, and in older records (null in tables).
   */
  load_concurrency?: number;
  /**
   * Reasoning models: time to the first chunk carrying output that is not reasoning (content
   * text or a tool call). Equals `ttft_ms` when nothing reasoned first; null when no output
   * arrived (the budget ran out while reasoning) and for non-streamed requests. Absent in older
   * records (null in tables). docs/metrics.md, "Reasoning models".
   */
  ttfot_ms?: number | null;
  /**
   * Reasoning tokens as the server's usage reports them
   * (`usage.completion_tokens_details.reasoning_tokens`, part of `completion_tokens`); null when
   * the server does not say (vLLM without a reasoning parser, or older than #45802). Absent in
   * older records (null in tables).
   */
  reasoning_tokens?: number | null;
  /**
   * Streamed chunks that carried reasoning text (`delta.reasoning` or the older
   * `delta.reasoning_content`), counted by the client: chunks, not tokens. Null for non-streamed
   * requests; absent in older records (null in tables).
   */
  reasoning_chunks?: number | null;
}

/** How the load was shaped. */
export interface LoadSpec {
  /** Max requests in flight (closed loop); undefined = unlimited. */
  concurrency?: number;
  /** Mean requests per second (open loop); undefined = send as fast as concurrency allows. */
  rate?: number;
  /** Gamma shape of inter-arrival times: 1 = Poisson, < 1 burstier, > 1 steadier. */
  burstiness: number;
  /** Number of measured requests, if bounded by count. */
  requests?: number;
  /** Duration bound in seconds, if bounded by time. */
  duration_s?: number;
  /** Warmup requests sent first and kept out of the results. */
  warmup: number;
  /** Seed of the arrival schedule (and of the dataset, when the CLI builds it). */
  seed: number;
  /** This client's part of a load split over several machines. */
  shard?: { index: number; count: number };
  /** The rate's rise to `rate` (see `rampRateAt` for the load in force at a time). */
  ramp?: { shape: "linear" | "exp"; duration_s: number; start_rate: number };
  /**
   * The in-flight allowance's rise to `concurrency` (see `rampConcurrencyAt` for the allowance
   * at a time).
   */
  concurrency_ramp?: { shape: "linear" | "exp"; duration_s: number; start_concurrency: number };
}

/** Server-side Prometheus counters/histograms, before and after a run. */
export interface PrometheusSnapshot {
  /** Epoch ms of the scrape. */
  at_ms: number;
  /** Metric series name with labels (`name{a="b"}`) → value. */
  values: Record<string, number>;
  /**
   * Optional: metric family name → type from the `# TYPE` lines (`counter`, `gauge`,
   * `histogram`, `summary`, `untyped`), so deltas need not guess from name suffixes.
   */
  types?: Record<string, string>;
}

/**
 * The server's vLLM gauges and counters scraped from `/metrics` during a run, by column: one
 * entry of `at_ms` per successful scrape, and per series the value at each scrape (null when the
 * series was absent from that scrape). See docs/metrics.md "The server's state during the run".
 */
export interface ServerMetricsSeries {
  /** The scraped URL (`<server>/metrics`). */
  url: string;
  /** The requested time between scrapes, ms. */
  interval_ms: number;
  /** Epoch ms of each successful scrape (when it was sent). */
  at_ms: number[];
  /** Series key (`vllm:kv_cache_usage_perc{engine="0",model_name="m"}`) → value per scrape. */
  values: Record<string, (number | null)[]>;
  /** Metric family → `gauge` or `counter`, from the `# TYPE` lines. */
  types: Record<string, string>;
  /** Scrapes that failed (unreachable, HTTP error, timeout, not Prometheus text). */
  failures: number;
  /** Ticks skipped because the previous scrape was still running. */
  skipped: number;
  /** The last failure's message, or null. */
  last_error: string | null;
}

/** The dataset a run sent (`meta.dataset`): which one, its settings, and the file it read. */
export interface DatasetInfo {
  /** The dataset function: `random`, `sharegpt`, `jsonl`, `trace`, `shared-prefix`. */
  name: string;
  /** The file it read, as given. */
  path?: string;
  /** SHA-256 (hex) of that file's text. */
  sha256?: string;
  /** Its options: input/output tokens, range ratio, seed, count, ... (null when not set). */
  settings: Record<string, string | number | boolean | null>;
}

/** Everything about a run except its records. */
export interface RunMeta {
  /** File format version; see src/io. */
  schema_version: 1;
  /** Random hex id of the run (shared by the shards of one run). */
  run_id: string;
  /** Human label (defaults to the run id). */
  label: string;
  /** ISO 8601 time the run started. */
  created_at: string;
  /** Server base URL (no credentials). */
  url: string;
  /** Endpoint the requests went to. */
  endpoint: Endpoint;
  /** Model served (resolved from /v1/models when `auto`). */
  model: string;
  /** How the load was shaped. */
  load: LoadSpec;
  /** Epoch ms of the first send and of the last completion; duration_ms = ended − started. */
  started_ms: number;
  /** Epoch ms when the last request finished. */
  ended_ms: number;
  /** ended_ms − started_ms. */
  duration_ms: number;
  /** Whether the run was stopped early (signal or Ctrl-C). */
  interrupted: boolean;
  /** The tool that measured and where. */
  client: { tool: string; version: string; runtime: string; hostname: string };
  /** Name of the trace source used by enrich, if any. */
  trace_source: string | null;
  /** Prometheus scrapes around the run (enrich's optional scrape). */
  prometheus: { before: PrometheusSnapshot; after: PrometheusSnapshot } | null;
  /** vLLM's gauges and counters scraped during the run (`scrapeInterval`); absent when off. */
  server_metrics?: ServerMetricsSeries;
  /** Free-form key/values the user attached. */
  extra: Record<string, unknown>;
  /**
   * The user's tags (`metadata` in collect, `--metadata key=value`: GPU, TP, max-num-seqs, ...)
   * and `vllm_version` from the server's `/version`; `toTable` makes each a column.
   */
  metadata?: Record<string, string>;
  /** The dataset the requests came from, when a dataset function of this library made them. */
  dataset?: DatasetInfo;
  /**
   * Set by `load(path, { salvage: true })` (src/io) when it skipped unreadable lines or rows:
   * how many, and the first few reasons (each naming the file and line).
   */
  salvage?: SalvageReport;
  /**
   * Problems that did not stop the run but the reader should know of, e.g. the crash-safe
   * `.jsonl` log could not be written (so it is incomplete). Absent when there were none.
   */
  warnings?: string[];
  /**
   * Set when the run was read from another tool's result file (vllm bench serve, GuideLLM,
   * AIPerf; see docs/FILES.md): which tool and version, and what the file had no source for.
   * Absent for runs measured by this tool.
   */
  source?: RunSource;
}

/** Where a run read from another benchmark tool's result file came from. */
export interface RunSource {
  /** The tool that measured: `vllm bench serve`, `guidellm` or `aiperf`. */
  tool: string;
  /** The tool's version, when the file records it; else null. */
  version: string | null;
  /** The file it was read from. */
  file: string;
  /** Record and meta fields the file had no source for (left null, empty or 0). */
  missing: string[];
  /** One line: how the file's values were mapped, and what is missing. */
  note: string;
}

/** What a salvaging load skipped. */
export interface SalvageReport {
  /** Lines or rows skipped. */
  skipped_lines: number;
  /** Up to 10 error messages, `file:line: reason`. */
  errors: string[];
}

/** A benchmark run: its description and one record per measured request. */
export interface Run {
  /** Everything about the run except its records. */
  meta: RunMeta;
  /** One record per measured request, in send order. */
  requests: RequestRecord[];
}

/** Progress of a running collect, for progress bars. */
export interface Progress {
  /** Requests finished (failed ones included). */
  done: number;
  /** Requests finished with success false. */
  failed: number;
  /** Requests sent and not finished. */
  in_flight: number;
  /** Requests planned, when bounded by count. */
  total: number | null;
  /** Time since the measured run started. */
  elapsed_ms: number;
  /** Output tokens per second over the last few seconds. */
  output_tokens_per_s: number;
}

/** SLOs for goodput, in ms, as `vllm bench serve --goodput`. */
export interface Slo {
  /** Time-to-first-token SLO. */
  ttft_ms?: number;
  /** Time-per-output-token SLO (0 is used for outputs of ≤ 1 token, as vllm bench does). */
  tpot_ms?: number;
  /** End-to-end latency SLO. */
  e2e_ms?: number;
}

/** A Vega-Lite spec (v5 `$schema`), as produced by src/plot. */
export type VegaLiteSpec = { $schema: string; [key: string]: unknown };

/** How a {@link TraceSource} lookup waits and what it looks for. */
export interface SpanQuery {
  /** Epoch ms after which the source stops waiting for late spans (after one last look). */
  deadline_ms: number;
  /** Stops waiting at once. */
  signal?: AbortSignal;
  /**
   * Optional: a trace counts as found only once it holds a span of this name (e.g.
   * `llm_request`); until then the source keeps waiting. Sources may ignore it.
   */
  span_name?: string;
  /**
   * Optional: epoch-ms window in which the spans started, so a back end with a search API
   * can find many traces in one query before fetching the rest by id. Sources may ignore it.
   */
  time_window?: { start_ms: number; end_ms: number };
  /**
   * Optional: called with a one-line description whenever the back end fails (HTTP error,
   * connection refused, invalid JSON, timeout); `traceId` is set when the failure concerns
   * one trace. `enrich` puts the last one in the span_note of records left without a span.
   */
  onError?: (message: string, traceId?: string) => void;
}

/**
 * Where `enrich` gets spans from: the embedded OTLP receiver, Jaeger, or Tempo.
 */
export interface TraceSource {
  /** Short name for run metadata, e.g. `embedded`, `jaeger=http://host:16686`. */
  readonly name: string;
  /**
   * Spans of the given traces (32-hex ids), waiting for late ones until `deadline_ms` (epoch ms).
   * Returns only the traces found; a missing key means not found by the deadline.
   */
  getSpans(traceIds: string[], options: SpanQuery): Promise<Map<string, ServerSpan[]>>;
  /**
   * Optional fallback used by `enrich` when the trace-id join finds nothing: spans whose
   * `gen_ai.request.id` attribute equals one of the given ids (`chatcmpl-<X-Request-Id>`,
   * `cmpl-<X-Request-Id>-0`), keyed by that id. Same waiting and options as
   * {@link TraceSource.getSpans}; a missing key means not found. `enrich` joins such a span only
   * if it fits the request (span_status `found_by_request_id`).
   */
  getSpansByRequestId?(
    requestIds: string[],
    options: SpanQuery,
  ): Promise<Map<string, ServerSpan[]>>;
  /** Link to a trace in the back end's UI, if it has one. */
  traceUrl?(traceId: string): string;
}
