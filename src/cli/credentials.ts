/**
 * Keeping credentials out of what bench shows and saves: a URL's userinfo (`http://user:pw@host`)
 * is used for the requests but removed from every URL printed or written, and the secrets
 * themselves are scrubbed from the text the trace back ends and servers echo back.
 *
 * @module
 */

import type { RequestRecord, Run } from "../types.ts";
import { redact } from "../collect/errors.ts";

/**
 * `url` without its userinfo (`user:password@`); other text is returned as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutCredentials } from "./credentials.ts";
 * assert.equal(withoutCredentials("http://alice:pw@gpu:8000/v1"), "http://gpu:8000/v1");
 * ```
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, "$1");
}

/**
 * A function that removes the userinfo of `url` (`user:password@`) from any text and replaces its
 * password (as written and decoded) with `[redacted]`; text without them is returned unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { credentialScrubber } from "./credentials.ts";
 * const scrub = credentialScrubber("http://u:s3cret@jaeger:16686");
 * assert.equal(scrub("GET http://u:s3cret@jaeger:16686/api failed"), "GET http://jaeger:16686/api failed");
 * assert.equal(scrub("echo s3cret"), "echo [redacted]");
 * ```
 */
export function credentialScrubber(url: string | null): (text: string) => string {
  const match = url === null ? null : /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]*)@/i.exec(url);
  if (!match) return (text) => text;
  const userinfo = `${match[1]}@`;
  const colon = match[1].indexOf(":");
  const password = colon < 0 ? "" : match[1].slice(colon + 1);
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // not percent-encoded
  }
  const secrets = [...new Set([password, decoded])].filter((p) => p !== "");
  return (text) => redact(text.split(userinfo).join(""), secrets);
}

/**
 * `run` with `scrub` applied to the texts a server or trace back end can echo: `response_id`,
 * `span_note`, `trace_url`, the error message and `meta.trace_source`.
 */
export function scrubRun(run: Run, scrub: (text: string) => string): Run {
  const clean = (text: string | null) => text === null ? null : scrub(text);
  const scrubRecord = (record: RequestRecord): RequestRecord => ({
    ...record,
    response_id: clean(record.response_id),
    span_note: clean(record.span_note),
    trace_url: clean(record.trace_url),
    error: record.error === null ? null : { ...record.error, message: scrub(record.error.message) },
  });
  return {
    ...run,
    meta: { ...run.meta, trace_source: clean(run.meta.trace_source) },
    requests: run.requests.map(scrubRecord),
  };
}

/**
 * The warning bench prints when its OTLP receiver listens beyond loopback without a token
 * (anyone who can reach it could send spans and fill its memory), or null when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openReceiverWarning } from "./credentials.ts";
 * assert.equal(openReceiverWarning("127.0.0.1", null), null);
 * assert.equal(openReceiverWarning("0.0.0.0", "t0ken"), null);
 * assert.match(openReceiverWarning("0.0.0.0", null)!, /without a token/);
 * ```
 */
export function openReceiverWarning(host: string, token: string | null): string | null {
  if (token !== null || isLoopback(host)) return null;
  return `the OTLP receiver listens on ${host} without a token: anyone who can reach it can ` +
    "send spans (and use its memory); give --otlp-token-file FILE and start vLLM with " +
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS='authorization=Bearer%20<token>'";
}

/** Whether an address only accepts connections from this machine. */
function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(host);
}
