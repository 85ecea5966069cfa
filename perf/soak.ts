/**
 * `deno task perf:soak` (issue 6): one long `collect` run — 30k requests at concurrency 500
 * against the simulator in its own process (tiny decode steps so it ends in a few minutes) —
 * with the client's memory (RSS, V8 heap used) sampled every second, a full-GC sample every
 * 5 s, and at the end the heap held by the returned records (heap after GC with the run held,
 * minus after it is dropped). Memory growth beyond the stored records is reported as a leak.
 *
 * Then the same run is repeated in the same process, twice by default (RSS that is reused stays
 * flat; native memory that leaks would keep growing).
 *
 * Flags: `--requests 30000` `--concurrency 500` `--tokens 16` `--step-ms 2` `--progress`
 * (pass an onProgress callback, as the CLI does) `--repeat 2` (0 = none) `--json <path>`.
 *
 * @module
 */
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import type { Memory, SoakConfig, SoakResult } from "./_soak_run.ts";
import { describeMachine, fmt, loadAverage, machine } from "./_machine.ts";
import { SimProcess } from "./_sim_process.ts";

const HERE = new URL(".", import.meta.url).pathname;
const MB = 2 ** 20;

/** The flags, in --help order. */
const FLAGS = [
  { name: "requests", value: "N", default: "30000", help: "requests of the long run" },
  { name: "concurrency", value: "N", default: "500", help: "requests in flight" },
  { name: "tokens", value: "N", default: "16", help: "output tokens per request" },
  { name: "step-ms", value: "MS", default: "2", help: "the simulator's decode step" },
  { name: "progress", help: "pass an onProgress callback, as the CLI does" },
  { name: "repeat", value: "N", default: "2", help: "repeated shorter runs (0 = none)" },
  { name: "json", value: "FILE", help: "also write the raw results here" },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno task perf:soak",
  "perf:soak: memory and time per request over a long run.",
  FLAGS,
);

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

