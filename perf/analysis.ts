/**
 * `deno task perf:analysis`: time of toTable and summarize over synthetic runs of 10k, 100k and
 * 1M requests × 200 chunks each, plus memory, printed as a markdown table.
 *
 * Each size runs in its own child process (fresh heap, so peak RSS is that size's alone; the
 * child gets a larger V8 heap limit because the 1M-request input alone holds 400M numbers in JS
 * arrays).
 *
 * When the clock starts. The input is built, a full GC is forced (to measure memory), and then,
 * by default, the child waits until the process has settled: no CPU used by any of its threads
 * for a quarter of a second. That is the state a notebook is in when a run was loaded in one cell
 * and analysed in the next. Right after a full GC of the 4.5 GB input, V8 sweeps that heap on a
 * background thread, which on a 2-core machine takes the second core and delays the JIT's
 * compile jobs, so the same calls take longer; `--after-gc` times them in that state instead
 * (a full GC immediately before toTable and again before summarize, as this script did first).
 * toTable and summarize are then timed back to back (`summarize(toTable(run))`); the table's
 * memory is measured at the end, from two more full GCs.
 *
 * Usage: `deno task perf:analysis [--repeat N] [--after-gc] [--compare] [sizes...]`; with
 * `--repeat N`, N child processes per size, and the table gives the median and the range of their
 * times. With `--compare`, one more column: `compareRuns(table, table)` (the run against itself,
 * default resamples, an SLO so goodput is in), timed last, after the process settled again.
 *
 * Columns: input build time (not part of the budget), toTable, summarize (default options: 4
 * percentiles, ttft/tpot/itl/e2e + server metrics, grouped by run), summarize grouped by
 * `prompt_tokens` (900 groups, timed separately after the process settled again, not part of the
 * total), the table's own memory (heap + ArrayBuffers it holds after GC, including the row
 * index arquero keeps once summarize asked for it: 4 bytes a row) per request, against 8 bytes ×
 * its numeric columns (the `itl_ms` cells are the records' own arrays, so the
 * gaps cost the table nothing), and the process's peak RSS (VmHWM from /proc when available),
 * which the input itself (400 numbers a request in JS arrays) dominates.
 *
 * @module
 */

import type { ColumnTable } from "../src/deps/arquero.ts";
import { toTable } from "../src/table/to_table.ts";
import { summarize } from "../src/summarize/summarize.ts";
import { compareRuns, DEFAULT_RESAMPLES } from "../src/compare/compare_runs.ts";
import { createRng } from "../src/util/rng.ts";
import { fmt } from "./_machine.ts";
import type { RequestRecord, Run } from "../src/types.ts";
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import { parseInteger } from "../src/cli/parse_values.ts";
import { UsageError } from "../src/cli/usage_error.ts";

const CHUNKS = 200;
const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];

