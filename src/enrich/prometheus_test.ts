import assert from "node:assert/strict";
import { parsePrometheusText, prometheusDelta, scrapePrometheus } from "./prometheus.ts";
import { withServer } from "./_test_support.ts";

/** An excerpt shaped like vLLM's /metrics (prometheus_client text format). */
const VLLM_METRICS =
  `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3-8B"} 2.0
# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3-8B"} 140.0
# HELP vllm:prompt_tokens_created Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_created gauge
vllm:prompt_tokens_created{engine="0",model_name="meta-llama/Llama-3-8B"} 1.7903413e+09
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="meta-llama/Llama-3-8B"} 3.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="meta-llama/Llama-3-8B"} 10.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="meta-llama/Llama-3-8B"} 10.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="meta-llama/Llama-3-8B"} 1.5
# TYPE vllm:request_success_total counter
vllm:request_success_total{engine="0",finished_reason="stop",model_name="meta-llama/Llama-3-8B"} 7.0
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3-8B"} NaN
`;

const key = (name: string, labels = "") =>
  `${name}{engine="0",${labels}model_name="meta-llama/Llama-3-8B"}`;

Deno.test("parsePrometheusText() reads vLLM's exposition with canonical series keys", () => {
  const { values, types, skipped } = parsePrometheusText(VLLM_METRICS);
  assert.deepEqual(skipped, []);
  assert.equal(values[key("vllm:prompt_tokens_total")], 140);
  assert.equal(values[key("vllm:time_to_first_token_seconds_bucket", 'le="+Inf",')], 10);
  assert.equal(values[key("vllm:time_to_first_token_seconds_sum")], 1.5);
  assert.ok(Number.isNaN(values[key("vllm:kv_cache_usage_perc")]));
  assert.equal(types["vllm:time_to_first_token_seconds"], "histogram");
  assert.equal(types["vllm:prompt_tokens_total"], "counter");
});

Deno.test("parsePrometheusText() handles escapes, label order, special values and timestamps", () => {
  const text = [
    "# a free comment",
    "",
    'msg_total{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} 3 1700000000000',
    'order_total{b="2",a="1"} 1',
    'order2_total{a="1",b="2",} 2',
    "up +Inf",
    "down -Inf",
    "nothing NaN",
    "exp 1.5e3",
    'spaced { a = "1" } 4',
    '{"my.utf8.metric",a="x"} 5',
  ].join("\n");
  const { values, skipped } = parsePrometheusText(text);
  assert.deepEqual(skipped, []);
  assert.equal(values['msg_total{nl="a\\nb",path="C:\\\\dir",quote="say \\"hi\\""}'], 3);
  assert.equal(values['order_total{a="1",b="2"}'], 1);
  assert.equal(values['order2_total{a="1",b="2"}'], 2);
  assert.equal(values.up, Infinity);
  assert.equal(values.down, -Infinity);
  assert.ok(Number.isNaN(values.nothing));
  assert.equal(values.exp, 1500);
  assert.equal(values['spaced{a="1"}'], 4);
  assert.equal(values['my.utf8.metric{a="x"}'], 5);
});

Deno.test("parsePrometheusText() lists unreadable lines with their line numbers", () => {
  const { values, skipped } = parsePrometheusText('ok 1\nbad{a="1" 2\nnovalue\nx abc\n9lives 1\n');
  assert.deepEqual(values, { ok: 1 });
  assert.deepEqual(skipped.map((s) => s.line_number), [2, 3, 4, 5]);
  assert.match(skipped[0].reason, /label a/);
  assert.match(skipped[1].reason, /no value for novalue/);
  assert.match(skipped[2].reason, /bad value "abc"/);
});

Deno.test("prometheusDelta() keeps counters and histogram sums, counts and buckets", () => {
  const before = parsePrometheusText(VLLM_METRICS);
  const after = parsePrometheusText(
    VLLM_METRICS
      .replace(/prompt_tokens_total(\{.*\}) 140.0/, "prompt_tokens_total$1 200.0")
      .replace(/(_count\{.*\}) 10.0/, "$1 14.0")
      .replace(/(_sum\{.*\}) 1.5/, "$1 2.25")
      .replace(/num_requests_running(\{.*\}) 2.0/, "num_requests_running$1 0.0") +
      'vllm:request_success_total{engine="0",finished_reason="length",model_name="meta-llama/Llama-3-8B"} 4.0\n',
  );
  const delta = prometheusDelta({ at_ms: 0, ...before }, { at_ms: 1, ...after });
  assert.equal(delta[key("vllm:prompt_tokens_total")], 60);
  assert.equal(delta[key("vllm:time_to_first_token_seconds_count")], 4);
  assert.equal(delta[key("vllm:time_to_first_token_seconds_sum")], 0.75);
  assert.equal(delta[key("vllm:time_to_first_token_seconds_bucket", 'le="0.1",')], 0);
  assert.equal(delta[key("vllm:request_success_total", 'finished_reason="length",')], 4);
  assert.equal(delta[key("vllm:num_requests_running")], undefined);
  assert.equal(delta[key("vllm:prompt_tokens_created")], undefined);
  assert.equal(delta[key("vllm:kv_cache_usage_perc")], undefined);
});

Deno.test("prometheusDelta() guesses from name suffixes without TYPE lines, and survives resets", () => {
  const delta = prometheusDelta(
    { at_ms: 0, values: { a_total: 10, b_sum: 5, c_count: 2, gauge: 1, d_total: 50 } },
    { at_ms: 1, values: { a_total: 15, b_sum: 6, c_count: 2, gauge: 9, d_total: 20 } },
  );
  assert.deepEqual(delta, { a_total: 5, b_sum: 1, c_count: 0, d_total: 20 });
  assert.throws(
    () => prometheusDelta({} as never, { at_ms: 0, values: {} }),
    /before must be a PrometheusSnapshot/,
  );
});

Deno.test("scrapePrometheus() GETs <url>/metrics and keeps the types", async () => {
  await withServer(
    (_req, url) =>
      url.pathname === "/metrics"
        ? new Response(VLLM_METRICS, { headers: { "content-type": "text/plain; version=0.0.4" } })
        : new Response("no", { status: 404 }),
    async (base, seen) => {
      const snap = await scrapePrometheus(base);
      assert.equal(snap.values[key("vllm:prompt_tokens_total")], 140);
      assert.equal(snap.types?.["vllm:prompt_tokens_total"], "counter");
      assert.ok(snap.at_ms > 1.7e12);
      await scrapePrometheus(`${base}/metrics`);
      assert.deepEqual(seen.map((s) => s.path), ["/metrics", "/metrics"]);
    },
  );
});

Deno.test("scrapePrometheus() throws an error naming the URL when the scrape fails", async () => {
  await withServer(
    (_req, url) =>
      url.pathname === "/html/metrics"
        ? new Response("<html>\n<body>login</body>\n</html>")
        : new Response("boom", { status: 500 }),
    async (base) => {
      await assert.rejects(
        scrapePrometheus(base),
        new RegExp(`prometheus returned HTTP 500.*GET ${base}/metrics`),
      );
      await assert.rejects(
        scrapePrometheus(`${base}/html`),
        /\/html\/metrics is not Prometheus text \(line 1: /,
      );
    },
  );
  await assert.rejects(scrapePrometheus("localhost:8000"), TypeError);
});
