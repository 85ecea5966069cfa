/**
 * The simulator against real vLLM 0.32.0 answers recorded in testdata/vllm-0.32.0 (by
 * tests/e2e/vllm/record_bodies.ts; docs/REAL-VLLM.md lists every difference). Bodies are compared
 * by shape — keys in order, and the JSON type of each value — since text, ids and times differ.
 */
import assert from "node:assert/strict";
import { startSimulator } from "./server.ts";
import type { SimulatorOptions } from "./options.ts";
import { postJson, readSse } from "./_test_support.ts";
import { buildRequestSpan, exportRequestOf, SPAN_SCOPE } from "./span.ts";
import type { OtlpExportRequest, OtlpSpan } from "../otlp/protobuf.ts";

const TESTDATA = new URL("./testdata/vllm-0.32.0/", import.meta.url);
const MODEL = "tiny";
const OPTIONS: SimulatorOptions = {
  model: MODEL,
  maxModelLen: 512,
  decodeStepMs: 1,
  decodeStepMsPerSeq: 0,
  prefillBaseMs: 1,
  prefillMsPerToken: 0,
  frontendOverheadMs: 0.5,
  log: false,
};

/** One recorded exchange. */
interface Recorded {
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  status: number;
  headers: Record<string, string>;
  body: string;
}

function recorded(name: string): Recorded {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, TESTDATA)));
}

/** Keys in order and value types, recursively; strings and numbers are reduced to their type. */
function shape(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]);
  }
  return typeof value;
}

function sseEvents(raw: string): unknown[] {
  return raw.split("\n\n").filter((b) => b !== "").map((b) => {
    const payload = b.slice("data: ".length);
    return payload === "[DONE]" ? payload : JSON.parse(payload);
  });
}

/** The first, second and last two events of a stream: role/first chunk, a content chunk, end. */
function streamShapes(events: unknown[]): unknown[] {
  return [events[0], events[1], events.at(-3), events.at(-2), events.at(-1)].map(shape);
}

async function simulate(sim: { url: string }, rec: Recorded): Promise<Response> {
  const { method, path, headers, body } = rec.request;
  if (method === "GET") return await fetch(sim.url + path, { headers });
  return await postJson(sim.url, path, body, headers);
}

const STREAMS = [
  "chat_stream_usage",
  "chat_stream_no_usage",
  "chat_stream_continuous_usage",
  "completions_stream_usage",
  "completions_stream_no_usage",
];

Deno.test("the simulator's SSE chunks have vLLM 0.32.0's keys, key order and value types", async () => {
  const sim = await startSimulator(OPTIONS);
  try {
    for (const name of STREAMS) {
      const rec = recorded(name);
      const response = await simulate(sim, rec);
      assert.equal(response.status, rec.status, name);
      assert.equal(response.headers.get("content-type"), rec.headers["content-type"], name);
      const { raw } = await readSse(response);
      assert.deepEqual(streamShapes(sseEvents(raw)), streamShapes(sseEvents(rec.body)), name);
    }
  } finally {
    await sim.close();
  }
});

Deno.test("the simulator's non-streamed bodies have vLLM 0.32.0's keys, key order and types", async () => {
  const sim = await startSimulator(OPTIONS);
  try {
    for (const name of ["chat_nonstream", "completions_nonstream", "version"]) {
      const rec = recorded(name);
      const response = await simulate(sim, rec);
      assert.equal(response.status, rec.status, name);
      assert.deepEqual(shape(await response.json()), shape(JSON.parse(rec.body)), name);
    }
  } finally {
    await sim.close();
  }
});

/** Requests whose error body does not depend on the tokenizer: identical answers expected. */
const SAME_ERRORS = [
  "error_max_tokens_zero",
  "error_max_tokens_over_context",
  "error_temperature_negative",
  "error_stream_options_without_stream",
  "error_unknown_model",
  "error_unknown_route",
  "error_wrong_method",
  "error_prompt_too_long_chat",
  "error_prompt_too_long_completions",
];

Deno.test("the simulator answers bad requests with vLLM 0.32.0's status and error body", async () => {
  const sim = await startSimulator(OPTIONS);
  try {
    for (const name of SAME_ERRORS) {
      const rec = recorded(name);
      const response = await simulate(sim, rec);
      assert.equal(response.status, rec.status, name);
      assert.deepEqual(await response.json(), JSON.parse(rec.body), name);
    }
  } finally {
    await sim.close();
  }
});

Deno.test("the simulator clamps max_tokens to the context left, as vLLM 0.32.0 does", async () => {
  const sim = await startSimulator(OPTIONS);
  try {
    const response = await postJson(sim.url, "/v1/completions", {
      model: MODEL,
      prompt: "abcd".repeat(500), // 500 tokens by the simulator's estimate
      max_tokens: 20,
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(body.usage.completion_tokens, 12);
    assert.equal(body.choices[0].finish_reason, "length");
  } finally {
    await sim.close();
  }
});

function realSpans(): { request: OtlpExportRequest; span: OtlpSpan } {
  const exports: OtlpExportRequest[] = JSON.parse(
    Deno.readTextFileSync(new URL("otlp_exports.json", TESTDATA)),
  );
  const request = exports[0];
  return { request, span: request.resourceSpans![0].scopeSpans![0].spans![0] };
}

Deno.test("the simulator's llm_request span has vLLM 0.32.0's attributes, types, scope and resource keys", () => {
  const real = realSpans();
  const span = buildRequestSpan({
    trace_id: "00000000000000000000000000000001",
    span_id: "2980aee641832180",
    parent_span_id: "0000000000000001",
    start_ms: 1,
    end_ms: 2,
    request_id: "chatcmpl-rec-chat-stream",
    prompt_tokens: 24,
    completion_tokens: 6,
    queue_s: 0.0001,
    ttft_s: 0.1,
    e2e_s: 0.2,
    prefill_s: 0.05,
    decode_s: 0.1,
    inference_s: 0.15,
    temperature: 1,
    top_p: 1,
    max_tokens: 6,
    n: 1,
  });
  const typed = (s: OtlpSpan) => s.attributes!.map((a) => [a.key, Object.keys(a.value ?? {})[0]]);
  assert.deepEqual(typed(span), typed(real.span));
  assert.equal(span.kind, real.span.kind);
  assert.equal(span.name, real.span.name);
  assert.equal(SPAN_SCOPE, real.request.resourceSpans![0].scopeSpans![0].scope!.name);
  const resourceKeys = (r: OtlpExportRequest) =>
    r.resourceSpans![0].resource!.attributes!.map((a) => [a.key, Object.keys(a.value ?? {})[0]]);
  assert.deepEqual(
    resourceKeys(exportRequestOf([span], "vllm-cpu-e2e")),
    resourceKeys(real.request),
  );
});
