/**
 * `deno task perf:enrich`: OTLP ingest rate of the embedded receiver, and the time to enrich
 * 10k records whose spans have already arrived, from the embedded receiver's store and from a
 * mock Jaeger v1 query API on loopback (its own process, perf/_jaeger_mock.ts).
 *
 * 1. Ingest: runs the receiver engineer's perf/ingest.ts (gRPC, gRPC+gzip, HTTP protobuf;
 *    vLLM-sized `llm_request` spans, batches of 512, 4 exports in flight) in a child process
 *    and prints its result.
 * 2. Embedded: 10k spans sent to a receiver over OTLP/HTTP protobuf, then
 *    `enrich(run, receiver)` timed (3 repetitions, fresh record copies each time).
 * 3. Jaeger v1: `enrich(run, jaegerSource(url))` with the search endpoint (one window search
 *    returns every trace); by id, several ids per call (`--no-services` mock: `/api/traces`
 *    handler present, no service listed, so no window search; `GET /api/traces?traceID=…`, 50
 *    ids per call at the default concurrency 8); and with the whole `/api/traces?…` handler gone
 *    (`--no-search` mock, Jaeger after PR #9260: one multi-id call answered 404, then 10k
 *    `GET /api/traces/{id}` at the source's default concurrency 8, and at 32).
 *
 * 4. Waiting (issue 11): `deno task bench --trace-wait 15` against a store that shows each span
 *    2 s after it arrived, for `--traces jaeger=`, `jaeger-v3=` and `tempo=` (perf/_wait_run.ts):
 *    bench's exit minus the time the last span became visible. `--baseline-ref <git ref>` also
 *    runs the bench of that commit, as the baseline; `--jaeger-binary <path>` also runs
 *    `jaeger=` and `jaeger-v3=` against the real Jaeger v2 (tests/e2e/jaeger/config.yaml).
 *
 * Flags: `--records 10000` `--reps 3` `--batches 200` `--concurrency 4` (ingest)
 * `--ingest-reps 3` `--skip-ingest`; `--wait-only`, `--skip-wait`, `--wait-reps 3`,
 * `--wait-requests 40`, `--baseline-ref <ref>`, `--jaeger-binary <path>`.
 *
 * @module
 */
import { spawnReady } from "./_child.ts";
import process from "node:process";
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import { enrich } from "../src/enrich/enrich.ts";
import { jaegerSource } from "../src/enrich/jaeger.ts";
import { encodeExportRequest } from "../src/otlp/protobuf.ts";
import { startReceiver } from "../src/otlp/receiver.ts";
import type { Run, TraceSource } from "../src/types.ts";
import { nowMs } from "../src/util/clock.ts";
import { otlpBatches, recordOf } from "./_enrich_data.ts";
import { describeMachine, fmt, loadAverage, machine } from "./_machine.ts";
import { measureWaits, waitTable } from "./_wait_run.ts";

const HERE = new URL(".", import.meta.url).pathname;

/** The flags, in --help order. */
const FLAGS = [
  { name: "records", value: "N", default: "10000", help: "requests joined per measurement" },
  { name: "reps", value: "N", default: "3", help: "repetitions of each join measurement" },
  { name: "batches", value: "N", default: "200", help: "ingest: OTLP batches sent" },
  { name: "concurrency", value: "N", default: "4", help: "ingest: exports in flight" },
  { name: "skip-ingest", help: "skip the ingest measurement" },
  { name: "ingest-reps", value: "N", default: "3", help: "repetitions of the ingest measurement" },
  { name: "wait-only", help: "run only the waiting measurement (bench --trace-wait)" },
  { name: "skip-wait", help: "skip the waiting measurement" },
  { name: "wait-reps", value: "N", default: "3", help: "repetitions of each waiting run" },
  { name: "wait-requests", value: "N", default: "40", help: "requests of each waiting run" },
  {
    name: "baseline-ref",
    value: "REF",
    help: "also run the bench of this git commit, as the baseline",
  },
  { name: "jaeger-binary", value: "PATH", help: "also run against a real Jaeger from this binary" },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno task perf:enrich",
  "perf:enrich: joining spans to requests, span ingest, and waiting for late spans.",
  FLAGS,
);
const N = Number(values.records);
const REPS = Number(values.reps);

