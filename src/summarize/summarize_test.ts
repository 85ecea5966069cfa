import assert from "node:assert/strict";
import { table } from "../deps/arquero.ts";
import { defaultMetrics, summarize } from "./summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import type { RequestRecord } from "../types.ts";
import { createRng } from "../util/rng.ts";
import { describe } from "./describe.ts";
import { percentileColumn } from "./percentile_column.ts";

const T0 = 1_700_000_000_000;

/** Three successful requests and one failure; expected values below computed with numpy 2.4.6. */
function sampleRecords(): RequestRecord[] {
  return [
    makeRecord({
      index: 0,
      start_ms: T0,
      ttft_ms: 20,
      e2e_ms: 50,
      completion_tokens: 4,
      prompt_tokens: 10,
      tpot_ms: 10,
      itl_ms: [10, 10, 10],
    }),
    makeRecord({
      index: 1,
      start_ms: T0 + 100,
      ttft_ms: 35,
      e2e_ms: 95,
      completion_tokens: 7,
      prompt_tokens: 20,
      tpot_ms: 10,
      itl_ms: [5, 15, 10, 10, 10, 10],
    }),
    makeRecord({
      index: 2,
      start_ms: T0 + 200,
      ttft_ms: 50,
      e2e_ms: 50,
      completion_tokens: 1,
      prompt_tokens: 30,
      tpot_ms: null,
      itl_ms: [],
    }),
    makeRecord({
      index: 3,
      start_ms: T0 + 300,
      ttft_ms: 999,
      e2e_ms: 1800,
      completion_tokens: 50,
      prompt_tokens: 40,
      tpot_ms: 5,
      itl_ms: [1000, 1000],
      success: false,
      error: { kind: "incomplete_stream", message: "stream ended early" },
    }),
  ];
}

function close(actual: unknown, expected: number, what: string) {
  assert.equal(typeof actual, "number", what);
  assert.ok(
    Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );
}

Deno.test("summarize() gives the hand-computed (numpy) statistics, failures excluded", () => {
  const [row] = summarize(toTable(makeRun(sampleRecords()))).objects() as Record<string, unknown>[];
  assert.equal(row.run_id, "run-1");
  assert.equal(row.label, "test");
  assert.equal(row.requests, 4);
  assert.equal(row.succeeded, 3);
  assert.equal(row.failed, 1);
  // numpy.mean/std/percentile of ttft [20, 35, 50]
  close(row.ttft_ms_mean, 35, "ttft mean");
  close(row.ttft_ms_std, 12.24744871391589, "ttft std (population)");
  close(row.ttft_ms_p50, 35, "ttft p50");
  close(row.ttft_ms_p90, 47, "ttft p90");
  close(row.ttft_ms_p99, 49.7, "ttft p99");
  assert.equal(row.ttft_ms_min, 20);
  assert.equal(row.ttft_ms_max, 50);
  assert.equal(row.ttft_ms_count, 3);
  // ITL pooled over successful requests: [10,10,10,5,15,10,10,10,10]
  close(row.itl_ms_mean, 10, "itl mean");
  close(row.itl_ms_std, 2.3570226039551585, "itl std");
  close(row.itl_ms_p90, 11, "itl p90");
  close(row.itl_ms_p99, 14.6, "itl p99");
  assert.equal(row.itl_ms_count, 9);
  // TPOT only from requests with ≥ 2 output tokens: [10, 10]
  assert.equal(row.tpot_ms_count, 2);
  close(row.tpot_ms_std, 0, "tpot std");
});

Deno.test("summarize() throughput uses first start to last end and successful requests' tokens", () => {
  const [row] = summarize(toTable(makeRun(sampleRecords()))).objects() as Record<string, unknown>[];
  // first start T0, last end T0 + 300 + 1800 (the failed request still spans the run)
  close(row.duration_s, 2.1, "duration");
  close(row.request_throughput, 3 / 2.1, "request throughput");
  close(row.output_throughput, (4 + 7 + 1) / 2.1, "output throughput");
  close(row.total_token_throughput, (4 + 7 + 1 + 10 + 20 + 30) / 2.1, "total token throughput");
  assert.equal(row.goodput, null);
  assert.equal(row.good_fraction, null);
  assert.equal(row.concurrency, 4);
  assert.equal(row.rate, null);
});

