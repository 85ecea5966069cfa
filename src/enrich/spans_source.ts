/**
 * A {@link TraceSource} over spans already in memory — for example spans loaded from an
 * OTLP/JSON file with `flattenSpans`. It answers at once (nothing more will arrive).
 *
 * @module
 */
import type { ServerSpan, TraceSource } from "../types.ts";
import { normalizeTraceId } from "../otlp/ids.ts";
import { groupByTrace } from "./http_source.ts";

/**
 * Wraps a list of spans as a TraceSource (with the `gen_ai.request.id` fallback).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spansSource } from "./spans_source.ts";
 * import { flattenSpans } from "../otlp/spans.ts";
 * const otlp = { resourceSpans: [] }; // e.g. JSON.parse of an OTLP file export
 * const source = spansSource(flattenSpans(otlp).spans, { name: "file=spans.json" });
 * assert.equal(source.name, "file=spans.json");
 * ```
 */
export function spansSource(
  spans: readonly ServerSpan[],
  options: { name?: string } = {},
): TraceSource {
  if (!Array.isArray(spans)) {
    throw new TypeError(`spansSource: spans must be an array of ServerSpan, got ${spans}`);
  }
  const byTrace = groupByTrace([...spans]);
  const byRequestId = new Map<string, ServerSpan[]>();
  for (const span of spans) {
    const id = span.attributes?.["gen_ai.request.id"];
    if (typeof id !== "string") continue;
    const list = byRequestId.get(id);
    if (list) list.push(span);
    else byRequestId.set(id, [span]);
  }
  return {
    name: options.name ?? "spans",
    getSpans(traceIds) {
      const found = new Map<string, ServerSpan[]>();
      for (const raw of traceIds) {
        const spansOfTrace = byTrace.get(normalizeTraceId(raw) ?? raw);
        if (spansOfTrace) found.set(raw, spansOfTrace);
      }
      return Promise.resolve(found);
    },
    getSpansByRequestId(requestIds) {
      const found = new Map<string, ServerSpan[]>();
      for (const id of requestIds) {
        const matching = byRequestId.get(id);
        if (matching) found.set(id, matching);
      }
      return Promise.resolve(found);
    },
  };
}
