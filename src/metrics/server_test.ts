import assert from "node:assert/strict";
import type { ServerSpan } from "../types.ts";
import { derivedMetrics, serverMetrics, serverRequestParams } from "./server.ts";
import { FIXTURE_START_MS, vllmSpan } from "../enrich/_test_support.ts";

const fixtureSpan = () =>
  vllmSpan({
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "a3ce929d0e0e4736",
    parentSpanId: "00f067aa0ba902b7",
  });

function close(actual: number | null, expected: number, tolerance = 1e-6) {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);
}

function spanWith(attributes: ServerSpan["attributes"]): ServerSpan {
  return { ...fixtureSpan(), attributes };
}

Deno.test("serverMetrics() reads the span recorded from vLLM's exporter in ms", () => {
  const m = serverMetrics(fixtureSpan());
  close(m.server_ttft_ms, 115.54598808288574);
  close(m.server_e2e_ms, 253.59678268432617);
  close(m.server_queue_ms, 0.054589007049798965);
  close(m.server_prefill_ms, 57.814636995317414);
  close(m.server_decode_ms, 138.30458300071768);
  close(m.server_inference_ms, 196.1192199960351);
  assert.equal(Number(m.server_ttft_ms!.toFixed(3)), 115.546);
  assert.equal(m.server_prompt_tokens, 14);
  assert.equal(m.server_completion_tokens, 8);
  close(m.server_start_ms, FIXTURE_START_MS, 1e-3);
});

Deno.test("serverMetrics() derives inference from prefill + decode when vLLM omits it", () => {
  const { "gen_ai.latency.time_in_model_inference": _, ...attributes } = fixtureSpan().attributes;
  const m = serverMetrics(spanWith(attributes));
  close(m.server_inference_ms, 57.814636995317414 + 138.30458300071768);
});

Deno.test("serverMetrics() prefers time_in_model_inference when the span has it", () => {
  const span = fixtureSpan();
  const m = serverMetrics({
    ...span,
    attributes: { ...span.attributes, "gen_ai.latency.time_in_model_inference": 0.2 },
  });
  close(m.server_inference_ms, 200);
});

Deno.test("serverMetrics() leaves the V0-only fields null on a V1 span", () => {
  const m = serverMetrics(fixtureSpan());
  assert.equal(m.server_scheduler_ms, null);
  assert.equal(m.server_model_forward_ms, null);
  assert.equal(m.server_model_execute_ms, null);
});

Deno.test("serverMetrics() reads the V0 attribute set (scheduler, model forward/execute)", () => {
  const m = serverMetrics(spanWith({
    "gen_ai.response.model": "facebook/opt-125m",
    "gen_ai.request.id": "cmpl-abc-0",
    "gen_ai.request.temperature": 0.01,
    "gen_ai.request.top_p": 0.1,
    "gen_ai.request.max_tokens": 256,
    "gen_ai.request.n": 1,
    "gen_ai.usage.num_sequences": 1,
    "gen_ai.usage.prompt_tokens": 6,
    "gen_ai.usage.completion_tokens": 256,
    "gen_ai.latency.time_in_queue": 0.0021,
    "gen_ai.latency.time_to_first_token": 0.0305,
    "gen_ai.latency.e2e": 3.7,
    "gen_ai.latency.time_in_scheduler": 0.01755,
    "gen_ai.latency.time_in_model_forward": 3.1516,
    "gen_ai.latency.time_in_model_execute": 3.6468,
  }));
  close(m.server_scheduler_ms, 17.55);
  close(m.server_model_forward_ms, 3151.6);
  close(m.server_model_execute_ms, 3646.8);
  close(m.server_queue_ms, 2.1);
  close(m.server_ttft_ms, 30.5);
  close(m.server_e2e_ms, 3700);
  assert.equal(m.server_prompt_tokens, 6);
  assert.equal(m.server_completion_tokens, 256);
  assert.equal(m.server_prefill_ms, null);
  assert.equal(m.server_decode_ms, null);
  assert.equal(m.server_inference_ms, null);
});

Deno.test("serverMetrics() accepts int attributes as strings or numbers", () => {
  const asStrings = serverMetrics(spanWith({
    "gen_ai.usage.prompt_tokens": "1024",
    "gen_ai.usage.completion_tokens": "7",
    "gen_ai.latency.e2e": "0.5",
  }));
  const asNumbers = serverMetrics(spanWith({
    "gen_ai.usage.prompt_tokens": 1024,
    "gen_ai.usage.completion_tokens": 7,
    "gen_ai.latency.e2e": 0.5,
  }));
  assert.deepEqual(asStrings, asNumbers);
  assert.equal(asStrings.server_prompt_tokens, 1024);
  assert.equal(asStrings.server_e2e_ms, 500);
});

Deno.test("serverMetrics() gives null, not 0, for absent or unreadable attributes", () => {
  const m = serverMetrics(spanWith({
    "gen_ai.usage.prompt_tokens": "fourteen",
    "gen_ai.usage.completion_tokens": 2.5,
    "gen_ai.latency.e2e": "",
    "gen_ai.latency.time_to_first_token": null,
    "gen_ai.latency.time_in_queue": [1],
  }));
  assert.equal(m.server_prompt_tokens, null);
  assert.equal(m.server_completion_tokens, null);
  assert.equal(m.server_e2e_ms, null);
  assert.equal(m.server_ttft_ms, null);
  assert.equal(m.server_queue_ms, null);
  assert.equal(m.server_prefill_ms, null);
});

Deno.test("serverMetrics() names the span when its attributes are not an object", () => {
  const span = { ...fixtureSpan(), attributes: null } as unknown as ServerSpan;
  assert.throws(
    () => serverMetrics(span),
    (e: Error) =>
      e instanceof TypeError && /span\.attributes of span a3ce929d0e0e4736/.test(e.message),
  );
  assert.throws(() => serverMetrics(undefined as unknown as ServerSpan), TypeError);
});

Deno.test("serverRequestParams() gives null for the temperature vLLM V1 omits when it is 0", () => {
  // Recorded with temperature 0 and no top_p: vLLM sets only the truthy ones.
  assert.deepEqual(serverRequestParams(fixtureSpan()), {
    temperature: null,
    top_p: null,
    max_tokens: 8,
    n: 1,
  });
  assert.deepEqual(
    serverRequestParams(spanWith({
      "gen_ai.request.temperature": 0.7,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.max_tokens": "8",
      "gen_ai.request.n": "2",
    })),
    { temperature: 0.7, top_p: 0.9, max_tokens: 8, n: 2 },
  );
});

Deno.test("derivedMetrics() gives the frontend share of the real span (about 57 ms)", () => {
  const server = serverMetrics(fixtureSpan());
  const derived = derivedMetrics({ ...server, ttft_ms: 130 });
  close(
    derived.server_frontend_ms,
    253.59678268432617 - 57.814636995317414 - 138.30458300071768 - 0.054589007049798965,
  );
  assert.equal(Math.round(derived.server_frontend_ms!), 57);
  close(derived.client_overhead_ms, 130 - 115.54598808288574);
});

Deno.test("derivedMetrics() is null when an input is missing", () => {
  assert.deepEqual(
    derivedMetrics({
      ttft_ms: null,
      server_ttft_ms: 10,
      server_e2e_ms: 100,
      server_inference_ms: null,
      server_queue_ms: 1,
    }),
    { client_overhead_ms: null, server_frontend_ms: null },
  );
});
