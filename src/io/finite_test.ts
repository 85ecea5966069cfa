import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "../deps/fast_check.ts";
import { finiteRecord, finiteRun } from "./finite.ts";
import { hostileRunArb } from "./_record_arbitrary.ts";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";
import type { Run, TraceSource } from "../types.ts";
import { enrich } from "../enrich/enrich.ts";
import { makeRecord as enrichRecord, vllmSpan } from "../enrich/_test_support.ts";

/**
 * `value` rebuilt with ordinary prototypes (fast-check makes some objects without one), every
 * number kept as it is (−0, NaN and Infinity included), so deepEqual compares values exactly.
 */
function ordinary(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordinary);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ordinary(v)]));
  }
  return value;
}

Deno.test("finiteRecord() turns a span's 1e306 s queue time (Infinity ms) into null with a note", () => {
  const record = finiteRecord(makeRecord({ server_queue_ms: 1e306 * 1000 }));
  assert.equal(record.server_queue_ms, null);
  assert.deepEqual(record.value_notes, [
    "server_queue_ms: Infinity is not a finite number; stored as null",
  ]);
});

Deno.test("finiteRecord() keeps a storable record as the same object", () => {
  const record = makeRecord();
  assert.equal(finiteRecord(record), record);
});

Deno.test("save() never writes a file its load() refuses: Infinity becomes null with a note in every format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = makeRun([makeRecord({ chunk_tokens: [1, Infinity], server_queue_ms: Infinity })]);
    for (const ext of ["json", "jsonl", "csv"]) {
      const loaded = await load(await save(run, join(dir, `run.${ext}`)));
      assert.equal(loaded.requests[0].chunk_tokens, null, ext);
      assert.equal(loaded.requests[0].server_queue_ms, null, ext);
      assert.equal(loaded.requests[0].value_notes?.length, 2, ext);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load(save(run)) gives back every run collect/enrich can produce from hostile input, in all three formats", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await fc.assert(
      fc.asyncProperty(
        hostileRunArb(),
        fc.constantFrom("json", "jsonl", "csv"),
        async (raw, ext) => {
          // What collect and enrich hand on: values made storable on the way in.
          const run = ordinary(finiteRun(raw)) as Run;
          assert.deepEqual(finiteRun(run), run, "already storable");
          const loaded = await load(await save(run, join(dir, `run.${ext}`)));
          assert.deepEqual({ meta: loaded.meta, requests: loaded.requests }, run);
        },
      ),
      { numRuns: 150 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("finiteRun() leaves NaN and ±Inf Prometheus samples out of the meta, without a warning", () => {
  const snapshot = (value: number) => ({ at_ms: 1, values: { "a": 1, "b": value } });
  const run = makeRun([], { prometheus: { before: snapshot(NaN), after: snapshot(Infinity) } });
  const clean = finiteRun(run);
  assert.deepEqual(clean.meta.prometheus, {
    before: { at_ms: 1, values: { a: 1 } },
    after: { at_ms: 1, values: { a: 1 } },
  });
  assert.equal(clean.meta.warnings, undefined);
});

Deno.test("a span with time_in_queue 1e306 s: enrich gives null with a note, and the run round-trips", async () => {
  const record = enrichRecord();
  const span = vllmSpan({
    traceId: record.trace_id,
    spanId: "5".repeat(16),
    parentSpanId: record.span_id,
  });
  span.attributes["gen_ai.latency.time_in_queue"] = 1e306;
  const source: TraceSource = {
    name: "hostile",
    getSpans: (ids) => Promise.resolve(new Map(ids.map((id) => [id, [span]]))),
  };
  const enriched = await enrich(makeRun([record]), source, { timeoutMs: 1_000 });
  const run = ordinary(enriched) as Run;
  assert.equal(run.requests[0].server_queue_ms, null);
  assert.ok(run.requests[0].value_notes?.some((n) => n.startsWith("server_queue_ms: Infinity")));
  const dir = await Deno.makeTempDir();
  try {
    for (const ext of ["json", "jsonl", "csv"]) {
      const loaded = await load(await save(run, join(dir, `run.${ext}`)));
      assert.deepEqual({ meta: loaded.meta, requests: loaded.requests }, run, ext);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