Deno.test("summarize() goodput counts requests meeting every SLO, TPOT 0 for one-token outputs", () => {
  const t = toTable(makeRun(sampleRecords()));
  // ttft ≤ 40 → requests 0 and 1; tpot ≤ 10 → 0, 1 and 2 (one token → TPOT 0); failed never good.
  const [row] = summarize(t, { slo: { ttft_ms: 40, tpot_ms: 10 } }).objects() as Record<
    string,
    unknown
  >[];
  close(row.goodput, 2 / 2.1, "goodput");
  close(row.good_fraction, 2 / 4, "good fraction");
  const [strict] = summarize(t, { slo: { tpot_ms: 9.99 } }).objects() as Record<string, unknown>[];
  close(strict.goodput, 1 / 2.1, "only the one-token request meets tpot 9.99");
});

/**
 * A tiny reference of vllm bench serve's `calculate_metrics` (vLLM's vllm/benchmarks/serve.py),
 * per request: ttft, e2el, output tokens, itl list; TPOT = (e2el − ttft)/(out − 1) for out > 1;
 * ITL pooled; numpy mean, population std, linear percentile; goodput with TPOT 0 when out ≤ 1.
 */
function vllmBenchReference(
  requests: {
    ttft: number;
    e2el: number;
    out: number;
    prompt: number;
    itls: number[];
    ok: boolean;
  }[],
  durationS: number,
  slo: { ttft: number; tpot: number; e2el: number },
) {
  const ok = requests.filter((r) => r.ok);
  const np = {
    mean: (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length,
    std: (a: number[]) => {
      const m = np.mean(a);
      return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
    },
    percentile: (a: number[], p: number) => {
      const s = [...a].sort((x, y) => x - y);
      const h = (s.length - 1) * (p / 100), lo = Math.floor(h), hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (s[hi] - s[lo]) * (h - lo);
    },
  };
  const ttfts = ok.map((r) => r.ttft);
  const tpots = ok.filter((r) => r.out > 1).map((r) => (r.e2el - r.ttft) / (r.out - 1));
  const allTpots = ok.map((r) => (r.out > 1 ? (r.e2el - r.ttft) / (r.out - 1) : 0));
  const itls = ok.flatMap((r) => r.itls);
  const good =
    ok.filter((r, i) => r.ttft <= slo.ttft && allTpots[i] <= slo.tpot && r.e2el <= slo.e2el).length;
  return {
    completed: ok.length,
    request_throughput: ok.length / durationS,
    output_throughput: ok.reduce((s, r) => s + r.out, 0) / durationS,
    total_token_throughput: ok.reduce((s, r) => s + r.out + r.prompt, 0) / durationS,
    request_goodput: good / durationS,
    mean_ttft_ms: np.mean(ttfts),
    std_ttft_ms: np.std(ttfts),
    p99_ttft_ms: np.percentile(ttfts, 99),
    mean_tpot_ms: np.mean(tpots),
    std_tpot_ms: np.std(tpots),
    p99_tpot_ms: np.percentile(tpots, 99),
    mean_itl_ms: np.mean(itls),
    std_itl_ms: np.std(itls),
    p99_itl_ms: np.percentile(itls, 99),
    median_e2el_ms: np.percentile(requests.filter((r) => r.ok).map((r) => r.e2el), 50),
  };
}

Deno.test("summarize() matches a vllm bench reference on generated requests", () => {
  // Deterministic pseudo-random requests (LCG), with chunk gaps that make TPOT and ITL differ.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const records: RequestRecord[] = [];
  const reference = [];
  for (let i = 0; i < 200; i++) {
    const ok = rand() > 0.1;
    const out = 1 + Math.floor(rand() * 40);
    const ttft = 10 + rand() * 90;
    const itls = Array.from({ length: out - 1 }, () => 2 + rand() * 30);
    const e2el = ttft + itls.reduce((s, x) => s + x, 0);
    const prompt = 5 + Math.floor(rand() * 100);
    const start = T0 + i * 37;
    reference.push({ ttft, e2el, out, prompt, itls, ok });
    records.push(makeRecord({
      index: i,
      start_ms: start,
      ttft_ms: ttft,
      e2e_ms: e2el,
      completion_tokens: out,
      prompt_tokens: prompt,
      tpot_ms: out > 1 ? (e2el - ttft) / (out - 1) : null,
      itl_ms: itls,
      success: ok,
      error: ok ? null : { kind: "http_error", message: "500", status: 500 },
    }));
  }
  const table = toTable(makeRun(records));
  const slo = { ttft_ms: 60, tpot_ms: 18, e2e_ms: 600 };
  const [row] = summarize(table, { slo, percentiles: [50, 99] }).objects() as Record<
    string,
    number
  >[];
  const durationS = row.duration_s;
  const starts = records.map((r) => r.start_ms), ends = records.map((r) => r.start_ms + r.e2e_ms!);
  close(durationS, (Math.max(...ends) - Math.min(...starts)) / 1000, "duration");
  const ref = vllmBenchReference(reference, durationS, { ttft: 60, tpot: 18, e2el: 600 });
  assert.equal(row.succeeded, ref.completed);
  close(row.request_throughput, ref.request_throughput, "request_throughput");
  close(row.output_throughput, ref.output_throughput, "output_throughput");
  close(row.total_token_throughput, ref.total_token_throughput, "total_token_throughput");
  close(row.goodput, ref.request_goodput, "goodput");
  close(row.ttft_ms_mean, ref.mean_ttft_ms, "mean ttft");
  close(row.ttft_ms_std, ref.std_ttft_ms, "std ttft");
  close(row.ttft_ms_p99, ref.p99_ttft_ms, "p99 ttft");
  close(row.tpot_ms_mean, ref.mean_tpot_ms, "mean tpot");
  close(row.tpot_ms_std, ref.std_tpot_ms, "std tpot");
  close(row.tpot_ms_p99, ref.p99_tpot_ms, "p99 tpot");
  close(row.itl_ms_mean, ref.mean_itl_ms, "mean itl");
  close(row.itl_ms_std, ref.std_itl_ms, "std itl");
  close(row.itl_ms_p99, ref.p99_itl_ms, "p99 itl");
  close(row.e2e_ms_p50, ref.median_e2el_ms, "median e2el");
});

Deno.test("summarize() makes one row per group and carries concurrency when constant", () => {
  const a = makeRun(sampleRecords().slice(0, 2), { label: "c4" });
  const b = makeRun(
    sampleRecords().map((r) => ({ ...r, run_id: "run-2" })),
    { run_id: "run-2", label: "c8", load: { concurrency: 8, burstiness: 1, warmup: 0, seed: 0 } },
  );
  const rows = summarize(toTable([a, b])).objects() as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => [r.run_id, r.label, r.requests, r.concurrency]), [
    ["run-1", "c4", 2, 4],
    ["run-2", "c8", 4, 8],
  ]);
  const byConcurrency = summarize(toTable([a, b]), { groupby: ["concurrency"] }).objects();
  assert.deepEqual(byConcurrency.map((r) => Object.keys(r).slice(0, 2)), [[
    "concurrency",
    "requests",
  ], ["concurrency", "requests"]]);
  const all = summarize(toTable([a, b]), { groupby: [] }).objects() as Record<string, unknown>[];
  assert.equal(all.length, 1);
  assert.equal(all[0].requests, 6);
  assert.equal(all[0].concurrency, null, "not constant over both runs");
});

