/**
 * Records a running vLLM's real answers as test data: SSE streams, non-streamed bodies, error
 * bodies, ids, /tokenize, /v1/models, /metrics, and the OTLP export of its `llm_request` spans
 * with their attribute types. docs/REAL-VLLM.md compares them with the simulator's.
 *
 * Usage (vLLM started with `--otlp-traces-endpoint grpc://127.0.0.1:OTLP_PORT`, served name "tiny",
 * `--max-model-len 512`; see docs/REAL-VLLM.md):
 *   deno run -A tests/e2e/vllm/record_bodies.ts http://127.0.0.1:PORT OTLP_PORT src/sim/testdata/vllm-0.32.0
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import * as grpc from "../../../src/deps/grpc_grpc_js.ts";
import { traceServiceDefinition } from "../../../src/otlp/grpc.ts";
import {
  decodeExportRequest,
  encodeExportResponse,
  type OtlpExportRequest,
} from "../../../src/otlp/protobuf.ts";

/** One request to record. */
interface Case {
  name: string;
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** A JSON body, or a raw string sent as is. */
  body?: unknown;
}

const MODEL = "tiny";
const user = (content: string) => [{ role: "user", content }];
const longPrompt = "abc ".repeat(600); // over --max-model-len 512
/** A fixed parent per traced case, so the recorded span's parent is known. */
const traceparent = (n: number) =>
  `00-${n.toString(16).padStart(32, "0")}-${n.toString(16).padStart(16, "0")}-01`;

const CASES: Case[] = [
  { name: "models", method: "GET", path: "/v1/models" },
  { name: "health", method: "GET", path: "/health" },
  { name: "version", method: "GET", path: "/version" },
  {
    name: "chat_stream_usage",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { "x-request-id": "rec-chat-stream", traceparent: traceparent(1) },
    body: {
      model: MODEL,
      messages: user("hello there"),
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
      ignore_eos: true,
    },
  },
  {
    name: "chat_stream_no_usage",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { "x-request-id": "rec-chat-nousage", traceparent: traceparent(2) },
    body: { model: MODEL, messages: user("hello"), max_tokens: 4, stream: true, ignore_eos: true },
  },
  {
    name: "chat_stream_continuous_usage",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { "x-request-id": "rec-chat-continuous", traceparent: traceparent(3) },
    body: {
      model: MODEL,
      messages: user("hello"),
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
      ignore_eos: true,
      temperature: 0.7,
      top_p: 0.9,
    },
  },
  {
    name: "chat_stream_no_request_id",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { traceparent: traceparent(4) },
    body: { model: MODEL, messages: user("hi"), max_tokens: 2, stream: true, ignore_eos: true },
  },
  {
    name: "chat_stream_body_request_id",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { traceparent: traceparent(5) },
    body: {
      model: MODEL,
      messages: user("hi"),
      max_tokens: 2,
      stream: true,
      ignore_eos: true,
      request_id: "rec-body-id",
    },
  },
  {
    name: "chat_not_sampled",
    method: "POST",
    path: "/v1/chat/completions",
    headers: {
      "x-request-id": "rec-not-sampled",
      traceparent: traceparent(6).replace(/-01$/, "-00"),
    },
    body: { model: MODEL, messages: user("hi"), max_tokens: 2, stream: true, ignore_eos: true },
  },
  {
    name: "chat_nonstream",
    method: "POST",
    path: "/v1/chat/completions",
    headers: { "x-request-id": "rec-chat-nonstream", traceparent: traceparent(7) },
    body: { model: MODEL, messages: user("hello"), max_tokens: 4, ignore_eos: true },
  },
  {
    name: "completions_stream_usage",
    method: "POST",
    path: "/v1/completions",
    headers: { "x-request-id": "rec-cmpl-stream", traceparent: traceparent(8) },
    body: {
      model: MODEL,
      prompt: "abc def ghi",
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
      ignore_eos: true,
      temperature: 0,
    },
  },
  {
    name: "completions_stream_no_usage",
    method: "POST",
    path: "/v1/completions",
    headers: { "x-request-id": "rec-cmpl-nousage", traceparent: traceparent(9) },
    body: { model: MODEL, prompt: "abc", max_tokens: 3, stream: true, ignore_eos: true },
  },
  {
    name: "completions_nonstream",
    method: "POST",
    path: "/v1/completions",
    headers: { "x-request-id": "rec-cmpl-nonstream", traceparent: traceparent(10) },
    body: { model: MODEL, prompt: "abc", max_tokens: 3, ignore_eos: true },
  },
  {
    name: "tokenize_prompt",
    method: "POST",
    path: "/tokenize",
    body: { model: MODEL, prompt: "abc def ghi" },
  },
  {
    name: "tokenize_messages",
    method: "POST",
    path: "/tokenize",
    body: { model: MODEL, messages: user("hello there") },
  },
  {
    name: "tokenize_token_strs",
    method: "POST",
    path: "/tokenize",
    body: { model: MODEL, prompt: "abc def", return_token_strs: true },
  },
  {
    name: "detokenize",
    method: "POST",
    path: "/detokenize",
    body: { model: MODEL, tokens: [0, 300, 301] },
  },
  {
    name: "error_prompt_too_long_chat",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: MODEL, messages: user(longPrompt), max_tokens: 4, stream: true },
  },
  {
    name: "error_prompt_too_long_completions",
    method: "POST",
    path: "/v1/completions",
    body: { model: MODEL, prompt: longPrompt, max_tokens: 4, stream: true },
  },
  {
    name: "error_max_tokens_over_context",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: MODEL, messages: user("hi"), max_tokens: 600, stream: true },
  },
  {
    // Not an error: vLLM clamps the output to max_model_len - prompt tokens (501 + 11 here).
    name: "prompt_plus_max_tokens_over_context",
    method: "POST",
    path: "/v1/completions",
    body: { model: MODEL, prompt: "abc ".repeat(250), max_tokens: 20 },
  },
  {
    name: "error_prompt_fills_context",
    method: "POST",
    path: "/v1/completions",
    body: { model: MODEL, prompt: "abc ".repeat(255) + "xy", max_tokens: 5 }, // 512 tokens
  },
  {
    name: "error_unknown_model",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: "no-such-model", messages: user("hi"), max_tokens: 4, stream: true },
  },
  {
    name: "error_max_tokens_zero",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: MODEL, messages: user("hi"), max_tokens: 0, stream: true },
  },
  {
    name: "error_temperature_negative",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: MODEL, messages: user("hi"), max_tokens: 4, temperature: -1 },
  },
  {
    name: "error_max_tokens_not_int",
    method: "POST",
    path: "/v1/completions",
    body: { model: MODEL, prompt: "hi", max_tokens: "many" },
  },
  {
    name: "error_messages_missing",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: MODEL, max_tokens: 4 },
  },
  {
    name: "error_invalid_json",
    method: "POST",
    path: "/v1/chat/completions",
    body: '{"model": "tiny", "messages": [',
  },
  {
    name: "error_stream_options_without_stream",
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: MODEL, messages: user("hi"), stream_options: { include_usage: true } },
  },
  {
    name: "error_unknown_route",
    method: "GET",
    path: "/v1/nothing",
  },
  {
    name: "error_wrong_method",
    method: "GET",
    path: "/v1/chat/completions",
  },
];

