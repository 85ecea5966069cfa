import assert from "node:assert/strict";
import { sideBySide } from "./side_by_side.ts";
import { summaryBundle } from "./summary_bundle.ts";
import { summarize } from "../summarize/summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

const baseline = makeRun([makeRecord({ run_id: "a", ttft_ms: 20 })], { label: "baseline" });
const tuned = makeRun([makeRecord({ run_id: "b", ttft_ms: 30 })], { label: "tuned" });

Deno.test("sideBySide() puts one column per run and the change from the first in %", () => {
  const view = sideBySide(summarize(toTable([baseline, tuned])));
  assert.deepEqual(view.columnNames(), ["quantity", "baseline", "tuned", "Δ% tuned"]);
  const rows = view.objects() as Record<string, unknown>[];
  assert.equal(rows[0].quantity, "requests");
  assert.deepEqual(rows.find((r) => r.quantity === "ttft_ms mean"), {
    quantity: "ttft_ms mean",
    baseline: 20,
    tuned: 30,
    "Δ% tuned": 50,
  });
  assert.ok(!rows.some((r) => r.quantity === "goodput (req/s)"), "no goodput row without slo");
});

Deno.test("sideBySide() names groups by title when labels repeat", () => {
  const again = makeRun([makeRecord({ run_id: "c", ttft_ms: 10 })], { label: "baseline" });
  const view = sideBySide(summarize(toTable([baseline, again])));
  assert.deepEqual(view.columnNames().slice(1, 3), [
    "run_id=a label=baseline concurrency=4",
    "run_id=c label=baseline concurrency=4",
  ]);
});

Deno.test("a summary of several runs shows them side by side first; one run does not", () => {
  const two = String(summaryBundle(summarize(toTable([baseline, tuned])))["text/html"]);
  assert.match(two, /^<h4>side by side<\/h4><table class="vllm-metrics-side-by-side">/);
  assert.match(two, /<td style="text-align:right">\+50\.0 %<\/td>/);
  const one = String(summaryBundle(summarize(toTable(baseline)))["text/html"]);
  assert.doesNotMatch(one, /side-by-side/);
  assert.throws(() => sideBySide(null as never), /sideBySide: expected a summary table/);
});
