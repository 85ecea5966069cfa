import assert from "node:assert/strict";
import { formatMetrics } from "./format_metrics.ts";
import { formatSummary } from "./format_summary.ts";
import { summarize } from "../summarize/summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

Deno.test("formatMetrics() shows a request's timings, tokens and server phases", () => {
  const text = formatMetrics(makeRecord({
    itl_ms: [8, 12, 30],
    server_queue_ms: 1.25,
    server_prefill_ms: 15,
    server_decode_ms: 20_000,
  }));
  assert.match(text, /^#0 req-0 ok {2}finish=length$/m);
  assert.match(
    text,
    /ttft 20\.0 ms {2}tpot 10\.0 ms {2}itl p50 12\.0 ms max 30\.0 ms {2}e2e 50\.0 ms/,
  );
  assert.match(text, /tokens prompt 10 {2}completion 4 \(usage\) {2}chunks 4/);
  assert.match(text, /server queue 1\.3 ms {2}prefill 15\.0 ms {2}decode 20\.00 s/);
  assert.ok(!text.includes("\u001b["), "no colour codes");
});

Deno.test("formatMetrics() shows the error of a failed request on one line", () => {
  const text = formatMetrics(makeRecord({
    success: false,
    ttft_ms: null,
    e2e_ms: null,
    tpot_ms: null,
    itl_ms: [],
    error: { kind: "timeout", message: "no headers\nafter 30 s" },
    span_status: "request_failed",
    span_note: "vLLM exports no span for failed requests",
  }));
  assert.match(text, /FAILED/);
  assert.match(text, /ttft – {2}tpot – {2}itl – {2}e2e –/);
  assert.match(text, /error timeout: no headers after 30 s$/m);
  assert.match(text, /server span request_failed: vLLM exports no span/);
});

Deno.test("formatSummary() prints aligned columns with units in the header", () => {
  const summary = summarize(
    toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })])),
    {
      slo: { ttft_ms: 25 },
    },
  );
  const text = formatSummary(summary);
  const lines = text.split("\n");
  assert.match(lines[0], /^run_id=run-1 label=test concurrency=4$/);
  assert.match(text, /requests 2 {2}succeeded 2 {2}failed 0/);
  assert.match(text, /goodput [\d.]+ req\/s {2}\(50 % of requests good\)/);
  const header = lines.find((l) => l.startsWith("metric"))!;
  assert.match(header, /mean \(ms\) {2}std \(ms\) {2}min \(ms\) {2}p50 \(ms\)/);
  assert.match(header, /count$/);
  const ttft = lines.find((l) => l.startsWith("ttft_ms"))!;
  assert.equal(ttft.length, header.length, "numbers right-aligned under their headers");
  assert.ok(!text.includes("\u001b["));
});

Deno.test("formatMetrics() adds a reasoning line only when the request reasoned", () => {
  const reasoned = formatMetrics(makeRecord({
    ttfot_ms: 412.5,
    reasoning_tokens: 16,
    reasoning_chunks: 16,
  }));
  assert.match(reasoned, /\n {2}reasoning ttfot 412\.5 ms {2}tokens 16 {2}chunks 16$/);
  const unknownCount = formatMetrics(makeRecord({ ttfot_ms: null, reasoning_chunks: 3 }));
  assert.match(unknownCount, /reasoning ttfot – \(no output\) {2}tokens – \(server did not say\)/);
  const plain = formatMetrics(
    makeRecord({ ttfot_ms: 20, reasoning_tokens: null, reasoning_chunks: 0 }),
  );
  assert.doesNotMatch(plain, /reasoning/);
});
