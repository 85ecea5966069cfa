/**
 * How long span ingestion stalls the main thread (issue 12 §1), measured as the main thread's
 * event-loop lag: a 1 ms timer re-armed in a loop records how late each firing is, while another
 * thread (perf/_export_worker.ts) exports 512-span batches over OTLP/gRPC to a receiver in this
 * process. Modes: `off` (exports go nowhere: the baseline), `embedded` (`startReceiver()`: Worker),
 * `inthread` (the pre-Worker arrangement: gRPC server, decoding and store on the main thread).
 * All modes run in turn per repetition, so each repetition compares them at the same load.
 *
 * Run: `deno run -A perf/receiver_lag.ts [--reps 3] [--batches 40] [--batch-size 512]
 * [--interval-ms 50] [--modes off,embedded,inthread]`
 *
 * @module
 */
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import { describeMachine, fmt, loadAverage, machine, percentileSorted } from "./_machine.ts";
import { freePort, startLocalReceiver } from "./_trace_receiver.ts";

/** The flags, in --help order. */
const FLAGS = [
  { name: "reps", value: "N", default: "3", help: "repetitions of every mode" },
  { name: "batches", value: "N", default: "40", help: "OTLP batches exported per run" },
  { name: "batch-size", value: "N", default: "512", help: "spans per batch" },
  { name: "interval-ms", value: "MS", default: "50", help: "time between batches" },
  {
    name: "modes",
    value: "off,embedded,inthread",
    default: "off,embedded,inthread",
    help: "receiver arrangements to compare",
  },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno run -A perf/receiver_lag.ts",
  "perf/receiver_lag.ts: how long span ingestion stalls the main thread (event-loop lag)",
  FLAGS,
);

type Mode = "off" | "embedded" | "inthread";

/** Lags of a 1 ms timer loop on this thread until `stop` resolves, ms. */
async function timerLags(stop: Promise<unknown>): Promise<Float64Array> {
  const lags: number[] = [];
  let done = false;
  stop.then(() => done = true);
  while (!done) {
    const armed = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1));
    lags.push(performance.now() - armed - 1);
  }
  return Float64Array.from(lags).sort();
}

async function measure(mode: Mode, offset: number) {
  const port = freePort();
  const receiver = mode === "off" ? null : await startLocalReceiver(mode, port);
  const worker = new Worker(new URL("./_export_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const load1 = loadAverage();
  try {
    const finished = new Promise<{ sent: number; failed: number }>((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
    });
    worker.postMessage({
      endpoint: `http://127.0.0.1:${port}`,
      batches: Number(values.batches),
      batchSize: Number(values["batch-size"]),
      intervalMs: Number(values["interval-ms"]),
      offset,
    });
    const lags = await timerLags(finished);
    const { sent } = await finished;
    return {
      mode,
      spans: receiver?.acceptedSpans() ?? 0,
      sent,
      p50: percentileSorted(lags, 50),
      p99: percentileSorted(lags, 99),
      max: lags[lags.length - 1],
      load1,
    };
  } finally {
    worker.terminate();
    await receiver?.close();
  }
}

const NAMES: Record<Mode, string> = {
  off: "no receiver (exports refused)",
  embedded: "embedded receiver (Worker)",
  inthread: "receiver on the main thread (pre-Worker)",
};

async function main() {
  console.log(`perf:receiver-lag · ${describeMachine(machine())}`);
  console.log(`command: deno run -A perf/receiver_lag.ts ${Deno.args.join(" ")}`.trim());
  console.log(
    `\n| rep | receiver | spans accepted | exports sent | timer lag p50 ms | p99 ms | max ms | load1 |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|`);
  let offset = 0;
  for (let rep = 1; rep <= Number(values.reps); rep++) {
    for (const mode of values.modes.split(",") as Mode[]) {
      const r = await measure(mode, offset);
      offset += 1_000_000;
      console.log(
        `| ${rep} | ${NAMES[mode]} | ${r.spans} | ${r.sent} | ${fmt(r.p50, 3)} | ${
          fmt(r.p99, 2)
        } | ${fmt(r.max, 1)} | ${r.load1} |`,
      );
    }
  }
}

if (import.meta.main) await main();