interface Timing {
  source: string;
  seconds: number[];
  cpu_s: number[];
  found: number;
  records: number;
  calls?: number;
}

function makeRun(t0: number): Run {
  const requests = Array.from({ length: N }, (_, i) => recordOf(i, t0));
  return {
    meta: {
      schema_version: 1,
      run_id: "perf-enrich",
      label: "perf-enrich",
      created_at: new Date(t0).toISOString(),
      url: "http://127.0.0.1:8000",
      endpoint: "chat",
      model: "m",
      load: { burstiness: 1, warmup: 0, seed: 0 },
      started_ms: t0,
      ended_ms: t0 + N * 2,
      duration_ms: N * 2,
      interrupted: false,
      client: { tool: "vllm-metrics", version: "0.1.0", runtime: "deno", hostname: "perf" },
      trace_source: null,
      prometheus: null,
      extra: {},
    },
    requests,
  };
}

async function timeEnrich(name: string, source: TraceSource, t0: number): Promise<Timing> {
  const timing: Timing = { source: name, seconds: [], cpu_s: [], found: 0, records: N };
  for (let rep = 0; rep < REPS; rep++) {
    const run = makeRun(t0);
    const cpu0 = process.cpuUsage();
    const started = nowMs();
    const enriched = await enrich(run, source, { timeoutMs: 15_000 });
    timing.seconds.push((nowMs() - started) / 1000);
    const cpu = process.cpuUsage(cpu0);
    timing.cpu_s.push((cpu.user + cpu.system) / 1e6);
    timing.found = enriched.requests.filter((r) => r.span_status === "found").length;
    if (timing.found !== N) {
      const missing = enriched.requests.find((r) => r.span_status !== "found");
      throw new Error(`${name}: ${timing.found}/${N} found; e.g. ${missing?.span_note}`);
    }
  }
  return timing;
}