async function main() {
  const m = machine();
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const tokens = Number(values.tokens);
  const stepMs = Number(values["step-ms"]);
  console.log(`perf:soak · ${describeMachine(m)}`);
  console.log(`command: deno task perf:soak ${Deno.args.join(" ")}`.trim());

  const sim = await SimProcess.start({
    maxNumSeqs: concurrency,
    decodeStepMs: stepMs,
    decodeStepMsPerSeq: 0,
    prefillBaseMs: 0.5,
    prefillMsPerToken: 0,
    frontendOverheadMs: 0,
    seed: 6,
  }, ["--expose-gc"]);
  const out = await Deno.makeTempFile({ prefix: "vm-perf-soak-", suffix: ".json" });
  let result: SoakResult;
  let simBefore, simAfter;
  try {
    simBefore = await sim.memory();
    const config: SoakConfig = {
      url: sim.url,
      requests,
      concurrency,
      maxTokens: tokens,
      out,
      progress: values.progress,
      repeat: Number(values.repeat),
    };
    const status = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--expose-gc", `${HERE}_soak_run.ts`, JSON.stringify(config)],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!status.success) throw new Error(`soak client failed (${status.code})`);
    result = JSON.parse(await Deno.readTextFile(out)) as SoakResult;
    simAfter = await sim.memory();
  } finally {
    await Deno.remove(out).catch(() => {});
    await sim.close();
  }

  const r = result;
  const recordsHeap = r.held.heap_used - r.released.heap_used;
  const perRecordHeap = recordsHeap / r.requests;
  const gcSamples = r.samples.filter((s) => s.gc);
  // Live heap growth per finished request while running (full-GC samples after the first 10%).
  const steady = gcSamples.filter((s) => s.done >= r.requests * 0.1 && s.done < r.requests);
  const perRequestSlope = steady.length >= 2
    ? slope(steady.map((s) => s.done), steady.map((s) => s.heap_used))
    : NaN;
  const lastGc = gcSamples.filter((s) => s.done < r.requests).at(-1);
  const beyondAtLastGc = lastGc
    ? lastGc.heap_used - r.before.heap_used - lastGc.done * perRecordHeap
    : NaN;

  console.log(
    `\nload: ${requests} requests, concurrency ${concurrency}, ${tokens} tokens each (ignore_eos), sim decode step ${stepMs} ms, onProgress ${
      values.progress ? "on" : "off"
    }`,
  );
  console.log(
    `\n| requests | failed | content chunks | wall s | req/s | client CPU s | peak RSS MB |`,
  );
  console.log("|---|---|---|---|---|---|---|");
  console.log(
    `| ${r.requests} | ${r.failed} | ${r.chunks} | ${fmt(r.wall_s, 1)} | ${
      fmt(r.requests / r.wall_s, 0)
    } | ${fmt(r.cpu_s, 1)} | ${fmt(r.peak_rss / MB, 1)} |`,
  );
  console.log(
    `\n| client memory (after full GC) | heap used MB | V8 heap committed MB | RSS MB | external MB |`,
  );
  console.log("|---|---|---|---|---|");
  const rows: [string, Memory][] = [
    ["before collect (after a warmup run)", r.before],
    ["collect returned, run held", r.held],
    ["run dropped", r.released],
  ];
  r.repeats.forEach((rep, k) => {
    rows.push([`repeat ${k + 1}: collect returned, run held`, rep.held]);
    rows.push([`repeat ${k + 1}: run dropped`, rep.released]);
  });
  for (const [name, v] of rows) {
    console.log(
      `| ${name} | ${fmt(v.heap_used / MB, 2)} | ${fmt(v.heap_total / MB, 1)} | ${
        fmt(v.rss / MB, 1)
      } | ${fmt(v.external / MB, 2)} |`,
    );
  }
  console.log(`
- records: heap held by the ${r.requests} returned records = ${fmt(recordsHeap / MB, 2)} MB = ${
    fmt(perRecordHeap, 0)
  } B per record (JSON: ${fmt(r.records_json_bytes / r.requests, 0)} B per record)
- live heap growth while running (full-GC samples, least squares over requests done): ${
    fmt(perRequestSlope, 0)
  } B per finished request vs ${fmt(perRecordHeap, 0)} B per stored record
- beyond the records at the last full-GC sample during the run (${lastGc?.done ?? "—"} done): ${
    fmt(beyondAtLastGc / MB, 2)
  } MB
- a record was garbage-collected once the run was dropped (WeakRef probe): ${
    r.record_freed ? "yes" : "NO"
  }
- retained after the run was dropped: heap ${
    fmt((r.released.heap_used - r.before.heap_used) / MB, 2)
  } MB, RSS ${fmt((r.released.rss - r.before.rss) / MB, 1)} MB
- simulator process (after full GC): RSS ${fmt(simBefore.rss / MB, 1)} → ${
    fmt(simAfter.rss / MB, 1)
  } MB, heap ${fmt(simBefore.heapUsed / MB, 1)} → ${fmt(simAfter.heapUsed / MB, 1)} MB`);

  if (r.repeats.length > 0) {
    console.log(
      `- repeats of the same run in the same process: peak RSS ${fmt(r.peak_rss / MB, 1)} → ${
        r.repeats.map((rep) => fmt(rep.peak_rss / MB, 1)).join(" → ")
      } MB; heap after dropping each ${
        r.repeats.map((rep) => fmt((rep.released.heap_used - r.before.heap_used) / MB, 2)).join(
          ", ",
        )
      } MB above the start`,
    );
  }
  console.log(`\nTimeline (every 5th second; * = after a full GC):\n`);
  console.log("| t s | requests done | heap used MB | RSS MB |");
  console.log("|---|---|---|---|");
  for (const [i, s] of r.samples.entries()) {
    if (i % 5 === 0 || i === r.samples.length - 1) {
      console.log(
        `| ${fmt(s.t_s, 0)}${s.gc ? "*" : ""} | ${s.done} | ${fmt(s.heap_used / MB, 1)} | ${
          fmt(s.rss / MB, 1)
        } |`,
      );
    }
  }
  console.log(`\nload1 at end: ${loadAverage()}`);
  if (values.json) {
    await Deno.writeTextFile(values.json, JSON.stringify({ machine: m, result: r }, null, 2));
  }
}

if (import.meta.main) await main();