Deno.test("summarize() follows arquero grouping and filtering of the input table", () => {
  const t = toTable(makeRun(sampleRecords()));
  const rows = summarize(t.filter((d: { index: number }) => d.index < 2).groupby("index"))
    .objects() as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => [r.index, r.requests, r.ttft_ms_mean]), [[0, 1, 20], [
    1,
    1,
    35,
  ]]);
});

Deno.test("summarize() names decimal percentiles with _ and adds server metrics that have values", () => {
  const records = sampleRecords().map((r, i) => ({ ...r, server_queue_ms: i + 1 }));
  const row = summarize(toTable(makeRun(records)), { percentiles: [99.9] }).objects()[0] as Record<
    string,
    unknown
  >;
  assert.ok("itl_ms_p99_9" in row);
  assert.ok("server_queue_ms_mean" in row);
  assert.ok(!("server_prefill_ms_mean" in row), "server metrics without values are left out");
  assert.ok(!("server_start_ms_mean" in row), "epoch times are not metrics");
  close(row.server_queue_ms_mean, 2, "server queue mean over successful requests");
});

Deno.test("summarize() gives nulls, not zeros, for metrics without values", () => {
  const records = sampleRecords().map((r) => ({ ...r, success: false }));
  const row = summarize(toTable(makeRun(records))).objects()[0] as Record<string, unknown>;
  assert.equal(row.succeeded, 0);
  assert.equal(row.ttft_ms_count, 0);
  assert.equal(row.ttft_ms_mean, null);
  assert.equal(row.ttft_ms_p99, null);
  assert.equal(row.request_throughput, 0);
});