interface Result {
  requests: number;
  mode: Mode;
  /** Seconds waited for the process to settle before the clock started. */
  settle_s: number;
  build_s: number;
  to_table_s: number;
  summarize_s: number;
  grouped_s: number;
  groups: number;
  table_bytes_per_request: number;
  numbers_bytes_per_request: number;
  peak_rss_mb: number;
  /** With --compare: seconds of compareRuns(table, table) at the default resamples; else null. */
  compare_s: number | null;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function peakRssMb(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Deno.memoryUsage().rss / 2 ** 20;
}

/** A run of `n` streamed requests with `CHUNKS` content chunks each; 2 % fail. */
function syntheticRun(n: number): Run {
  const rng = createRng(42);
  const t0 = 1_700_000_000_000;
  const requests: RequestRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const start = t0 + i * 5 + rng.next();
    const ttft = 20 + rng.exponential(30);
    const times = new Array<number>(CHUNKS);
    const gaps = new Array<number>(CHUNKS - 1);
    let t = ttft;
    times[0] = t;
    for (let c = 1; c < CHUNKS; c++) {
      const gap = 8 + rng.exponential(4);
      t += gap;
      times[c] = t;
      gaps[c - 1] = gap;
    }
    const success = rng.next() > 0.02;
    const queue = rng.exponential(5);
    requests[i] = {
      run_id: "perf",
      index: i,
      request_id: `req-${i}`,
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      span_id: "b7ad6b7169203331",
      sampled: true,
      response_id: `chatcmpl-${i}`,
      endpoint: "chat",
      model: "synthetic",
      stream: true,
      tag: null,
      params: {},
      scheduled_ms: start,
      start_ms: start,
      lateness_ms: 0,
      headers_ms: ttft / 2,
      ttft_ms: ttft,
      e2e_ms: t,
      tpot_ms: (t - ttft) / (CHUNKS - 1),
      itl_ms: gaps,
      chunk_times_ms: times,
      chunk_tokens: null,
      first_chunk_ms: ttft,
      last_chunk_ms: t,
      prompt_tokens: 100 + (i % 900),
      completion_tokens: CHUNKS,
      token_source: "usage",
      finish_reason: "length",
      output_chars: CHUNKS * 4,
      success,
      error: success ? null : { kind: "stream_error", message: "synthetic failure" },
      span_status: "found",
      span_note: null,
      trace_url: null,
      server_queue_ms: queue,
      server_prefill_ms: ttft - queue - 1,
      server_decode_ms: t - ttft,
      server_inference_ms: t - queue - 1,
      server_ttft_ms: ttft - 1,
      server_e2e_ms: t - 1,
      server_scheduler_ms: null,
      server_model_forward_ms: null,
      server_model_execute_ms: null,
      server_prompt_tokens: 100 + (i % 900),
      server_completion_tokens: CHUNKS,
      server_start_ms: start + 0.5,
      client_overhead_ms: 1,
      server_frontend_ms: 0.5,
      server_spans: [],
    };
  }
  return {
    meta: {
      schema_version: 1,
      run_id: "perf",
      label: "perf",
      created_at: new Date(t0).toISOString(),
      url: "http://127.0.0.1:8000",
      endpoint: "chat",
      model: "synthetic",
      load: { concurrency: 64, burstiness: 1, warmup: 0, seed: 42 },
      started_ms: t0,
      ended_ms: t0 + n * 5,
      duration_ms: n * 5,
      interrupted: false,
      client: { tool: "perf", version: "0", runtime: "deno", hostname: "perf" },
      trace_source: null,
      prometheus: null,
      extra: {},
    },
    requests,
  };
}

/** Whether the clock starts from a settled process or right after a forced full GC. */
type Mode = "settled" | "after-gc";

/** CPU time used so far by all the process's threads, in ms (NaN off Linux). */
function processCpuMs(): number {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks
    // (100 per second on Linux).
    const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * Waits until no thread of the process used CPU for a quarter of a second (at most one clock
 * tick), or 30 s passed; returns the seconds waited. Off Linux: waits 3 s.
 */
async function settle(): Promise<number> {
  const started = performance.now();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  if (Number.isNaN(processCpuMs())) {
    await sleep(3000);
    return 3;
  }
  let cpu = processCpuMs();
  while (performance.now() - started < 30_000) {
    await sleep(250);
    const now = processCpuMs();
    if (now - cpu <= 10) break;
    cpu = now;
  }
  return (performance.now() - started) / 1000;
}

function heapAndBuffers(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

async function measure(n: number, mode: Mode, compare: boolean): Promise<Result> {
  let t = performance.now();
  const run = syntheticRun(n);
  const buildS = (performance.now() - t) / 1000;
  gc();
  const before = heapAndBuffers();
  const settleS = mode === "settled" ? await settle() : 0;
  t = performance.now();
  const table = toTable(run);
  const toTableS = (performance.now() - t) / 1000;
  if (mode === "after-gc") gc();
  t = performance.now();
  let summary: ColumnTable | null = summarize(table);
  const summarizeS = (performance.now() - t) / 1000;
  if (summary.numRows() !== 1) throw new Error("expected one summary row");
  summary = null;
  if (mode === "settled") await settle();
  else gc();
  // Grouped: one row per prompt length (900 groups; at 1M requests each pools ~220k ITL gaps).
  t = performance.now();
  let grouped: ColumnTable | null = summarize(table, { groupby: ["prompt_tokens"] });
  const groupedS = (performance.now() - t) / 1000;
  const groups = grouped.numRows();
  grouped = null;
  // Memory: what the table (alone now) added since `before`. Two full GCs: buffers freed by the
  // first one's sweeping are returned by the second.
  gc();
  gc();
  const tableBytes = heapAndBuffers() - before;
  // Numbers the table itself holds per request: its numeric columns (the itl_ms cells are the
  // records' own arrays, not copies).
  const numericColumns =
    table.columnNames().filter((name) => table.column(name) instanceof Float64Array).length;
  let compareS: number | null = null;
  if (compare) {
    // The run against itself: the cost does not depend on the values, only on their number.
    if (mode === "settled") await settle();
    else gc();
    t = performance.now();
    const comparison = compareRuns(table, table, { slo: { ttft_ms: 100 } });
    compareS = (performance.now() - t) / 1000;
    if (comparison.numRows() === 0) throw new Error("expected comparison rows");
  }
  return {
    requests: n,
    mode,
    settle_s: settleS,
    build_s: buildS,
    to_table_s: toTableS,
    summarize_s: summarizeS,
    grouped_s: groupedS,
    groups,
    table_bytes_per_request: tableBytes / n,
    numbers_bytes_per_request: 8 * numericColumns,
    peak_rss_mb: peakRssMb(),
    compare_s: compareS,
  };
}

async function runChild(n: number, mode: Mode, compare: boolean): Promise<Result> {
  // About 4.5 GB of heap per million requests of input; leave room.
  const heapMb = Math.max(4096, Math.ceil((n / 1e6) * 8) * 1024);
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--v8-flags=--expose-gc,--max-old-space-size=${heapMb}`,
      new URL(import.meta.url).pathname,
      "--child",
      String(n),
      mode,
      ...(compare ? ["--compare"] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
  });
  const { code, stdout } = await command.output();
  if (code !== 0) throw new Error(`perf child for ${n} requests exited with code ${code}`);
  return JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The flags, in --help order; sizes (requests per table) are given as plain numbers. */
const FLAGS = [
  {
    name: "repeat",
    value: "N",
    default: "1",
    help: "child processes per size; the table gives the median and the range",
  },
  { name: "after-gc", help: "start the clock right after a forced full GC (not settled)" },
  { name: "compare", help: "one more column: compareRuns(table, table)" },
] as const satisfies readonly FlagDefinition[];

function parseArgs(
  args: string[],
): { sizes: number[]; repeat: number; mode: Mode; compare: boolean } {
  const values = parseCommandLine(
    "deno task perf:analysis",
    `perf:analysis: toTable + summarize on large runs. Sizes: requests per run, as plain numbers ` +
      `after the flags (default ${DEFAULT_SIZES.join(" ")}).`,
    FLAGS,
    args,
    { positionals: true },
  );
  const sizes = values.positionals.map((arg) => {
    if (!/^\d+$/.test(arg)) {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (sizes are plain numbers)`);
    }
    return Number(arg);
  });
  return {
    sizes: sizes.length ? sizes : DEFAULT_SIZES,
    repeat: parseInteger("--repeat", values.repeat, 1),
    mode: values["after-gc"] ? "after-gc" : "settled",
    compare: values.compare,
  };
}

