/**
 * The `gen_ai.request.id` fallback of `enrich`, as a pure function: which spans found by request
 * id are joined to which records. A span is joined only when it fits its record
 * ({@link requestIdMisfit}), when all the spans that fit the record are in one trace, and when no
 * other record of the run could claim the same span; otherwise nothing is joined and the reasons
 * are returned for the record's note. Ids that collide (another run, an older tool) therefore
 * cannot attach a span sent at another time, to another endpoint, or to two requests at once.
 *
 * @module
 */
import type { ServerSpan } from "../types.ts";
import { type FitContext, type FitRecord, requestIdMisfit, sortSpans, spanKey } from "./join.ts";

/** One record left without a span by the trace-id join, with the request ids to look for. */
export interface RequestIdClaim {
  /** The record (trace and span id normalised). */
  record: FitRecord;
  /** `gen_ai.request.id` values it may carry ({@link requestIdCandidates}), most likely first. */
  candidates: string[];
}

/** What {@link matchByRequestId} decided for one claim. */
export type RequestIdOutcome =
  /** Joined: the spans (one trace, sorted by start) and the request id they carry. */
  | { joined: ServerSpan[]; requestId: string }
  /** Not joined: why each span found was turned down (empty when none was found). */
  | { joined: null; reasons: string[] };

/**
 * Decides, for each claim (same order), which spans found by request id are joined to it.
 * `byRequestId` maps each candidate id to the spans the source found for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchByRequestId } from "./request_id_join.ts";
 * const record = {
 *   index: 0, trace_id: "a".repeat(32), span_id: "b".repeat(16), endpoint: "chat" as const,
 *   start_ms: 1000, e2e_ms: 500, prompt_tokens: null, token_source: "none" as const,
 * };
 * const [outcome] = matchByRequestId([{ record, candidates: ["chatcmpl-r"] }], new Map(), {
 *   spanName: "llm_request", clockSkewMs: 1000, used: new Set(), traceOwners: new Map(),
 * });
 * assert.deepEqual(outcome, { joined: null, reasons: [] });
 * ```
 */
export function matchByRequestId(
  claims: readonly RequestIdClaim[],
  byRequestId: ReadonlyMap<string, readonly ServerSpan[]>,
  context: FitContext,
): RequestIdOutcome[] {
  const tentative = claims.map((claim) => fittingSpans(claim, byRequestId, context));
  // A span that fits several records belongs to at most one of them: which one cannot be told.
  const claimants = new Map<string, number[]>();
  for (const [i, outcome] of tentative.entries()) {
    for (const span of outcome.joined ?? []) {
      const key = spanKey(span);
      claimants.set(key, [...(claimants.get(key) ?? []), claims[i].record.index]);
    }
  }
  return tentative.map((outcome, i) => {
    if (outcome.joined === null) return outcome;
    for (const span of outcome.joined) {
      const others = claimants.get(spanKey(span))!.filter((r) => r !== claims[i].record.index);
      if (others.length > 0) {
        return {
          joined: null,
          reasons: [
            `span ${span.span_id} of trace ${span.trace_id} fits request${
              others.length > 1 ? "s" : ""
            } ${others.map((r) => `#${r}`).join(", ")} as well, so it is joined to none`,
          ],
        };
      }
    }
    return outcome;
  });
}

/** The spans that fit one claim, if they are all in one trace; else why none is joined. */
function fittingSpans(
  claim: RequestIdClaim,
  byRequestId: ReadonlyMap<string, readonly ServerSpan[]>,
  context: FitContext,
): RequestIdOutcome {
  const seen = new Set<string>();
  const fits: ServerSpan[] = [];
  const reasons: string[] = [];
  for (const candidate of claim.candidates) {
    for (const span of byRequestId.get(candidate) ?? []) {
      const key = spanKey(span);
      if (seen.has(key)) continue; // the same span exported or listed twice
      seen.add(key);
      const misfit = span.attributes?.["gen_ai.request.id"] !== candidate
        ? `its gen_ai.request.id is ${JSON.stringify(span.attributes?.["gen_ai.request.id"])}`
        : requestIdMisfit(claim.record, span, context);
      if (misfit === null) fits.push(span);
      else reasons.push(`span ${span.span_id} of trace ${span.trace_id} not joined: ${misfit}`);
    }
  }
  if (fits.length === 0) return { joined: null, reasons };
  const traces = [...new Set(fits.map((s) => s.trace_id))];
  if (traces.length > 1) {
    return {
      joined: null,
      reasons: [`spans of ${traces.length} traces fit (${traces.join(", ")}), so none is joined`],
    };
  }
  return { joined: sortSpans(fits), requestId: fits[0].attributes["gen_ai.request.id"] as string };
}
