/**
 * Runs vllm_span_emitter.py (vLLM's span code path on the real OpenTelemetry Python SDK and
 * exporters) from Deno, and builds the per-request engine timestamps it turns into attributes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { AttributeValue, ServerSpan } from "../../../src/types.ts";
import { otelPython } from "../_parts.ts";

const SCRIPT = fileURLToPath(new URL("./vllm_span_emitter.py", import.meta.url));

/** What vLLM knows of a finished request when it traces it (RequestStateStats and params). */
export interface RequestStats {
  /** `{"traceparent": ..., "tracestate"?: ...}` as the client sent them; omitted = none. */
  trace_headers?: Record<string, string>;
  request_id: string;
  /** Frontend wall clock: seconds relative to the moment the span is emitted (negative). */
  arrival_time: number;
  first_token_latency: number;
  /** Frontend wall clock of the final output batch, relative like arrival_time. */
  iteration_timestamp: number;
  /** Engine-core monotonic clock, seconds. */
  queued_ts: number;
  scheduled_ts: number;
  first_token_ts: number;
  last_token_ts: number;
  prompt_tokens: number;
  num_generation_tokens: number;
  top_p?: number;
  max_tokens?: number;
  temperature?: number;
  n?: number;
}

/** A typed attribute value as Python held it. */
export interface PythonValue {
  type: "int" | "double" | "string" | "bool";
  value: string | number | boolean;
}

/** A span as the Python SDK recorded it (emitter output). */
export interface PythonSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  scope: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes: Record<string, PythonValue>;
  resource: Record<string, PythonValue>;
}

/** The sampled W3C traceparent of a client span. */
export function traceparent(traceId: string, spanId: string, flags = "01"): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

/** Random lower-case hex of `bytes` bytes. */
export function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * Plausible stats of request `i`, finished just before it is traced, on vLLM's two clocks (so
 * queue + prefill + decode ≠ e2e, as in a real run). Values are deliberately not round.
 */
export function requestStats(i: number): RequestStats {
  const e2e = 0.253596782 + i * 0.0234;
  const arrival = -(e2e + 0.0011);
  const queued = 8123.456789 + i; // engine-core time.monotonic()
  const scheduled = queued + 0.000054589 * (i + 1);
  const firstToken = scheduled + 0.057814637 + i * 0.00111;
  const lastToken = firstToken + 0.138304583 + i * 0.0213;
  return {
    request_id: `cmpl-e2e${i}-0`,
    arrival_time: arrival,
    first_token_latency: 0.115545988 + i * 0.00123,
    iteration_timestamp: arrival + e2e,
    queued_ts: queued,
    scheduled_ts: scheduled,
    first_token_ts: firstToken,
    last_token_ts: lastToken,
    prompt_tokens: 14 + i,
    num_generation_tokens: 8 + 2 * i,
    max_tokens: 8 + 2 * i,
    n: 1,
  };
}

/**
 * Emits one `llm_request` per request through the Python SDK to `endpoint`, waits for the
 * provider's shutdown (which flushes the batch processor), and returns the spans as recorded.
 * `env` adds OTEL_* variables (protocol, headers, compression, service name).
 */
export async function emitWithPython(
  endpoint: string,
  requests: RequestStats[],
  env: Record<string, string> = {},
): Promise<PythonSpan[]> {
  const child = new Deno.Command(await otelPython(), {
    args: [SCRIPT],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({ endpoint, requests })));
  await writer.close();
  const output = await child.output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, `vllm_span_emitter.py failed (${output.code}):\n${stderr}`);
  // The SDK logs a failed export instead of raising: make that a test failure.
  assert.doesNotMatch(stderr, /Failed to export|Transient error/i, stderr);
  return (JSON.parse(new TextDecoder().decode(output.stdout)) as { spans: PythonSpan[] }).spans;
}

/** Python's typed values → the plain values a {@link ServerSpan} holds. */
export function plainValues(values: Record<string, PythonValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.value]));
}

/** Asserts that `stored` holds exactly what the Python SDK recorded in `sent`. */
export function assertSameSpan(stored: ServerSpan, sent: PythonSpan): void {
  assert.equal(stored.trace_id, sent.trace_id);
  assert.equal(stored.span_id, sent.span_id);
  assert.equal(stored.parent_span_id, sent.parent_span_id);
  assert.equal(stored.name, sent.name);
  assert.equal(stored.kind, sent.kind === "SERVER" ? 2 : -1, `kind ${sent.kind}`);
  assert.equal(stored.scope, sent.scope);
  assert.equal(stored.start_time_unix_nano, sent.start_time_unix_nano);
  assert.equal(stored.end_time_unix_nano, sent.end_time_unix_nano);
  assert.deepEqual(stored.attributes, plainValues(sent.attributes));
  assert.deepEqual(stored.resource, plainValues(sent.resource));
}
