/**
 * Shared test data for the receiver's tests: vLLM span attribute sets (V1 and V0), OTLP/JSON
 * payload builders, and the recorded fixtures in testdata/. Test-only; not exported from mod.ts.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { OtlpExportRequest, OtlpKeyValue } from "./protobuf.ts";
import { SPAN_NAME } from "../metrics/server.ts";

/** Attributes vLLM V1 (2025-09 → v0.29.0) sets on `llm_request`, as JS values. */
export const V1_ATTRIBUTES = {
  "gen_ai.latency.time_in_queue": 0.000054589,
  "gen_ai.latency.time_to_first_token": 0.115545988,
  "gen_ai.latency.e2e": 0.253596782,
  "gen_ai.latency.time_in_model_prefill": 0.057814637,
  "gen_ai.latency.time_in_model_decode": 0.138304583,
  "gen_ai.latency.time_in_model_inference": 0.19611922,
  "gen_ai.usage.prompt_tokens": 14,
  "gen_ai.usage.completion_tokens": 8,
  "gen_ai.request.id": "cmpl-3f1c2a9e4b5d4e0f8a7b6c5d4e3f2a1b-0",
  "gen_ai.request.max_tokens": 8,
  "gen_ai.request.n": 1,
} as const;

/** Attributes vLLM V0 (≤ 2025-09, with --collect-detailed-traces all) set on `llm_request`. */
export const V0_ATTRIBUTES = {
  "gen_ai.response.model": "meta-llama/Meta-Llama-3-8B-Instruct",
  "gen_ai.request.id": "cmpl-0a1b2c3d",
  "gen_ai.request.temperature": 0.7,
  "gen_ai.request.top_p": 0.9,
  "gen_ai.request.max_tokens": 64,
  "gen_ai.request.n": 1,
  "gen_ai.usage.num_sequences": 1,
  "gen_ai.usage.prompt_tokens": 21,
  "gen_ai.usage.completion_tokens": 64,
  "gen_ai.latency.time_in_queue": 0.0123,
  "gen_ai.latency.time_to_first_token": 0.0456,
  "gen_ai.latency.e2e": 1.25,
  "gen_ai.latency.time_in_scheduler": 0.0311,
  "gen_ai.latency.time_in_model_forward": 0.9,
  "gen_ai.latency.time_in_model_execute": 1.1,
} as const;

/** A JS attribute record → OTLP/JSON attributes (integers as int64 strings, other numbers as doubles). */
export function toOtlpAttributes(
  attributes: Record<string, string | number | boolean>,
): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => {
    if (typeof value === "string") return { key, value: { stringValue: value } };
    if (typeof value === "boolean") return { key, value: { boolValue: value } };
    return Number.isInteger(value)
      ? { key, value: { intValue: String(value) } }
      : { key, value: { doubleValue: value } };
  });
}

/** Options of {@link llmRequestPayload}. */
export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  attributes?: Record<string, string | number | boolean>;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
}

/** An OTLP/JSON export request holding the given spans under one vLLM-like resource. */
export function llmRequestPayload(specs: SpanSpec[]): OtlpExportRequest {
  return {
    resourceSpans: [{
      resource: { attributes: toOtlpAttributes({ "service.name": "vllm-server" }) },
      scopeSpans: [{
        scope: { name: "vllm.llm_engine" },
        spans: specs.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? "",
          name: s.name ?? SPAN_NAME,
          kind: 2,
          startTimeUnixNano: s.startTimeUnixNano ?? "1790341371953418752",
          endTimeUnixNano: s.endTimeUnixNano ?? "1790341372208341144",
          attributes: toOtlpAttributes(s.attributes ?? V1_ATTRIBUTES),
        })),
      }],
    }],
  };
}

/** A deterministic 32-hex trace id from a number (never all zeros). */
export function traceIdOf(n: number): string {
  return "f" + (n + 1).toString(16).padStart(31, "0");
}

/** A deterministic 16-hex span id from a number (never all zeros). */
export function spanIdOf(n: number): string {
  return "e" + (n + 1).toString(16).padStart(15, "0");
}

const TESTDATA = new URL("./testdata/", import.meta.url);

/**
 * Reads a file of src/otlp/testdata (recorded data, see README.md and NOTICE there) as text; a
 * missing one is an error saying where it was looked for.
 */
export function readFixture(name: string): string {
  const path = fileURLToPath(new URL(name, TESTDATA));
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(`fixture ${name} not found at ${path}`);
  }
}

/** The recorded OTLP/protobuf export of vLLM's `llm_request` span (testdata/README.md). */
export function readRecordedExport(): Uint8Array {
  return Deno.readFileSync(new URL("llm_request.otlp.pb", TESTDATA));
}

/** gzip-compresses bytes with the platform's CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A gzip bomb: `decompressedBytes` of zeros, compressed (~1000:1), built by streaming one
 * zero-filled chunk repeatedly so building it never holds the whole expansion.
 */
export async function gzipBomb(decompressedBytes: number): Promise<Uint8Array> {
  const chunk = new Uint8Array(1 << 20);
  let left = decompressedBytes;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(left, chunk.length);
      controller.enqueue(chunk.subarray(0, n));
      left -= n;
    },
  });
  const compressed = source.pipeThrough(
    new CompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}
