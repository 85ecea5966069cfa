import assert from "node:assert/strict";
import { SimMetrics, TTFT_BUCKETS_S } from "./prometheus.ts";
import { metricValue } from "./_test_support.ts";

const L = 'model_name="m",engine="0"';

Deno.test("SimMetrics.text() reports gauges, counters and cumulative histogram buckets", () => {
  let running = 3;
  const metrics = new SimMetrics("m", () => ({ running, waiting: 7 }));
  metrics.observeFinished({
    finished_reason: "length",
    prompt_tokens: 10,
    completion_tokens: 5,
    ttft_s: 0.03,
    e2e_s: 0.9,
    queue_s: 0.001,
    prefill_s: 0.02,
    decode_s: 0.8,
    inference_s: 0.82,
  });
  metrics.observeFinished({
    finished_reason: "stop",
    prompt_tokens: 1,
    completion_tokens: 1,
    ttft_s: 3,
    e2e_s: 3,
    queue_s: 0,
    prefill_s: 1,
    decode_s: 0,
    inference_s: 1,
  });
  metrics.countAbort();
  metrics.countError();
  running = 1;
  const text = metrics.text();
  assert.equal(metricValue(text, `vllm:num_requests_running{${L}}`), 1);
  assert.equal(metricValue(text, `vllm:num_requests_waiting{${L}}`), 7);
  for (
    const [reason, n] of [["stop", 1], ["length", 1], ["abort", 1], ["error", 1], ["repetition", 0]]
  ) {
    assert.equal(
      metricValue(text, `vllm:request_success_total{${L},finished_reason="${reason}"}`),
      n,
    );
  }
  assert.equal(metricValue(text, `vllm:prompt_tokens_total{${L}}`), 11);
  assert.equal(metricValue(text, `vllm:generation_tokens_total{${L}}`), 6);
  const ttft = (le: string) =>
    metricValue(text, `vllm:time_to_first_token_seconds_bucket{${L},le="${le}"}`);
  assert.equal(ttft("0.02"), 0);
  assert.equal(ttft("0.04"), 1);
  assert.equal(ttft("2.5"), 1);
  assert.equal(ttft("5.0"), 2);
  assert.equal(ttft("+Inf"), 2);
  assert.equal(metricValue(text, `vllm:time_to_first_token_seconds_sum{${L}}`), 3.03);
  const bucketLines = text.split("\n").filter((l) =>
    l.startsWith("vllm:time_to_first_token_seconds_bucket")
  );
  assert.equal(bucketLines.length, TTFT_BUCKETS_S.length + 1);
  assert.equal(metricValue(text, `vllm:request_time_per_output_token_seconds_count{${L}}`), 2);
  assert.ok(text.endsWith("\n"));
});

Deno.test("SimMetrics escapes quotes in the model label", () => {
  const text = new SimMetrics('a"b', () => ({ running: 0, waiting: 0 })).text();
  assert.match(text, /model_name="a\\"b"/);
});

Deno.test("every simulator metric family has the name and type real vLLM 0.32 exposes", async () => {
  const real = await Deno.readTextFile(
    new URL("./testdata/vllm-0.32.0/metrics.txt", import.meta.url),
  );
  const typeLines = (text: string) =>
    new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
  const realTypes = typeLines(real);
  const sim = new SimMetrics("sim", () => ({
    running: 2,
    waiting: 1,
    kv_cache_usage: 0.25,
    preemptions: 3,
  }));
  for (const [name, type] of typeLines(sim.text())) {
    assert.equal(realTypes.get(name), type, name);
  }
  const lines = sim.text().split("\n");
  assert.ok(lines.includes('vllm:kv_cache_usage_perc{model_name="sim",engine="0"} 0.25'));
  assert.ok(lines.includes('vllm:num_preemptions_total{model_name="sim",engine="0"} 3.0'));
});