Deno.test("summarize() rejects bad options with the option name", () => {
  const t = toTable(makeRun(sampleRecords()));
  assert.throws(
    () => summarize(t, { percentiles: [150] }),
    /percentile must be a number in \[0, 100\]/,
  );
  assert.throws(() => summarize(t, { slo: { ttft_ms: -1 } }), /slo.ttft_ms/);
  assert.throws(
    () => summarize(t, { slo: { ttft_p99: 1 } as never }),
    /slo.ttft_p99 is not one of/,
  );
  assert.throws(() => summarize(t, { slo: { ttft: 1, ttft_ms: 2 } }), /both ttft_ms and ttft/);
  assert.throws(() => summarize(t, { groupby: 3 as never }), /groupby must be a column name/);
  assert.throws(() => summarize(t, { metrics: ["nope_ms"] }), /no column "nope_ms"/);
  assert.throws(() => summarize(t, { metrics: ["model"] }), /holds a string/);
});

Deno.test("summarize() takes one group column as a string and SLOs by their short names", () => {
  const t = toTable(makeRun(sampleRecords()));
  assert.deepEqual(
    summarize(t, { groupby: "label" }).objects(),
    summarize(t, { groupby: ["label"] }).objects(),
  );
  assert.deepEqual(
    summarize(t, { slo: { ttft: 25, tpot: 10, e2e: 1000 } }).objects(),
    summarize(t, { slo: { ttft_ms: 25, tpot_ms: 10, e2e_ms: 1000 } }).objects(),
  );
});

Deno.test("summarize() accepts plain tables with null for missing numbers", () => {
  const t = table({
    run_id: ["r", "r"],
    label: ["x", "x"],
    success: [true, true],
    start_ms: [0, 1000],
    e2e_ms: [500, null],
    ttft_ms: [10, null],
    prompt_tokens: [1, null],
    completion_tokens: [2, null],
    tpot_ms: [5, null],
  });
  const row = summarize(t).objects()[0] as Record<string, unknown>;
  assert.equal(row.ttft_ms_count, 1);
  assert.equal(row.tpot_ms_count, 1);
  close(row.duration_s, 1, "duration from starts when an end is missing");
});

Deno.test("summarize() grouped equals summaries of each group's filtered table (pooled ITL included)", () => {
  const rng = createRng(7);
  // Group 10 pools 700 × 200 gaps (more than the 131,072-value sample the pooled statistics once
  // drew); the other groups are small. Some failures and non-finite gaps.
  const records = Array.from({ length: 1000 }, (_, i) => {
    const gaps = Array.from({ length: i < 700 ? 200 : 1 + (i % 37) }, () => 5 + rng.exponential(3));
    if (i % 101 === 0) gaps[0] = NaN;
    return makeRecord({
      index: i,
      start_ms: T0 + 10 * i,
      ttft_ms: 20 + rng.exponential(10),
      e2e_ms: 500 + rng.exponential(100),
      prompt_tokens: i < 700 ? 10 : 20 + 10 * (i % 4),
      completion_tokens: gaps.length + 1,
      tpot_ms: 5 + rng.next(),
      itl_ms: gaps,
      success: i % 17 !== 3,
    });
  });
  const t = toTable(makeRun(records));
  const options = { groupby: ["prompt_tokens"], percentiles: [0, 50, 90, 99, 99.9, 100] };
  const grouped = summarize(t, { ...options, slo: { ttft_ms: 30 } }).objects() as Record<
    string,
    unknown
  >[];
  assert.deepEqual(grouped.map((r) => r.prompt_tokens), [10, 20, 30, 40, 50]);
  for (const row of grouped) {
    const alone = summarize(
      t.params({ k: row.prompt_tokens }).filter((d: { prompt_tokens: number }, $: { k: number }) =>
        d.prompt_tokens === $.k
      ),
      { ...options, slo: { ttft_ms: 30 } },
    ).objects();
    assert.deepEqual(row, alone[0], `group ${row.prompt_tokens}`);
  }
  // The big group's pooled ITL percentiles are numpy's linear ones over the concatenated gaps.
  const big = records.filter((r) => r.prompt_tokens === 10 && r.success).flatMap((r) => r.itl_ms!)
    .filter(Number.isFinite);
  const expected = describe(Float64Array.from(big), options.percentiles);
  assert.equal(grouped[0].itl_ms_count, big.length);
  assert.ok(big.length > 131_072);
  assert.deepEqual(
    options.percentiles.map((p) => grouped[0][percentileColumn("itl_ms", p)]),
    expected.percentiles,
  );
  assert.equal(grouped[0].itl_ms_mean, expected.mean);
  assert.equal(grouped[0].itl_ms_std, expected.std);
});

