import assert from "node:assert/strict";
import { summarize } from "./summarize.ts";
import { toTable } from "../table/to_table.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import { formatSummary } from "../display/format_summary.ts";

const failed = (index: number, kind: "timeout" | "http_error") =>
  makeRecord({
    index,
    success: false,
    e2e_ms: null,
    tpot_ms: null,
    error: { kind, message: `synthetic ${kind}` },
  });

Deno.test("the summary counts failed requests by error kind, and the terminal shows them", () => {
  const run = makeRun([
    makeRecord(),
    failed(1, "timeout"),
    failed(2, "http_error"),
    failed(3, "http_error"),
  ]);
  const summary = summarize(toTable(run));
  const row = summary.objects()[0] as Record<string, unknown>;
  assert.equal(row.failed, 3);
  assert.equal(row.errors_by_kind, "http_error 2, timeout 1");
  assert.match(formatSummary(summary), /failed 3 \(http_error 2, timeout 1\) {2}duration/);
});

Deno.test("without failures errors_by_kind is null and the terminal line is unchanged", () => {
  const summary = summarize(toTable(makeRun([makeRecord()])));
  assert.equal((summary.objects()[0] as Record<string, unknown>).errors_by_kind, null);
  assert.match(formatSummary(summary), /failed 0 {2}duration/);
});
