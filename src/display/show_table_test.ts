import assert from "node:assert/strict";
import { ColumnTable, table } from "../deps/arquero.ts";
import { installTableDisplay } from "./show_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

type Displayable = Record<symbol, () => Record<string, string>>;
const DISPLAY = Symbol.for("Jupyter.display");
const bundleOf = (value: unknown) => (value as Displayable)[DISPLAY]();

Deno.test("every arquero table, derived ones too, shows as the HTML table view", () => {
  const requests = toTable(makeRun([makeRecord(), makeRecord({ index: 1, ttft_ms: 30 })]));
  const derived = [
    requests.select("index", "ttft_ms"),
    requests.filter((d: { ttft_ms: number }) => d.ttft_ms > 25),
    requests.derive({ ttft_s: (d: { ttft_ms: number }) => d.ttft_ms / 1000 }).select("ttft_s"),
    table({ a: [1, 2] }),
  ];
  for (const t of derived) {
    const bundle = bundleOf(t);
    assert.match(bundle["text/html"], /^<table class="vllm-metrics-table">/);
    assert.equal(Deno.inspect(t), bundle["text/plain"]);
    assert.doesNotMatch(bundle["text/plain"], /ColumnTable/);
  }
  assert.match(bundleOf(derived[0])["text/plain"], /^index +ttft_ms\n/);
  const columns = requests.numCols();
  assert.match(bundleOf(derived[1])["text/plain"], new RegExp(`1 row × ${columns} columns$`));
});

Deno.test("a summary keeps its own view over the tables' view", () => {
  const summary = summarize(toTable(makeRun([makeRecord()])));
  assert.match(bundleOf(summary)["text/plain"], /^run_id=run-1 label=test/);
  assert.doesNotMatch(bundleOf(summary)["text/html"], /vllm-metrics-table"/);
});

Deno.test("installTableDisplay() installs once, as hidden properties of ColumnTable.prototype", () => {
  assert.equal(installTableDisplay(), false); // importing show_table.ts installed it
  const descriptor = Object.getOwnPropertyDescriptor(ColumnTable.prototype, DISPLAY)!;
  assert.equal(descriptor.enumerable, false);
  assert.deepEqual(Object.keys(table({ a: [1] }).objects()[0]), ["a"]);
});
