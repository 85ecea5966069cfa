/**
 * Enrichment: join request records to vLLM's `llm_request` spans, from the embedded receiver,
 * Jaeger (v1 or api_v3), Tempo or spans in memory; and Prometheus scrapes around a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enrich, spansSource } from "./mod.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const run = makeRun([makeRecord()]); // e.g. from collect
 * const enriched = await enrich(run, spansSource([]), { timeoutMs: 1000 }); // no span anywhere
 * assert.equal(enriched.requests[0].span_status, "not_found"); // with the reason in span_note
 * ```
 *
 * @module
 */
export { enrich, type EnrichOptions, enrichRecord } from "./enrich.ts";
export { jaegerSource, type JaegerSourceOptions } from "./jaeger.ts";
export { jaegerV3Source } from "./jaeger_v3.ts";
export { tempoSource, type TempoSourceOptions } from "./tempo.ts";
export { spansSource } from "./spans_source.ts";
export type { HttpSourceOptions } from "./http_source.ts";
export type { BackoffOptions } from "./retry.ts";
export {
  parsePrometheusText,
  prometheusDelta,
  type ScrapeOptions,
  scrapePrometheus,
} from "./prometheus.ts";
export { jaegerResponseToSpans } from "./jaeger_v1_spans.ts";
export { joinByTraceId, requestIdCandidates } from "./join.ts";