/** Headers worth keeping: the ones a client or the simulator may depend on. */
const KEPT_HEADERS = ["content-type", "x-request-id", "content-length", "transfer-encoding"];

async function record(base: string, c: Case): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { ...c.headers };
  let body: string | undefined;
  if (c.body !== undefined) {
    headers["content-type"] = "application/json";
    body = typeof c.body === "string" ? c.body : JSON.stringify(c.body);
  }
  const response = await fetch(base + c.path, { method: c.method, headers, body });
  const text = await response.text();
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return {
    request: { method: c.method, path: c.path, headers: c.headers ?? {}, body: c.body ?? null },
    status: response.status,
    headers: kept,
    body: text,
  };
}

/** A gRPC OTLP receiver that keeps each export request exactly as decoded (types included). */
async function startCapture(port: number): Promise<{
  exports: OtlpExportRequest[];
  close(): void;
}> {
  const exports: OtlpExportRequest[] = [];
  const server = new grpc.Server();
  server.addService(traceServiceDefinition, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const bytes = new Uint8Array(
        call.request.buffer,
        call.request.byteOffset,
        call.request.length,
      );
      exports.push(decodeExportRequest(bytes));
      callback(null, Buffer.from(encodeExportResponse()));
    },
  });
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => error ? reject(error) : resolve(bound),
    )
  );
  return { exports, close: () => server.forceShutdown() };
}

async function main(): Promise<void> {
  const [base, otlpPort, outDir] = Deno.args;
  if (!base || !otlpPort || !outDir) {
    console.error("usage: record_bodies.ts VLLM_URL OTLP_GRPC_PORT OUT_DIR");
    Deno.exit(2);
  }
  const capture = await startCapture(Number(otlpPort));
  await Deno.mkdir(outDir, { recursive: true });
  try {
    for (const c of CASES) {
      const recorded = await record(base, c);
      await Deno.writeTextFile(
        join(outDir, `${c.name}.json`),
        JSON.stringify(recorded, null, 2) + "\n",
      );
      console.log(`${c.name}: ${recorded.status}`);
    }
    const metrics = await (await fetch(base + "/metrics")).text();
    await Deno.writeTextFile(join(outDir, "metrics.txt"), metrics);
    // vLLM batches spans (OTEL_BSP_SCHEDULE_DELAY); give the last batch time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await Deno.writeTextFile(
      join(outDir, "otlp_exports.json"),
      JSON.stringify(capture.exports, null, 2) + "\n",
    );
    const spans = capture.exports.flatMap((e) =>
      (e.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []))
    );
    console.log(`otlp: ${capture.exports.length} export requests, ${spans.length} spans`);
  } finally {
    capture.close();
  }
}

if (import.meta.main) await main();
