/**
 * `deno task perf:client`: does the client distort what it measures?
 *
 * The simulator runs in its own process (perf/_sim_server.ts) with ground truth on: for every
 * content chunk it records the epoch-ms time right before the SSE event was written
 * (`content_chunk_write_ms`); the harness also records when node:http finished that write (its
 * write callback). The client runs in a third process (perf/_client_run.ts). For every content
 * chunk, lag = client receive time (record.start_ms + chunk_times_ms[i]) − server write time,
 * joined by request id. Both processes read the same system clock through
 * `performance.timeOrigin + performance.now()`; the anchoring error between the two processes is
 * measured by pinging the simulator process's `nowMs()` over loopback before and after each run.
 *
 * Per load (streams × decode step, closed loop, no tracing) three clients run, each against a
 * fresh simulator: a floor (raw TCP reader: HTTP by hand, no parsing — what is left is the
 * simulator's write path and the kernel), the baseline (Deno fetch + the project's SseParser, a
 * minimal loop), and `collect` (undici). Reported: p50/p99/max lag (also for each request's first
 * chunk, its last, and the chunks between: the mid-stream p99 leaves out a closed loop's request
 * turnover), the aggregate chunk rate,
 * client CPU (process.cpuUsage, user + system) per second of run and per 1k chunks. Then it
 * searches, for collect only, the highest chunk rate whose p99 lag stays ≤ 2 ms.
 *
 * Tracing rows (collect only): `--tracing off,embedded,process` runs collect with the simulator's
 * spans exported over OTLP/gRPC (BatchSpanProcessor, `--export-delay-ms`, default 5000 like vLLM)
 * to nowhere (off), to `startReceiver()` inside the client process (embedded), or to a receiver in
 * a process of its own (process). `inthread` adds the pre-Worker arrangement (gRPC server, decoding
 * and store on the client's main thread) for comparison. All rows of one load run back to back.
 *
 * Servers: `--server sim,standin-spread,standin-burst` runs the same rows against src/sim (default) or
 * the independent stand-in (perf/_standin_server.py: Python, blocking `send()`, ground truth taken
 * right before and after each chunk's send, so its lag excludes the server's own write queue);
 * with the stand-in, tracing rows get their spans from perf/_span_feeder.ts, a process of its own.
 * `--repeat N` runs every row N times, interleaved (all rows of a repetition, then the next), and
 * adds a table of medians; `--wait-quiet 1.0` waits (≤ 120 s) for load1 below 1.0 before each.
 *
 * Flags: `--streams 100,500,2000` `--step-ms 40` `--tokens 50` `--rounds 3` (measured requests
 * per stream, after one warmup request per stream) `--search 10x5,...` (streams x decode step
 * ms; "none" to skip) `--search-tokens 200` `--impl raw,fetch,collect` `--json <path>` (raw
 * results) `--cpu-prof` (profile the client processes into a temp folder, printed).
 *
 * @module
 */
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import type { GroundTruthEntry } from "../src/sim/mod.ts";
import type { ClientRunConfig, ClientRunResult } from "./_client_run.ts";
import {
  describeMachine,
  fmt,
  loadAverage,
  machine,
  percentileSorted,
  waitForQuiet,
} from "./_machine.ts";
import { SimProcess } from "./_sim_process.ts";
import { SpanFeeder } from "./_span_feeder.ts";
import { freePort, ReceiverProcess, type TracingMode } from "./_trace_receiver.ts";

/**
 * The server the clients read: src/sim in its own process, or the independent stand-in
 * (perf/_standin_server.py) with its engine steps written as one burst or spread over the step.
 */
export type ServerKind = "sim" | "standin-burst" | "standin-spread";
const SERVER_KINDS: readonly ServerKind[] = ["sim", "standin-burst", "standin-spread"];

const HERE = new URL(".", import.meta.url).pathname;

