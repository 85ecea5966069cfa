/**
 * A run whose trace source returned no span at all is one problem, not N: the server is not
 * exporting to this source. This module says so once, in `meta.warnings`, with the likely causes.
 *
 * @module
 */

import type { RequestRecord, Run } from "../types.ts";

/** The note each unjoined record gets instead of a repeated per-request explanation. */
export const NO_SPANS_NOTE = "no span arrived for any request of this run: see the run's warnings";

/**
 * When no record of `run` was joined to a span and every one looked up in vain (`not_found`)
 * has only the plain "no span by the deadline" note (no mismatch, candidate or source error),
 * returns the run with one warning in `meta.warnings` naming the likely causes (the server's
 * `--otlp-traces-endpoint`, the port, sampling), and replaces those N identical notes with a
 * short pointer to it; otherwise returns the run unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainNoSpans, NO_SPANS_NOTE } from "./zero_spans.ts";
 * import { makeRecord, makeRun } from "../table/_fixtures.ts";
 * const lost = makeRecord({
 *   span_status: "not_found",
 *   span_note: "no llm_request span for trace 0af7 by the deadline (waited 5000 ms)",
 * });
 * const run = explainNoSpans(makeRun([lost, { ...lost, index: 1 }]), "embedded");
 * assert.match(run.meta.warnings![0], /^No server span arrived for any of the 2 requests/);
 * assert.equal(run.requests[1].span_note, NO_SPANS_NOTE);
 * ```
 */
export function explainNoSpans(run: Run, sourceName: string): Run {
  const joined = run.requests.some((r) =>
    r.span_status === "found" || r.span_status === "found_by_request_id"
  );
  const lost = run.requests.filter((r) => r.span_status === "not_found");
  // A note naming a mismatch, a rejected candidate or the source's error means spans (or errors)
  // did arrive: that is a different problem, told per request.
  if (joined || lost.length === 0 || !lost.every((r) => isPlainDeadlineNote(r.span_note))) {
    return run;
  }
  const warning =
    `No server span arrived for ${
      lost.length === 1 ? "the 1 request" : `any of the ${lost.length} requests`
    } from ${withoutUserinfo(sourceName)}` +
    ` (first note: ${lost[0].span_note ?? "none"}). Likely causes: vLLM was not started with` +
    " --otlp-traces-endpoint pointing at this source (host and port as the server sees them," +
    " e.g. the receiver's grpcEndpoint); the port is not reachable from the server (firewall," +
    " container network); or tracing is sampled out (OTEL_TRACES_SAMPLER)." +
    " Server-side columns are empty for this run.";
  const requests = run.requests.map((r): RequestRecord =>
    r.span_status === "not_found" ? { ...r, span_note: NO_SPANS_NOTE } : r
  );
  return {
    meta: { ...run.meta, warnings: [...(run.meta.warnings ?? []), warning] },
    requests,
  };
}

const PLAIN_DEADLINE_NOTE =
  /^no \S+ span for trace [0-9a-f]+ by the deadline \(waited \d+ ms\)(; none found by gen_ai\.request\.id .* either)?$/;

function isPlainDeadlineNote(note: string | null): boolean {
  return note !== null && PLAIN_DEADLINE_NOTE.test(note);
}

/** A source name with any `user:password@` of its URL removed: warnings are saved with the run. */
function withoutUserinfo(name: string): string {
  return name.replace(/\/\/[^/@\s]*@/g, "//");
}