async function ingest(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${HERE}ingest.ts`,
      "--batches",
      values.batches,
      "--batch-size",
      "512",
      "--concurrency",
      values.concurrency,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("perf/ingest.ts failed");
  return new TextDecoder().decode(out.stdout).trim();
}

async function withJaegerMock<T>(
  t0: number,
  flags: string[],
  body: (url: string) => Promise<T>,
): Promise<{ result: T; calls: number }> {
  const { child, first, rest } = await spawnReady([
    `${HERE}_jaeger_mock.ts`,
    String(N),
    String(t0),
    ...flags,
  ]);
  const url = /^READY (\S+)/.exec(first)![1];
  try {
    const result = await body(url);
    await child.stdin.close();
    return { result, calls: Number(/CALLS (\d+)/.exec(await rest)?.[1] ?? NaN) };
  } finally {
    await child.status;
  }
}

function row(t: Timing): string {
  const sorted = [...t.seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `| ${t.source} | ${t.records.toLocaleString("en-US")} | ${
    t.found.toLocaleString("en-US")
  } | ${t.seconds.map((s) => fmt(s, 3)).join(" / ")} | ${fmt(median, 3)} | ${
    t.cpu_s.map((s) => fmt(s, 2)).join(" / ")
  } | ${t.calls ?? "—"} |`;
}

/** The bench of `ref` (e.g. the commit before a change), extracted to a temporary folder. */
async function checkoutOf(ref: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "perf_baseline_" });
  const archive = new Deno.Command("sh", {
    args: ["-c", `git archive ${ref} src deno.json deno.lock | tar -x -C ${dir}`],
    cwd: `${HERE}..`,
  });
  if (!(await archive.output()).success) throw new Error(`git archive ${ref} failed`);
  return dir;
}

/** Issue 11's target: bench with a late store ends within 4 s of the last span's visibility. */
async function waits() {
  const ref = values["baseline-ref"];
  const baselineDir = ref ? await checkoutOf(ref) : null;
  try {
    const options = {
      requests: Number(values["wait-requests"]),
      reps: Number(values["wait-reps"]),
      visibleAfterMs: 2000,
      traceWaitS: 15,
      baselineDir,
      jaegerBinary: values["jaeger-binary"] ?? null,
    };
    console.log(
      `\n### bench --trace-wait 15 against a store that shows spans 2 s after arrival (${options.requests} requests, concurrency 8; simulator exports 0.5 s after each request${
        ref ? `; baseline: bench of ${ref}` : ""
      })\n`,
    );
    console.log(waitTable(await measureWaits(options)));
  } finally {
    if (baselineDir) await Deno.remove(baselineDir, { recursive: true });
  }
}

async function main() {
  const m = machine();
  console.log(`perf:enrich · ${describeMachine(m)}`);
  console.log(`command: deno task perf:enrich ${Deno.args.join(" ")}`.trim());
  if (values["wait-only"]) {
    await waits();
    console.log(`\nload1 at end: ${loadAverage()}`);
    return;
  }

  if (!values["skip-ingest"]) {
    const reps = Number(values["ingest-reps"]);
    for (let rep = 1; rep <= reps; rep++) {
      console.log(
        `\n### Ingest ${rep}/${reps} (perf/ingest.ts in a child process; load1 ${loadAverage()})\n`,
      );
      console.log("```\n" + (await ingest()) + "\n```");
    }
  }

  const t0 = Date.now() - 120_000;
  const timings: Timing[] = [];

  // Embedded receiver: spans arrive over OTLP/HTTP protobuf first, then enrich is timed.
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  try {
    const bodies = otlpBatches(0, N, 512, t0).map(encodeExportRequest);
    for (const body of bodies) {
      const response = await fetch(receiver.httpEndpoint!, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: body as Uint8Array<ArrayBuffer>,
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`export: HTTP ${response.status}`);
    }
    if (receiver.stats().accepted_spans !== N) {
      throw new Error(`receiver accepted ${receiver.stats().accepted_spans} spans, not ${N}`);
    }
    timings.push(await timeEnrich("embedded receiver (store)", receiver, t0));
  } finally {
    await receiver.close();
  }

  // Jaeger v1 with search: one window search returns every trace.
  {
    const { result, calls } = await withJaegerMock(
      t0,
      [],
      (url) => timeEnrich("Jaeger v1 mock, search + by id", jaegerSource(url), t0),
    );
    timings.push({ ...result, calls });
  }
  // Jaeger v1 that lists no service (no window search): by id, several ids per call.
  {
    const { result, calls } = await withJaegerMock(
      t0,
      ["--no-services"],
      (url) =>
        timeEnrich(
          "Jaeger v1 mock, by id only, multi-id form (no service listed; concurrency 8)",
          jaegerSource(url),
          t0,
        ),
    );
    timings.push({ ...result, calls });
  }
  // Jaeger v1 without the search endpoints: every trace by id.
  for (const concurrency of [8, 32]) {
    const { result, calls } = await withJaegerMock(t0, ["--no-search"], (url) =>
      timeEnrich(
        `Jaeger v1 mock, by id only, no /api/traces handler (concurrency ${concurrency}${
          concurrency === 8 ? ", default" : ""
        })`,
        jaegerSource(url, { concurrency }),
        t0,
      ));
    timings.push({ ...result, calls });
  }

  console.log(`\n### enrich() of ${N.toLocaleString("en-US")} records whose spans have arrived\n`);
  console.log(
    "| source | records | found | seconds per repetition | median s | enrich-process CPU s per repetition | HTTP calls answered by the mock (all reps) |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const t of timings) console.log(row(t));
  if (!values["skip-wait"]) await waits();
  console.log(`\nload1 at end: ${loadAverage()}`);
}

if (import.meta.main) await main();