/** The flags, in --help order. */
const FLAGS = [
  {
    name: "streams",
    value: "N[,N...]",
    default: "100,500,2000",
    help: "concurrent streams per load",
  },
  { name: "step-ms", value: "MS", default: "40", help: "the simulator's decode step" },
  { name: "tokens", value: "N", default: "50", help: "output tokens per request" },
  {
    name: "rounds",
    value: "N",
    default: "3",
    help: "measured requests per stream, after one warmup request per stream",
  },
  {
    name: "search",
    value: "SxMS[,...]",
    default: "10x5,10x2,10x1,20x5,20x2,20x1,40x5,40x2,40x1,100x10,100x5",
    help: "collect's rate search: streams x decode step ms (none = skip)",
  },
  { name: "search-tokens", value: "N", default: "200", help: "output tokens in the search" },
  {
    name: "impl",
    value: "raw,fetch,collect",
    default: "raw,fetch,collect",
    help: "clients to run",
  },
  { name: "json", value: "FILE", help: "also write the raw results here" },
  { name: "cpu-prof", help: "profile the client processes into a temp folder (printed)" },
  {
    name: "tracing",
    value: "off,embedded,inthread,process",
    default: "off,embedded,process",
    help: "collect rows with the simulator's spans exported nowhere, in-process or to a process",
  },
  { name: "export-delay-ms", value: "MS", default: "5000", help: "span batch delay, as vLLM" },
  {
    name: "server",
    value: "sim,standin-burst,standin-spread",
    default: "sim",
    help: "the server the clients read",
  },
  { name: "repeat", value: "N", default: "1", help: "repetitions of every row, interleaved" },
  {
    name: "feeder-spans",
    value: "N",
    help: "stand-in tracing rows: spans per export (default: request rate × export delay, ≤ 512)",
  },
  {
    name: "wait-quiet",
    value: "LOAD",
    help: "before each repetition, wait (at most 120 s) for the 1-minute load average below LOAD",
  },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno task perf:client",
  "perf:client: does the client distort what it measures? (per-chunk lag against the server's writes)",
  FLAGS,
);

/** `--feeder-spans`: a fixed export size for the span feeder, or undefined. */
const FEEDER_SPANS = values["feeder-spans"] === undefined
  ? undefined
  : Number(values["feeder-spans"]);

/** One measured load. */
export interface LoadResult {
  impl: string;
  server: ServerKind;
  /** Repetition (1-based) of `--repeat`. */
  rep: number;
  /** Where the simulator's spans went (see {@link TracingMode}). */
  tracing: TracingMode;
  /** Spans the receiver accepted (null with tracing off). */
  spans: number | null;
  streams: number;
  step_ms: number;
  tokens: number;
  requests: number;
  failed: number;
  chunks: number;
  joined: number;
  /** Requests whose client and server content-chunk counts differ. */
  count_mismatch: number;
  chunk_rate: number;
  lag_p50: number;
  lag_p99: number;
  lag_p999: number;
  lag_max: number;
  /** Smallest lag (negative = client clock read before the server's write time: anchoring). */
  lag_min: number;
  client_cpu_s: number;
  wall_s: number;
  cpu_ms_per_s: number;
  cpu_ms_per_1k_chunks: number;
  server_cpu_ms_per_s: number;
  clock_offset_ms: number;
  clock_rtt_ms: number;
  load1_before: number;
  load1_after: number;
  /** Lag measured from the completion of the server's write (node:http write callback). */
  flush_p50: number;
  flush_p99: number;
  flush_joined: number;
  /** Lag of each request's first content chunk (the TTFT point) and of its last one. */
  first_p50: number;
  first_p99: number;
  last_p99: number;
  /**
   * p99 lag of the chunks between each request's first and last: without the moments when
   * requests start and end (a closed loop's turnover), what the client does while streams run.
   */
  mid_p99: number;
  /** Median chunks per burst (one engine step), and its server write / client receive spans. */
  burst_size: number;
  burst_server_ms: number;
  burst_client_ms: number;
}

let profileDir: string | undefined;

async function runClient(config: ClientRunConfig, cpuProf: boolean): Promise<ClientRunResult> {
  const args = ["run", "-A"];
  if (cpuProf) {
    profileDir ??= await Deno.makeTempDir({ prefix: "vm-perf-client-prof-" });
    console.error(`  cpu profile → ${profileDir}`);
    args.push("--cpu-prof", `--cpu-prof-dir=${profileDir}`);
  }
  args.push(`${HERE}_client_run.ts`, JSON.stringify(config));
  const status = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!status.success) throw new Error(`client process failed (${status.code})`);
  return JSON.parse(await Deno.readTextFile(config.out)) as ClientRunResult;
}

