/**
 * vllm-metrics: the performance of a vLLM server measured per request, with the client's
 * timings (TTFT, TPOT, every inter-token gap, E2E) joined to vLLM's own `llm_request` span
 * (queue, prefill, decode) through a fresh W3C `traceparent` on every request.
 *
 * The pipeline returns data at every step:
 * `collect` → `enrich` → `toTable` → `summarize` → `plot.*`, with `save`/`load` in between.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   collect, enrich, plot, randomDataset, startReceiver, startSimulator, summarize, toTable,
 * } from "./mod.ts";
 * const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
 * // the simulator stands in for `vllm serve ... --otlp-traces-endpoint <receiver.grpcEndpoint>`
 * const sim = await startSimulator({ otlpEndpoint: receiver.grpcEndpoint!, exportDelayMs: 50 });
 * try {
 *   const run = await collect({
 *     url: sim.url,
 *     requests: randomDataset({ inputTokens: 128, outputTokens: 16 }),
 *     count: 8,
 *     concurrency: 4,
 *   });
 *   const enriched = await enrich(run, receiver, { timeoutMs: 5_000 });
 *   assert.ok(enriched.requests.every((r) => r.success && r.span_status === "found"));
 *   const table = toTable(enriched);
 *   const summary = summarize(table).objects()[0] as Record<string, unknown>;
 *   assert.equal(summary.succeeded, 8);
 *   assert.equal(typeof summary.ttft_ms_p50, "number");
 *   const spec = plot.ecdf(table, { metric: "ttft_ms" });
 *   assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * } finally {
 *   await sim.close();
 *   await receiver.close();
 * }
 * ```
 *
 * @module
 */
export type * from "./src/types.ts";

// collect: send requests and time them
export { collect, rampConcurrencyAt, rampRateAt } from "./src/collect/mod.ts";
export type { CollectOptions, ConcurrencyRamp, RateRamp } from "./src/collect/mod.ts";
export { clientMetrics, vllmBenchMetrics } from "./src/metrics/client.ts";
export type {
  ClientMetrics,
  ClientMetricsOptions,
  TimedMessage,
  VllmBenchInput,
  VllmBenchMetrics,
} from "./src/metrics/client.ts";
export { serverMetrics } from "./src/metrics/server.ts";
export { steadyStateWindow } from "./src/metrics/steady_state.ts";
export type { SteadyStateWindow, TimedRequest } from "./src/metrics/steady_state.ts";
export type { ServerMetrics } from "./src/metrics/server.ts";

// datasets
export {
  conversationsDataset,
  exactConversationTurns,
  exactPromptLengths,
  exactSharedPrefixes,
  exactTraceDataset,
  generatedConversations,
  jsonlDataset,
  parseTrace,
  prebuildExactPrompts,
  randomDataset,
  readTrace,
  serverTokenizer,
  sharedPrefixDataset,
  sharegptConversations,
  sharegptDataset,
  traceDataset,
} from "./src/datasets/mod.ts";
export type {
  ConversationScript,
  ConversationsOptions,
  ExactPromptOptions,
  GeneratedConversationsOptions,
  JsonlDatasetOptions,
  PromptTokenizer,
  RandomDatasetOptions,
  ScriptTurn,
  ServerTokenizerOptions,
  SharedPrefixOptions,
  SharegptConversationsOptions,
  SharegptDatasetOptions,
  ThinkTimeDistribution,
  TraceDatasetOptions,
  TraceEntry,
} from "./src/datasets/mod.ts";

// the simulator
export { FAULT_KINDS, startSimulator } from "./src/sim/mod.ts";
export type {
  FaultKind,
  FaultOptions,
  GroundTruthEntry,
  Simulator,
  SimulatorOptions,
  SpanExportStats,
} from "./src/sim/mod.ts";

// OTLP: the embedded receiver (the wire format itself is the second export, ./otlp.ts)
export { flattenSpans, normalizeSpanId, normalizeTraceId, startReceiver } from "./src/otlp/mod.ts";
export type { OtlpReceiver, ReceiverOptions, ReceiverStats, RejectedSpan } from "./src/otlp/mod.ts";

// enrich: join server spans; trace back ends; Prometheus
export {
  enrich,
  enrichRecord,
  jaegerSource,
  jaegerV3Source,
  prometheusDelta,
  scrapePrometheus,
  spansSource,
  tempoSource,
} from "./src/enrich/mod.ts";
export type {
  BackoffOptions,
  EnrichOptions,
  HttpSourceOptions,
  JaegerSourceOptions,
  ScrapeOptions,
  TempoSourceOptions,
} from "./src/enrich/mod.ts";

// tables and statistics
export { toChunkTable, toMetricsTable, toTable } from "./src/table/mod.ts";
export { percentile, prefixCacheUse, summarize } from "./src/summarize/mod.ts";
export type { PrefixCacheUse, SloOptions, SummarizeOptions } from "./src/summarize/mod.ts";

// comparisons: B against A with bootstrap confidence intervals
export { compareRuns, DEFAULT_RESAMPLES, resampleIndices } from "./src/compare/mod.ts";
export type { CompareRunsOptions, Verdict } from "./src/compare/mod.ts";

// load searches: the rates worth sweeping, the highest rate meeting an SLO
export { findMaxRate, rateAuto, spacedRates } from "./src/search/mod.ts";
export type {
  FindMaxRateOptions,
  MaxRateResult,
  ProbeCollectOptions,
  ProbeLoad,
  ProbeResult,
  ProbeRole,
  ProbeRunner,
  RateAutoOptions,
  RateAutoResult,
  RateBracket,
  SearchOptions,
  SearchPrecision,
} from "./src/search/mod.ts";

// charts, rendering, reports
export { plot, render, report, reportFromTables, specBundle } from "./src/plot/mod.ts";
export type {
  BreakdownOptions,
  ByTurnOptions,
  ChartOptions,
  CompareCiOptions,
  CompareOptions,
  EcdfOptions,
  HistogramOptions,
  InFlightOptions,
  ItlByPositionOptions,
  ItlOverTimeOptions,
  LatencyVsLoadOptions,
  ParetoOptions,
  RateSearchOptions,
  RenderOptions,
  ReportInput,
  ReportTables,
  ServerStateOptions,
  SweepOptions,
  TableLike,
  ThroughputOverTimeOptions,
  ThroughputVsLatencyOptions,
  TimelineOptions,
  VegaLiteBundle,
} from "./src/plot/mod.ts";

// files
export {
  FileFormatError,
  load,
  loadAll,
  NotARunFileError,
  save,
  timestampedName,
} from "./src/io/mod.ts";
export type { FileFormat, LoadAllOptions, LoadOptions, SaveOptions } from "./src/io/mod.ts";

// display and text
export {
  displayable,
  formatMetrics,
  formatSummary,
  showRun,
  showSummary,
  showTable,
  sideBySide,
} from "./src/display/mod.ts";
export type { DisplayableOptions, MimeBundle } from "./src/display/mod.ts";