if (Deno.args[0] === "--child") {
  console.log(
    JSON.stringify(
      await measure(Number(Deno.args[1]), Deno.args[2] as Mode, Deno.args[3] === "--compare"),
    ),
  );
} else {
  const { sizes, repeat, mode, compare } = parseArgs(Deno.args);
  // One value, or with repeats the median and the range.
  const stat = (xs: number[]) =>
    xs.length === 1
      ? fmt(xs[0])
      : `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
  console.log(
    `toTable + summarize, ${CHUNKS} chunks per request, clock started ${
      mode === "settled" ? "from a settled process" : "right after a forced full GC"
    }, ${repeat} process(es) per size (${Deno.build.os}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno})\n`,
  );
  console.log(
    "| requests | build input (s) | toTable (s) | summarize (s) | toTable + summarize (s) | summarize by prompt_tokens (s) | groups | table bytes/request | 8 × numeric columns | peak RSS (MB) |" +
      (compare ? ` compareRuns, ${DEFAULT_RESAMPLES} resamples (s) |` : ""),
  );
  console.log(
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" +
      (compare ? " ---: |" : ""),
  );
  for (const n of sizes) {
    const results: Result[] = [];
    for (let r = 0; r < repeat; r++) results.push(await runChild(n, mode, compare));
    const pick = (key: keyof Result) => results.map((r) => r[key] as number);
    const totals = results.map((r) => r.to_table_s + r.summarize_s);
    console.log(
      `| ${n.toLocaleString("en-US")} | ${stat(pick("build_s"))} | ${stat(pick("to_table_s"))} | ${
        stat(pick("summarize_s"))
      } | ${stat(totals)} | ${stat(pick("grouped_s"))} | ${results[0].groups} | ${
        fmt(median(pick("table_bytes_per_request")), 0)
      } | ${results[0].numbers_bytes_per_request} | ${fmt(Math.max(...pick("peak_rss_mb")), 0)} |${
        compare ? ` ${stat(pick("compare_s"))} |` : ""
      }`,
    );
  }
}