/** Lags of every content chunk, joined by request id. */
type Truth = GroundTruthEntry & { content_chunk_flush_ms?: number[] };

function lags(result: ClientRunResult, truth: Truth[], gapMs: number) {
  const byId = new Map<string, Truth>();
  for (const entry of truth) byId.set(entry.request_id, entry);
  const out: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const mid: number[] = [];
  const pairs: number[] = []; // server write, client receive, interleaved
  const flushed: number[] = [];
  let mismatch = 0;
  for (const record of result.records) {
    const entry = byId.get(record.request_id);
    if (entry === undefined) {
      mismatch++;
      continue;
    }
    const server = entry.content_chunk_write_ms;
    const client = record.chunk_times_ms;
    const flush = entry.content_chunk_flush_ms ?? [];
    if (server.length !== client.length) mismatch++;
    const n = Math.min(server.length, client.length);
    for (let i = 0; i < n; i++) {
      const lag = record.start_ms + client[i] - server[i];
      out.push(lag);
      if (i === 0) first.push(lag);
      if (i === n - 1) last.push(lag);
      if (i > 0 && i < n - 1) mid.push(lag);
      pairs.push(server[i], record.start_ms + client[i]);
      if (i < flush.length && Number.isFinite(flush[i])) {
        flushed.push(record.start_ms + client[i] - flush[i]);
      }
    }
  }
  return {
    lags: Float64Array.from(out).sort(),
    first: Float64Array.from(first).sort(),
    last: Float64Array.from(last).sort(),
    mid: Float64Array.from(mid).sort(),
    flushed: Float64Array.from(flushed).sort(),
    mismatch,
    bursts: bursts(pairs, gapMs),
  };
}

/**
 * The engine writes one chunk to every running stream per step, so chunks come in bursts. Per
 * burst (server write times closer than `gapMs`, a quarter of the step): how long the server took to write it (last −
 * first write time) and when the client had received all of it (last receive − first write).
 * Medians over bursts of ≥ 2 chunks.
 */
function bursts(
  pairs: number[],
  gapMs: number,
): { server_ms: number; client_ms: number; size: number } {
  const order = Array.from({ length: pairs.length / 2 }, (_, i) => i);
  order.sort((a, b) => pairs[2 * a] - pairs[2 * b]);
  const server: number[] = [];
  const client: number[] = [];
  const sizes: number[] = [];
  let first = 0;
  let last = 0;
  let lastRecv = 0;
  let size = 0;
  const close = () => {
    if (size >= 2) {
      server.push(last - first);
      client.push(lastRecv - first);
      sizes.push(size);
    }
  };
  for (const i of order) {
    const s = pairs[2 * i];
    const c = pairs[2 * i + 1];
    if (size === 0 || s - last > gapMs) {
      close();
      first = s;
      lastRecv = c;
      size = 0;
    }
    last = s;
    lastRecv = Math.max(lastRecv, c);
    size++;
  }
  close();
  const med = (xs: number[]) => percentileSorted(xs.sort((a, b) => a - b), 50);
  return { server_ms: med(server), client_ms: med(client), size: med(sizes) };
}