Deno.test("defaultMetrics() lists client metrics and the server_*_ms columns with a finite value", () => {
  const t = toTable(makeRun([
    makeRecord({ index: 0, server_queue_ms: 1.5, server_start_ms: T0 }),
    makeRecord({ index: 1, server_decode_ms: Infinity, server_model_forward_ms: 3 }),
  ]));
  assert.deepEqual(defaultMetrics(t), [
    "ttft_ms",
    "tpot_ms",
    "itl_ms",
    "e2e_ms",
    "ttst_ms",
    "server_queue_ms",
    "server_model_forward_ms",
  ]);
  // Only the rows a filter keeps count: row 1 alone has no queue time.
  assert.deepEqual(defaultMetrics(t.filter((d) => d.index === 1)).slice(5), [
    "server_model_forward_ms",
  ]);
  // The same on a reordered table (all rows, another order).
  assert.deepEqual(defaultMetrics(t.orderby("index")), defaultMetrics(t));
  // Plain arrays with null for missing values.
  const plain = table({
    ttft_ms: [1, 2],
    server_queue_ms: [null, 4],
    server_prefill_ms: [null, null],
  });
  assert.deepEqual(defaultMetrics(plain), ["ttft_ms", "server_queue_ms"]);
});

Deno.test("summarize() counts the spans joined by trace context and by request id", () => {
  const statuses = ["found", "found", "found_by_request_id", "not_found"] as const;
  const records = sampleRecords().map((r, i) => ({ ...r, span_status: statuses[i] }));
  const [row] = summarize(toTable(makeRun(records))).objects() as Record<string, unknown>[];
  assert.equal(row.joined_by_trace_context, 2);
  assert.equal(row.joined_by_request_id, 1);
  const [plain] = summarize(toTable(makeRun(sampleRecords()))).objects() as Record<
    string,
    unknown
  >[];
  assert.equal(plain.joined_by_trace_context, null, "a run enrich never saw has no counts");
});

Deno.test("summarize() gives input and output token totals, mean, p50 and p99 of successful requests", () => {
  const run = makeRun([
    makeRecord({ index: 0, prompt_tokens: 100, completion_tokens: 10 }),
    makeRecord({ index: 1, prompt_tokens: 120, completion_tokens: 30 }),
    makeRecord({ index: 2, prompt_tokens: null, completion_tokens: 20 }),
    makeRecord({ index: 3, prompt_tokens: 900, completion_tokens: 900, success: false }),
  ]);
  const row = summarize(toTable(run)).objects()[0] as Record<string, number | null>;
  assert.equal(row.total_input_tokens, 220);
  assert.equal(row.input_tokens_mean, 110);
  assert.equal(row.input_tokens_p50, 110);
  assert.equal(row.input_tokens_p99, 119.8); // numpy.percentile([100, 120], 99)
  assert.equal(row.total_output_tokens, 60);
  assert.equal(row.output_tokens_p50, 20);
  assert.ok(Math.abs(row.output_tokens_p99! - 29.8) < 1e-9);
});
