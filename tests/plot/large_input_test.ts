import assert from "node:assert/strict";
import * as aq from "../../src/deps/arquero.ts";
import { plot } from "../../src/plot/mod.ts";
import type { VegaLiteSpec } from "../../src/types.ts";
import { compile, embeddedValueCount } from "./_helpers.ts";
import { createRng } from "../../src/util/rng.ts";

/** 100,000 requests in 4 runs, built column-wise (quick), with ITL lists of 1–40 gaps. */
function bigTable(n: number): aq.ColumnTable {
  const rng = createRng(11);
  const col = () => new Float64Array(n);
  const start = col(), ttft = col(), e2e = col(), tpot = col(), end = col();
  const queue = col(), prefill = col(), decode = col(), overhead = col(), sStart = col();
  const index = col();
  const label: string[] = [], runId: string[] = [], success: boolean[] = [];
  const itl: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const run = i % 4;
    runId.push(`run-${run}`);
    label.push(`label-${run}`);
    index[i] = Math.floor(i / 4);
    start[i] = 1_767_225_600_000 + i * 3 + rng.next();
    queue[i] = rng.exponential(5);
    prefill[i] = 10 + rng.next() * 20;
    overhead[i] = rng.exponential(1);
    const gaps = Float64Array.from({ length: rng.int(1, 40) }, () => 10 + rng.exponential(3));
    itl.push(gaps);
    decode[i] = gaps.reduce((a, b) => a + b, 0);
    ttft[i] = overhead[i] + queue[i] + prefill[i];
    e2e[i] = ttft[i] + decode[i] + 0.5;
    tpot[i] = decode[i] / gaps.length;
    end[i] = start[i] + e2e[i];
    sStart[i] = start[i] + overhead[i];
    success.push(rng.next() > 0.01);
  }
  return aq.table({
    run_id: runId,
    label,
    index,
    start_ms: start,
    end_ms: end,
    ttft_ms: ttft,
    tpot_ms: tpot,
    e2e_ms: e2e,
    success,
    server_queue_ms: queue,
    server_prefill_ms: prefill,
    server_decode_ms: decode,
    client_overhead_ms: overhead,
    server_start_ms: sStart,
    itl_ms: itl,
  });
}

/** ~400,000 chunks of 4 runs. */
function bigChunks(requests: number): aq.ColumnTable {
  const rng = createRng(12);
  const label: string[] = [], chunk: number[] = [], t: number[] = [], wall: number[] = [];
  const gap: (number | null)[] = [], tokens: number[] = [];
  for (let r = 0; r < requests; r++) {
    const start = 1_767_225_600_000 + r * 10;
    let at = 20 + rng.exponential(10);
    const len = rng.int(1, 60);
    for (let k = 0; k < len; k++) {
      const g = k === 0 ? null : 8 + rng.exponential(4);
      if (g !== null) at += g;
      label.push(`label-${r % 4}`);
      chunk.push(k);
      t.push(at);
      wall.push(start + at);
      gap.push(g);
      tokens.push(1);
    }
  }
  return aq.table({ label, chunk, t_ms: t, wall_ms: wall, gap_ms: gap, tokens });
}

const LIMIT = 5000;
const table = bigTable(100_000);
const chunks = bigChunks(13_000);

const specs: [string, () => VegaLiteSpec][] = [
  ["histogram", () => plot.histogram(table, { metric: "ttft_ms", color: "label" })],
  ["histogram itl", () => plot.histogram(table, { metric: "itl_ms" })],
  ["ecdf", () => plot.ecdf(table, { metric: "e2e_ms", color: "label" })],
  ["ecdf itl", () => plot.ecdf(table, { metric: "itl_ms" })],
  ["breakdown", () => plot.breakdown(table)],
  ["timeline", () => plot.timeline(table)],
  ["inFlight", () => plot.inFlight(table)],
  ["compare", () => plot.compare(table, { metric: "tpot_ms" })],
  ["itlOverTime", () => plot.itlOverTime(chunks)],
  ["itlByPosition", () => plot.itlByPosition(chunks)],
  ["throughputOverTime", () => plot.throughputOverTime(chunks)],
];

for (const [name, make] of specs) {
  Deno.test(`${name} of a 100k-row input embeds at most ${LIMIT} data values`, () => {
    assert.ok(table.numRows() === 100_000 && chunks.numRows() > 100_000);
    const spec = make();
    const values = embeddedValueCount(spec);
    assert.ok(values > 0 && values <= LIMIT, `${name}: ${values} values embedded`);
    assert.ok(JSON.stringify(spec).length < 200_000);
    compile(spec);
  });
}