async function measure(
  impl: "fetch" | "collect" | "raw",
  streams: number,
  stepMs: number,
  tokens: number,
  rounds: number,
  cpuProf = false,
  tracing: TracingMode = "off",
  exportDelayMs = 5000,
  server: ServerKind = "sim",
  rep = 1,
): Promise<LoadResult> {
  const load1Before = loadAverage();
  const receiverProcess = tracing === "process" ? await ReceiverProcess.start() : null;
  const grpcPort = tracing === "off" ? null : receiverProcess?.port ?? freePort();
  const endpoint = grpcPort === null ? null : `http://127.0.0.1:${grpcPort}`;
  const sim = server === "sim"
    ? await startSim(streams, stepMs, endpoint, exportDelayMs)
    : await SimProcess.startStandin({
      step_ms: stepMs,
      schedule: server === "standin-spread" ? "spread" : "burst",
    });
  // The stand-in exports nothing: a process of its own sends the spans vLLM would.
  const feeder = server !== "sim" && endpoint !== null
    ? await SpanFeeder.start(
      endpoint,
      streams / (tokens * stepMs / 1000),
      exportDelayMs,
      FEEDER_SPANS,
    )
    : null;
  const out = await Deno.makeTempFile({ prefix: "vm-perf-client-", suffix: ".json" });
  let closed = false;
  try {
    const simCpu0 = await sim.cpuSeconds();
    const result = await runClient({
      impl,
      url: sim.url,
      clockUrl: sim.clockUrl,
      streams,
      requests: streams * rounds,
      warmup: streams,
      maxTokens: tokens,
      out,
      keepChunks: true,
      receiver: tracing === "embedded" || tracing === "inthread"
        ? { mode: tracing, grpcPort: grpcPort! }
        : undefined,
    }, cpuProf);
    const simCpu = (await sim.cpuSeconds()) - simCpu0;
    const truth = await sim.groundTruth();
    const { lags: sorted, first, last, mid, flushed, mismatch, bursts: burst } = lags(
      result,
      truth,
      stepMs / 4,
    );
    const cpu = result.cpu_user_s + result.cpu_system_s;
    const probe = result.clock.after ?? result.clock.before;
    await sim.close();
    await feeder?.close();
    const spans = receiverProcess ? await receiverProcess.close() : result.spans_received;
    closed = true;
    return {
      impl: IMPL_NAMES[impl],
      server,
      rep,
      tracing,
      spans,
      streams,
      step_ms: stepMs,
      tokens,
      requests: result.records.length,
      failed: result.failed,
      chunks: result.chunks_measured,
      joined: sorted.length,
      count_mismatch: mismatch,
      chunk_rate: result.chunks_measured / result.measured_s,
      lag_p50: percentileSorted(sorted, 50),
      lag_p99: percentileSorted(sorted, 99),
      lag_p999: percentileSorted(sorted, 99.9),
      lag_max: sorted[sorted.length - 1],
      lag_min: sorted[0],
      client_cpu_s: cpu,
      wall_s: result.wall_s,
      cpu_ms_per_s: (cpu * 1000) / result.wall_s,
      cpu_ms_per_1k_chunks: (cpu * 1000) / (result.chunks_total / 1000),
      server_cpu_ms_per_s: (simCpu * 1000) / result.wall_s,
      clock_offset_ms: probe?.offset_ms ?? NaN,
      clock_rtt_ms: probe?.rtt_ms ?? NaN,
      load1_before: load1Before,
      load1_after: loadAverage(),
      flush_p50: percentileSorted(flushed, 50),
      flush_p99: percentileSorted(flushed, 99),
      flush_joined: flushed.length,
      first_p50: percentileSorted(first, 50),
      first_p99: percentileSorted(first, 99),
      last_p99: percentileSorted(last, 99),
      mid_p99: percentileSorted(mid, 99),
      burst_size: burst.size,
      burst_server_ms: burst.server_ms,
      burst_client_ms: burst.client_ms,
    };
  } finally {
    await Deno.remove(out).catch(() => {});
    if (!closed) {
      await sim.close();
      await feeder?.close().catch(() => {});
      await receiverProcess?.close().catch(() => {});
    }
  }
}

/** src/sim in its own process, ground truth on, exporting to `otlpEndpoint` when given. */
function startSim(
  streams: number,
  stepMs: number,
  otlpEndpoint: string | null,
  exportDelayMs: number,
): Promise<SimProcess> {
  return SimProcess.start(
    {
      maxNumSeqs: streams,
      decodeStepMs: stepMs,
      decodeStepMsPerSeq: 0,
      prefillBaseMs: 1,
      prefillMsPerToken: 0,
      frontendOverheadMs: 0,
      recordGroundTruth: true,
      seed: 1,
      ...(otlpEndpoint === null ? {} : { otlpEndpoint, exportDelayMs }),
    },
    [],
    ["--flush-times"],
  );
}

const IMPL_NAMES = {
  raw: "floor (raw TCP reader)",
  fetch: "baseline (fetch + SseParser)",
  collect: "collect (undici)",
} as const;

const TRACING_NAMES: Record<TracingMode, string> = {
  off: "tracing off",
  embedded: "tracing on (gRPC, embedded)",
  inthread: "tracing on (gRPC, embedded on the main thread, pre-Worker)",
  process: "tracing on (receiver in another process)",
};

