import assert from "node:assert/strict";
import { op } from "../deps/arquero.ts";
import { toTable } from "./to_table.ts";
import { toChunkTable } from "./to_chunk_table.ts";
import { makeRecord, makeRun } from "./_fixtures.ts";
import { RECORD_FIELDS } from "./record_fields.ts";
import type { RequestRecord } from "../types.ts";

const failed = makeRecord({
  index: 1,
  success: false,
  ttft_ms: null,
  e2e_ms: null,
  tpot_ms: null,
  itl_ms: [],
  chunk_times_ms: [],
  error: { kind: "http_error", message: "overloaded", status: 503 },
});
const run = makeRun([makeRecord({ server_queue_ms: 2.5, tag: "sharegpt" }), failed], {
  load: { concurrency: 8, rate: 2.5, burstiness: 1, warmup: 0, seed: 0 },
});

Deno.test("RECORD_FIELDS lists every field of RequestRecord", () => {
  const all: Record<keyof RequestRecord, true> = Object.fromEntries(
    Object.keys(makeRecord()).map((k) => [k, true]),
  ) as Record<keyof RequestRecord, true>;
  const listed = new Set(RECORD_FIELDS.map((f) => f.name));
  for (const name of Object.keys(all)) assert.ok(listed.has(name as keyof RequestRecord), name);
});

Deno.test("toTable() has one row per request and every scalar field under its own name", () => {
  const t = toTable(run);
  assert.equal(t.numRows(), 2);
  for (const field of RECORD_FIELDS) {
    if (field.kind === "json") {
      assert.equal(
        t.column(field.name) === undefined || ["itl_ms", "chunk_tokens"].includes(field.name),
        true,
        field.name,
      );
    } else assert.ok(t.column(field.name), `missing column ${field.name}`);
  }
  const [ok, bad] = t.objects() as Record<string, unknown>[];
  assert.equal(ok.request_id, "req-0");
  assert.equal(ok.tag, "sharegpt");
  assert.equal(ok.ttft_ms, 20);
  assert.equal(ok.server_queue_ms, 2.5);
  assert.equal(ok.success, true);
  assert.equal(bad.success, false);
  assert.equal(bad.tag, null);
});

Deno.test("toTable() adds label, concurrency, rate, error fields, end_ms, chunks and itl_ms", () => {
  const [ok, bad] = toTable(run).objects() as Record<string, unknown>[];
  assert.equal(ok.label, "test");
  assert.equal(ok.concurrency, 8);
  assert.equal(ok.rate, 2.5);
  assert.equal(ok.end_ms, ok.start_ms as number + 50);
  assert.equal(ok.chunks, 4);
  assert.deepEqual(ok.itl_ms, [10, 10, 10]);
  assert.equal(ok.itl_ms, run.requests[0].itl_ms, "the record's own list, not a copy");
  assert.equal(ok.error_kind, null);
  assert.equal(bad.error_kind, "http_error");
  assert.equal(bad.error_message, "overloaded");
  assert.equal(bad.error_status, 503);
  assert.deepEqual(bad.itl_ms, []);
});

Deno.test("toTable() stores numbers in Float64Arrays, missing ones as NaN that arquero treats as missing", () => {
  const t = toTable(run);
  assert.ok(t.column("ttft_ms") instanceof Float64Array);
  assert.ok(Number.isNaN(t.get("ttft_ms", 1)));
  assert.ok(Number.isNaN(t.get("concurrency", 0)) === false);
  const stats = t.rollup({ valid: op.valid("ttft_ms"), mean: op.mean("ttft_ms") }).objects()[0];
  assert.deepEqual(stats, { valid: 1, mean: 20 });
  assert.ok(Number.isNaN(toTable(makeRun([makeRecord()])).get("rate", 0)), "no rate → NaN");
});

Deno.test("toTable() concatenates several runs, each row with its own run's label", () => {
  const other = makeRun([makeRecord({ run_id: "run-2" })], { run_id: "run-2", label: "other" });
  const t = toTable([run, other]);
  assert.deepEqual(t.array("label"), ["test", "test", "other"]);
  assert.deepEqual(t.array("run_id"), ["run-1", "run-1", "run-2"]);
});

Deno.test("toTable() of no runs or an empty run is an empty table with the same columns", () => {
  const empty = toTable(makeRun([]));
  assert.equal(empty.numRows(), 0);
  assert.deepEqual(empty.columnNames(), toTable(run).columnNames());
  assert.throws(() => toTable({} as never), /toTable: input is not a Run/);
});

Deno.test("toChunkTable() has one row per content chunk with times, gaps and tokens", () => {
  const record = makeRecord({ chunk_tokens: [1, 2, 1, 1] });
  const t = toChunkTable(makeRun([record, failed]));
  assert.equal(t.numRows(), 4);
  const rows = t.objects() as Record<string, number>[];
  assert.deepEqual(rows.map((r) => r.chunk), [0, 1, 2, 3]);
  assert.deepEqual(rows.map((r) => r.t_ms), [20, 30, 40, 50]);
  assert.deepEqual(rows.map((r) => r.wall_ms - record.start_ms), [20, 30, 40, 50]);
  assert.ok(Number.isNaN(rows[0].gap_ms));
  assert.deepEqual(rows.slice(1).map((r) => r.gap_ms), [10, 10, 10]);
  assert.deepEqual(rows.map((r) => r.tokens), [1, 2, 1, 1]);
  assert.equal(rows[0].concurrency, 4);
  assert.deepEqual(Object.keys(rows[0]), [
    "run_id",
    "label",
    "index",
    "request_id",
    "chunk",
    "t_ms",
    "wall_ms",
    "gap_ms",
    "tokens",
    "concurrency",
    "rate",
  ]);
  assert.ok(
    Number.isNaN(toChunkTable(makeRun([makeRecord()])).get("tokens", 0)),
    "unknown tokens → NaN",
  );
});
