/**
 * The client side of perf/soak.ts, in its own process (started with --expose-gc): one long
 * `collect` run, memory sampled every second, then the heap held by the returned records
 * measured by dropping them.
 *
 * `deno run -A --v8-flags=--expose-gc perf/_soak_run.ts '<config JSON>'` writes a
 * {@link SoakResult} as JSON to `config.out`.
 *
 * @module
 */
import process from "node:process";
import { collect } from "../src/collect/collect.ts";
import type { Run } from "../src/types.ts";
import { nowMs } from "../src/util/clock.ts";

/** What to run. */
export interface SoakConfig {
  url: string;
  requests: number;
  concurrency: number;
  maxTokens: number;
  out: string;
  /** Pass onProgress (as the CLI does), or not. */
  progress: boolean;
  /** Run the same collect this many more times after the first one's records were dropped. */
  repeat: number;
}

/** One memory sample. */
export interface Sample {
  t_s: number;
  /** Taken right after a full GC (every 5th sample) or not. */
  gc: boolean;
  done: number;
  rss: number;
  heap_used: number;
  external: number;
}

/** What the soak measured. */
export interface SoakResult {
  samples: Sample[];
  /** After GC, before collect started. */
  before: Memory;
  /** After GC, collect returned, records held. */
  held: Memory;
  /** After GC, records dropped. */
  released: Memory;
  requests: number;
  failed: number;
  chunks: number;
  wall_s: number;
  cpu_s: number;
  /** Sum of JSON.stringify(record).length over the records (ASCII: bytes). */
  records_json_bytes: number;
  peak_rss: number;
  /** Whether a record was garbage-collected once the run was dropped (WeakRef probe). */
  record_freed: boolean;
  /** The same run repeated in the same process after the first was dropped (`repeat` times). */
  repeats: {
    held: Memory;
    released: Memory;
    peak_rss: number;
    wall_s: number;
  }[];
}

const gc = () => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error("run with --v8-flags=--expose-gc");
  for (let i = 0; i < 3; i++) g();
};

/** RSS, V8 heap used and committed (heap total), external memory; bytes. */
export interface Memory {
  rss: number;
  heap_used: number;
  heap_total: number;
  external: number;
}

function memory(): Memory {
  const m = Deno.memoryUsage();
  return { rss: m.rss, heap_used: m.heapUsed, heap_total: m.heapTotal, external: m.external };
}

function peakRss(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

function specs(maxTokens: number) {
  return (function* () {
    for (;;) {
      yield {
        messages: [{ role: "user", content: "Soak." }],
        max_tokens: maxTokens,
        params: { ignore_eos: true },
      };
    }
  })();
}

async function main() {
  const config = JSON.parse(Deno.args[0]) as SoakConfig;
  // A short warmup run first, so code loaded and compiled on first use is not counted as growth.
  await collect({
    url: config.url,
    requests: specs(config.maxTokens),
    count: Math.min(config.requests, 2 * config.concurrency),
    concurrency: config.concurrency,
  });
  gc();
  const before = memory();
  const samples: Sample[] = [];
  let done = 0;
  const t0 = nowMs();
  let ticks = 0;
  const sample = (withGc = false) => {
    if (withGc) gc();
    samples.push({ t_s: (nowMs() - t0) / 1000, gc: withGc, done, ...memory() });
  };
  sample(true);
  // Every second; every 5th sample after a full GC (live heap, for the growth estimate).
  const timer = setInterval(() => sample(++ticks % 5 === 0), 1000);
  const cpu0 = process.cpuUsage();
  let run: Run | null = await collect({
    url: config.url,
    requests: specs(config.maxTokens),
    count: config.requests,
    concurrency: config.concurrency,
    onRecord: () => done++,
    ...(config.progress ? { onProgress: () => {} } : {}),
  });
  const cpu = process.cpuUsage(cpu0);
  const wall = (nowMs() - t0) / 1000;
  clearInterval(timer);
  sample();
  const summary = {
    requests: run.requests.length,
    failed: run.requests.filter((r) => !r.success).length,
    chunks: run.requests.reduce((n, r) => n + r.chunk_times_ms.length, 0),
  };
  gc();
  const held = memory(); // records as collect returned them
  let recordsJsonBytes = 0;
  for (const record of run.requests) recordsJsonBytes += JSON.stringify(record).length;
  const probe = new WeakRef(run.requests[Math.floor(run.requests.length / 2)]);
  run = null;
  // A WeakRef keeps its target alive until the current job ends: let a macrotask pass first.
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const released = memory();
  const recordFreed = probe.deref() === undefined;
  const peak = peakRss();
  // The same run again in the same process: RSS that is reused (allocator, V8 pages) stays flat;
  // memory that leaks outside the JS heap (sockets, native buffers) grows again.
  const repeats: SoakResult["repeats"] = [];
  for (let k = 0; k < config.repeat; k++) {
    const t1 = nowMs();
    const again: { run: Run | null } = {
      run: await collect({
        url: config.url,
        requests: specs(config.maxTokens),
        count: config.requests,
        concurrency: config.concurrency,
        ...(config.progress ? { onProgress: () => {} } : {}),
      }),
    };
    const wall2 = (nowMs() - t1) / 1000;
    gc();
    const held2 = memory();
    again.run = null;
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    repeats.push({ held: held2, released: memory(), peak_rss: peakRss(), wall_s: wall2 });
  }
  const result: SoakResult = {
    samples,
    before,
    held,
    released,
    ...summary,
    wall_s: wall,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    records_json_bytes: recordsJsonBytes,
    peak_rss: peak,
    record_freed: recordFreed,
    repeats,
  };
  await Deno.writeTextFile(config.out, JSON.stringify(result));
}

if (import.meta.main) await main();