function table(results: LoadResult[]): string {
  const head =
    "| client | streams | step ms | chunks/s | chunks joined | lag p50 | lag p99 | lag p99.9 | lag max | " +
    "lag after write done p50 / p99 | 1st chunk lag p50 / p99 | last chunk lag p99 | mid-stream lag p99 | client CPU ms/s | client CPU ms per 1k chunks | " +
    "sim CPU ms/s | burst: chunks / sim write ms / client done ms | failed / mismatched | load1 |";
  const rule = "|" + "---|".repeat(19);
  const rows = results.map((r) =>
    [
      `${r.impl}, ${TRACING_NAMES[r.tracing]}${r.spans === null ? "" : ` (${r.spans} spans)`}${
        r.server === "sim" ? "" : `, ${r.server}`
      }`,
      r.streams,
      r.step_ms,
      Math.round(r.chunk_rate).toLocaleString("en-US"),
      r.joined.toLocaleString("en-US"),
      fmt(r.lag_p50, 2),
      fmt(r.lag_p99, 2),
      fmt(r.lag_p999, 2),
      fmt(r.lag_max, 1),
      `${fmt(r.flush_p50, 2)} / ${fmt(r.flush_p99, 2)}`,
      `${fmt(r.first_p50, 2)} / ${fmt(r.first_p99, 2)}`,
      fmt(r.last_p99, 2),
      fmt(r.mid_p99, 2),
      fmt(r.cpu_ms_per_s, 0),
      fmt(r.cpu_ms_per_1k_chunks, 1),
      fmt(r.server_cpu_ms_per_s, 0),
      `${r.burst_size} / ${fmt(r.burst_server_ms, 2)} / ${fmt(r.burst_client_ms, 2)}`,
      `${r.failed} / ${r.count_mismatch}`,
      `${r.load1_before}→${r.load1_after}`,
    ].join(" | ")
  ).map((row) => `| ${row} |`);
  return [head, rule, ...rows].join("\n");
}

/** Per row (server, client, tracing, streams): medians over repetitions and the p99 range. */
function medians(results: LoadResult[]): string {
  const groups = new Map<string, LoadResult[]>();
  for (const r of results) {
    const key = `${r.server} | ${r.impl}, ${TRACING_NAMES[r.tracing]} | ${r.streams}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const median = (rows: LoadResult[], pick: (r: LoadResult) => number) =>
    percentileSorted(rows.map(pick).sort((a, b) => a - b), 50);
  const head = "| server | client | streams | reps | lag p50 | lag p99 (min–max) | lag p99.9 | " +
    "mid-stream lag p99 | lag after write done p99 | client CPU ms per 1k chunks | load1 (min–max) |";
  const lines = [...groups].map(([key, rows]) => {
    const p99 = rows.map((r) => r.lag_p99).sort((a, b) => a - b);
    const loads = rows.flatMap((r) => [r.load1_before, r.load1_after]).sort((a, b) => a - b);
    return `| ${key} | ${rows.length} | ${fmt(median(rows, (r) => r.lag_p50))} | ${
      fmt(median(rows, (r) => r.lag_p99))
    } (${fmt(p99[0])}–${fmt(p99[p99.length - 1])}) | ${fmt(median(rows, (r) => r.lag_p999))} | ${
      fmt(median(rows, (r) => r.mid_p99))
    } | ${fmt(median(rows, (r) => r.flush_p99))} | ${
      fmt(median(rows, (r) => r.cpu_ms_per_1k_chunks), 1)
    } | ${loads[0]}–${loads[loads.length - 1]} |`;
  });
  return [head, "|" + "---|".repeat(11), ...lines].join("\n");
}

async function main() {
  const streamsList = values.streams.split(",").map(Number);
  const stepMs = Number(values["step-ms"]);
  const tokens = Number(values.tokens);
  const rounds = Number(values.rounds);
  const impls = values.impl.split(",") as ("fetch" | "collect" | "raw")[];
  const tracings = values.tracing.split(",") as TracingMode[];
  for (const t of tracings) {
    if (!(t in TRACING_NAMES)) throw new RangeError(`--tracing: unknown mode ${JSON.stringify(t)}`);
  }
  const exportDelayMs = Number(values["export-delay-ms"]);
  const servers = values.server.split(",") as ServerKind[];
  for (const s of servers) {
    if (!SERVER_KINDS.includes(s)) throw new RangeError(`--server: unknown ${JSON.stringify(s)}`);
  }
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new RangeError(`--repeat must be a positive integer, got ${values.repeat}`);
  }
  if (FEEDER_SPANS !== undefined && !(Number.isInteger(FEEDER_SPANS) && FEEDER_SPANS > 0)) {
    throw new RangeError(
      `--feeder-spans must be a positive integer, got ${values["feeder-spans"]}`,
    );
  }
  const m = machine();
  console.log(`perf:client · ${describeMachine(m)}`);
  console.log(`command: deno task perf:client ${Deno.args.join(" ")}`.trim());
  console.log(
    `load: closed loop, N streams, ${tokens} tokens per request (ignore_eos), ${rounds} measured requests per stream after N warmup requests; sim: decodeStepMsPerSeq 0, prefillBaseMs 1, frontendOverheadMs 0; tracing rows: OTLP/gRPC, BatchSpanProcessor delay ${exportDelayMs} ms, batches ≤ 512\n`,
  );

  // With --repeat, every row of a repetition runs before the next repetition starts
  // (interleaved), so a noisy minute touches all rows alike; the summary gives medians.
  const results: LoadResult[] = [];
  for (let rep = 1; rep <= repeat; rep++) {
    if (values["wait-quiet"] !== undefined) {
      const load = await waitForQuiet(Number(values["wait-quiet"]), 120);
      console.error(`  rep ${rep}: load1 ${load} (waited for < ${values["wait-quiet"]}, ≤ 120 s)`);
    }
    for (const server of servers) {
      for (const streams of streamsList) {
        for (const impl of impls) {
          for (const tracing of impl === "collect" ? tracings : ["off" as const]) {
            const r = await measure(
              impl,
              streams,
              stepMs,
              tokens,
              rounds,
              values["cpu-prof"],
              tracing,
              exportDelayMs,
              server,
              rep,
            );
            results.push(r);
            console.error(
              `  done (rep ${rep}): ${r.impl}, ${
                TRACING_NAMES[tracing]
              }, ${server} ${streams}×${stepMs} ms → p99 ${
                fmt(r.lag_p99, 3)
              } ms, load1 ${r.load1_before}`,
            );
          }
        }
      }
    }
  }
  console.log(
    `### Lag at ${stepMs} ms decode steps (≈ ${fmt(1000 / stepMs, 0)} chunks/s per stream)\n`,
  );
  console.log(table(results));
  if (repeat > 1) {
    console.log(`\n### Medians over ${repeat} interleaved repetitions\n\n${medians(results)}`);
  }
  const offsets = results.map((r) => r.clock_offset_ms);
  console.log(
    `\nclock anchoring (sim nowMs − client nowMs, tightest of 200 loopback pings after each run): ${
      offsets.map((o) => fmt(o, 3)).join(", ")
    } ms; round trips ${results.map((r) => fmt(r.clock_rtt_ms, 3)).join(", ")} ms`,
  );

  const search: LoadResult[] = [];
  if (values.search !== "none" && values.search !== "") {
    for (const cell of values.search.split(",")) {
      const [s, step] = cell.split("x").map(Number);
      const r = await measure("collect", s, step, Number(values["search-tokens"]), rounds);
      search.push(r);
      console.error(
        `  search: ${s}×${step} ms → ${Math.round(r.chunk_rate)} chunks/s, p99 ${
          fmt(r.lag_p99, 3)
        } ms`,
      );
    }
    console.log(`\n### collect: highest chunk rate with p99 lag ≤ 2 ms\n`);
    console.log(table(search));
    const ok = search.filter((r) => r.lag_p99 <= 2 && r.failed === 0);
    const best = ok.sort((a, b) => b.chunk_rate - a.chunk_rate)[0];
    console.log(
      best
        ? `\nhighest: ${
          Math.round(best.chunk_rate)
        } chunks/s (${best.streams} streams × ${best.step_ms} ms steps), p99 ${
          fmt(best.lag_p99, 3)
        } ms`
        : "\nno load kept p99 ≤ 2 ms",
    );
  }
  console.log(`\nload1 at end: ${loadAverage()}`);
  if (values.json) {
    await Deno.writeTextFile(values.json, JSON.stringify({ machine: m, results, search }, null, 2));
  }
}

if (import.meta.main) await main();
