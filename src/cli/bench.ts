/**
 * `deno task bench`: benchmark a vLLM (OpenAI-compatible) server per request — one run per
 * point of a concurrency × rate sweep — join every request to its server span, and write the
 * runs (JSON, CSV), a summary CSV and an HTML report. See docs/CLI.md.
 *
 * Exit codes: 0 ok, 1 error, 2 bad flags, 3 a run had no successful request, 4 saved with a
 * warning (e.g. the JSONL log could not be written), 130 Ctrl-C or SIGTERM (what finished is
 * saved).
 *
 * @module
 */

import type { Run, TraceSource } from "../types.ts";
import { collect } from "../collect/collect.ts";
import { startSimulator } from "../sim/mod.ts";
import { type OtlpReceiver, startReceiver } from "../otlp/receiver.ts";
import { enrich } from "../enrich/enrich.ts";
import { jaegerSource } from "../enrich/jaeger.ts";
import { jaegerV3Source } from "../enrich/jaeger_v3.ts";
import { tempoSource } from "../enrich/tempo.ts";
import { scrapePrometheus } from "../enrich/prometheus.ts";
import { type BenchArgs, helpText, parseBenchArgs, type TraceChoice } from "./bench_args.ts";
import { UsageError } from "./usage_error.ts";
import { compareFiles } from "./bench_compare.ts";
import { benchRequests, tokenizedRequests } from "./bench_requests.ts";
import { formatPrefixGroups } from "./bench_prefix.ts";
import { pointName, type SweepPoint, sweepPoints } from "../search/sweep_points.ts";
import { benchSearch, isSearch } from "./bench_search.ts";
import type { ProbeLoad } from "../search/probe.ts";
import { shardLoad } from "./shard.ts";
import { deriveRunId } from "./run_id.ts";
import { progressReporter } from "./progress.ts";
import { handleInterrupts, type Interrupts } from "./interrupt.ts";
import {
  joinedLine,
  printSummary,
  printSweepTable,
  writeRunFiles,
  writeSweepFiles,
} from "./bench_output.ts";
import { claimJsonl, runFileBase } from "./run_files.ts";
import {
  credentialScrubber,
  openReceiverWarning,
  scrubRun,
  withoutCredentials,
} from "./credentials.ts";
import { finiteRun } from "../io/finite.ts";
import { randomHex } from "../collect/traceparent.ts";
import type { LoadSpec, PrometheusSnapshot, RequestSpec } from "../types.ts";

/** Exit codes of `deno task bench`. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  noSuccess: 3,
  warning: 4,
  interrupted: 130,
} as const;

const encoder = new TextEncoder();
const out = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
const err = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

function traceSourceFor(choice: TraceChoice, receiver: OtlpReceiver | null): TraceSource | null {
  switch (choice.kind) {
    case "none":
      return null;
    case "embedded":
      return receiver;
    case "jaeger":
      return jaegerSource(choice.url);
    case "jaeger-v3":
      return jaegerV3Source(choice.url);
    case "tempo":
      return tempoSource(choice.url);
  }
}

async function tryScrape(url: string, args: BenchArgs): Promise<PrometheusSnapshot | null> {
  if (!args.prometheus) return null;
  try {
    return await scrapePrometheus(url, { timeoutMs: 5_000 });
  } catch (error) {
    const message = credentialScrubber(url)((error as Error).message);
    err(`note: no Prometheus metrics (${message})\n`);
    return null;
  }
}

/** `--compare A B`: prints the comparison of two saved runs; returns the exit code. */
async function printComparison(paths: [string, string], args: BenchArgs): Promise<number> {
  try {
    out(await compareFiles(paths[0], paths[1], { slo: args.slo, seed: args.seed }) + "\n");
    return EXIT.ok;
  } catch (error) {
    err(`bench: --compare: ${(error as Error).message}\n`);
    return EXIT.error;
  }
}

/** Runs one invocation; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv, Deno.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`bench: ${error.message}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    out(helpText() + "\n");
    return EXIT.ok;
  }
  if (args.compare) return await printComparison(args.compare, args);
  const points = sweepPoints(args.concurrencies, args.rates);
  const isSweep = points.length > 1;
  const baseRunId = args.shard ? (args.runId ?? deriveRunId(args)) : args.runId;
  // Check every point's shard split before anything starts.
  const loads: LoadSpec[] = [];
  try {
    for (const point of points) {
      const load = pointLoad(point, args);
      loads.push(args.shard ? shardLoad(load, args.shard) : load);
    }
  } catch (error) {
    err(`bench: --shard: ${(error as Error).message.replace(/^shardLoad: /, "")}\n`);
    return EXIT.usage;
  }
  const requests = benchRequests(args); // reads and checks dataset files first
  const jsonlTaken = await jsonlProblem(args, points);
  if (jsonlTaken !== null) {
    err(`bench: --jsonl: ${jsonlTaken}\n`);
    return EXIT.usage;
  }
  if (args.apiKeyOnCommandLine) {
    err(
      "note: --api-key is visible in process lists and in `deno task` logs; " +
        "prefer --api-key-file, --api-key-env or $OPENAI_API_KEY\n",
    );
  }

  await Deno.mkdir(args.out, { recursive: true });
  const interrupts = handleInterrupts({
    listen: true,
    log: (line) => err(line + "\n"),
    exit: (code) => Deno.exit(code),
  });
  let receiver: OtlpReceiver | null = null;
  let sim: Awaited<ReturnType<typeof startSimulator>> | null = null;
  const runs: Run[] = [];
  let anyRunWithoutSuccess = false;
  let anyWarning = false;
  try {
    if (args.traces.kind === "embedded") {
      receiver = await startReceiver({
        hostname: args.otlpHost,
        grpcPort: args.otlpGrpcPort,
        httpPort: args.otlpHttpPort,
        bearerToken: args.otlpToken ?? undefined,
      });
      const exposed = openReceiverWarning(args.otlpHost, args.otlpToken);
      if (exposed !== null) err(`warning: ${exposed}\n`);
      out(
        `traces: embedded OTLP receiver on ${
          [receiver.grpcEndpoint && `${receiver.grpcEndpoint} (gRPC)`, receiver.httpEndpoint]
            .filter(Boolean).join(" and ")
        }\n`,
      );
      if (!args.simulate) {
        out(
          `  start vLLM with --otlp-traces-endpoint ${
            receiver.grpcEndpoint ?? receiver.httpEndpoint
          }${
            args.otlpHost === "127.0.0.1"
              ? " (on another machine: --otlp-host 0.0.0.0 and this host's address)"
              : ""
          }\n`,
        );
      }
    }
    if (args.simulate) {
      const otlpEndpoint = receiver?.grpcEndpoint ?? receiver?.httpEndpoint ?? undefined;
      sim = await startSimulator({
        otlpEndpoint,
        otlpProtocol: receiver?.grpcEndpoint ? "grpc" : "http/protobuf",
        exportDelayMs: 500,
        seed: args.seed,
        apiKey: args.apiKey ?? undefined,
        reasoningTokens: args.simReasoningTokens,
        log: false,
      });
      out(`simulator: ${sim.url}\n`);
    }
    const url = sim?.url ?? args.url!;
    const source = traceSourceFor(args.traces, receiver);
    const sent = await tokenizedRequests(requests, args, url, (m) => err(`warning: ${m}\n`));

    /** Runs one point; `name` (null for a single run) goes into its label and run id. */
    const runPoint = async (
      load: LoadSpec,
      name: string | null,
      extra?: Record<string, unknown>,
    ) => {
      const run = await benchOnePoint({
        args,
        url,
        load,
        label: name === null ? args.label : `${args.label}-${name}`,
        runId: baseRunId === null ? undefined : name === null ? baseRunId : `${baseRunId}-${name}`,
        requests: sent,
        source,
        sim,
        interrupts,
        isSweep: name !== null,
        pointName: name ?? "",
        extra,
      });
      runs.push(run);
      if (!run.requests.some((r) => r.success)) anyRunWithoutSuccess = true;
      if ((run.meta.warnings?.length ?? 0) > 0) anyWarning = true;
      return run;
    };
    if (isSearch(args)) {
      const probeRunner = (probe: ProbeLoad) =>
        runPoint(
          pointLoad({ concurrency: probe.concurrency, rate: probe.rate_rps }, args),
          probe.name,
          { search: { role: probe.role } },
        );
      const written = await benchSearch(args, probeRunner, interrupts.stop, out);
      if (written.length > 0) out(`wrote ${written.join(", ")}\n`);
    } else {
      for (const [i, point] of points.entries()) {
        if (interrupts.stop.aborted) break;
        await runPoint(loads[i], isSweep ? pointName(point) : null);
      }
    }
    if (runs.length === 0) return interrupts.count > 0 ? EXIT.interrupted : EXIT.error;
    if (runs.length > 1) {
      out("\nall runs:\n");
      printSweepTable(runs, args, out);
    }
    const written = await writeSweepFiles(runs, args);
    out(`wrote ${written.join(", ")}\n`);
  } catch (error) {
    err(`bench: ${(error as Error).message}\n`);
    return interrupts.count > 0 ? EXIT.interrupted : EXIT.error;
  } finally {
    interrupts.dispose();
    await sim?.close();
    await receiver?.close();
  }
  if (interrupts.count > 0) return EXIT.interrupted;
  if (anyRunWithoutSuccess) return EXIT.noSuccess;
  return anyWarning ? EXIT.warning : EXIT.ok;
}

interface PointContext {
  args: BenchArgs;
  url: string;
  load: LoadSpec;
  label: string;
  runId: string | undefined;
  requests: Iterable<RequestSpec> | AsyncIterable<RequestSpec>;
  source: TraceSource | null;
  sim: { flushSpans(): Promise<void> } | null;
  interrupts: Interrupts;
  isSweep: boolean;
  pointName: string;
  /** More `meta.extra` fields (a search probe's role). */
  extra?: Record<string, unknown>;
}

/** Collects, enriches and saves one run of the sweep. */
async function benchOnePoint(ctx: PointContext): Promise<Run> {
  const { args, url, load, label, source, interrupts } = ctx;
  const describeLoad = [
    `concurrency ${load.concurrency ?? "unlimited"}`,
    `rate ${load.rate ?? "inf"}/s`,
    load.requests !== undefined ? `${load.requests} requests` : null,
    load.duration_s !== undefined ? `${load.duration_s} s` : null,
    load.shard ? `shard ${load.shard.index}/${load.shard.count}` : null,
  ].filter(Boolean).join(", ");
  out(`\n${label}: ${describeLoad} → ${withoutCredentials(url)}\n`);

  // The run id is fixed here so that file names carry it: runs never share a file.
  const runId = ctx.runId ?? randomHex(8);
  const base = runFileBase(args.out, label, load, runId);
  const jsonlPath = args.jsonl === null
    ? await claimJsonl(base)
    : userJsonlPath(args.jsonl, ctx.isSweep ? ctx.pointName : null);
  const before = await tryScrape(url, args);
  const reporter = progressReporter({
    isTerminal: Deno.stdout.isTerminal(),
    write: out,
    bounds: { requests: load.requests ?? null, durationS: load.duration_s ?? null },
  });
  let run = await collect({
    url,
    endpoint: args.endpoint,
    model: args.model,
    requests: ctx.requests,
    count: load.requests,
    durationS: load.duration_s,
    concurrency: load.concurrency,
    rate: load.rate,
    ramp: args.ramp ?? undefined,
    concurrencyRamp: args.concurrencyRamp ?? undefined,
    burstiness: load.burstiness,
    warmup: load.warmup,
    seed: load.seed,
    stream: args.stream,
    continuousUsage: args.continuousUsage,
    params: args.extraBody,
    apiKey: args.apiKey ?? undefined,
    timeoutMs: args.timeoutS * 1000,
    idleTimeoutMs: args.idleTimeoutS === null ? undefined : args.idleTimeoutS * 1000,
    maxEventChars: args.maxEventChars ?? undefined,
    scrapeInterval: args.scrapeIntervalS === null ? "off" : args.scrapeIntervalS * 1000,
    signal: interrupts.stop,
    abortSignal: interrupts.abort,
    onProgress: (p) => reporter.update(p),
    jsonlPath,
    label,
    runId,
    shard: load.shard,
    extra: { tool_args: redactedArgs(args), ...ctx.extra },
    metadata: args.metadata,
  }).catch(async (error) => {
    // Nothing was measured (collect throws only before sending): drop the log claimed for it.
    if (args.jsonl === null) await removeIfEmpty(jsonlPath);
    throw error;
  });
  reporter.finish();
  const after = before ? await tryScrape(url, args) : null;
  if (before && after) run.meta.prometheus = { before, after };

  if (source && run.requests.length > 0) {
    await ctx.sim?.flushSpans();
    out(
      `joining server spans from ${
        traceScrubber(args)(source.name)
      } (waiting up to ${args.traceWaitS} s for late ones)\n`,
    );
    run = await enrich(run, source, {
      timeoutMs: args.traceWaitS * 1000,
      signal: interrupts.nextPress(),
    });
    out(`${joinedLine(run.requests)}\n`);
    // Credentials in a --traces URL are used for the lookups but never shown or saved.
    run = scrubRun(run, traceScrubber(args));
    const missing = run.requests.find((r) =>
      r.success && r.span_status !== "found" && r.span_status !== "found_by_request_id"
    );
    if (missing?.span_note) err(`note: a request without its span: ${missing.span_note}\n`);
  }
  // Values no file can hold (Infinity from a hostile span) become null with a note.
  run = finiteRun(run);
  for (const warning of run.meta.warnings ?? []) err(`warning: ${warning}\n`);
  const written = await writeRunFiles(run, base);
  if (args.jsonl === null) await Deno.remove(jsonlPath).catch(() => {});
  printSummary([run], args, out);
  if (args.prefixTokens !== null) out(formatPrefixGroups(run) + "\n");
  out(`wrote ${written.join(", ")}\n`);
  return run;
}

/** The load of one sweep point or search probe (before any shard split). */
function pointLoad(point: SweepPoint, args: BenchArgs): LoadSpec {
  return {
    concurrency: point.concurrency,
    rate: point.rate,
    burstiness: args.burstiness,
    requests: args.requests ?? undefined,
    duration_s: args.durationS ?? undefined,
    warmup: args.warmup,
    seed: args.seed,
  };
}

/** Removes `path` if it is an empty file (a log claimed for a run that never started). */
async function removeIfEmpty(path: string): Promise<void> {
  const info = await Deno.stat(path).catch(() => null);
  if (info?.isFile && info.size === 0) await Deno.remove(path).catch(() => {});
}

/** The --jsonl path of one run: FILE, or FILE-<point>.jsonl for each point of a sweep. */
function userJsonlPath(jsonl: string, pointName: string | null): string {
  return pointName === null ? jsonl : jsonl.replace(/(\.jsonl)?$/, `-${pointName}.jsonl`);
}

/** Why a --jsonl path cannot be used (it holds data: another run's log), or null. */
async function jsonlProblem(
  args: BenchArgs,
  points: ReturnType<typeof sweepPoints>,
): Promise<string | null> {
  if (args.jsonl === null) return null;
  for (const point of points) {
    const path = userJsonlPath(args.jsonl, points.length > 1 ? pointName(point) : null);
    const info = await Deno.stat(path).catch(() => null);
    if (info?.isFile && info.size > 0) {
      return `${path} already holds ${info.size} bytes (another run's log?); a log is never ` +
        "appended to by a second run: give a new path, or remove the file";
    }
  }
  return null;
}

/** Removes the credentials of the --traces URL, if any, from a text. */
function traceScrubber(args: BenchArgs): (text: string) => string {
  return credentialScrubber("url" in args.traces ? args.traces.url : null);
}

/** The flags as given, without the API key, tokens or URL credentials, for the run's metadata. */
function redactedArgs(args: BenchArgs): Record<string, unknown> {
  const { apiKey: _apiKey, otlpToken, help: _help, ...rest } = args;
  return {
    ...rest,
    otlpToken: otlpToken === null ? null : "[redacted]",
    url: rest.url === null ? null : withoutCredentials(rest.url),
    traces: "url" in rest.traces
      ? { ...rest.traces, url: withoutCredentials(rest.traces.url) }
      : rest.traces,
    concurrencies: rest.concurrencies.map((c) => c ?? null),
    rates: rest.rates.map((r) => r ?? null),
  };
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    err(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    Deno.exit(EXIT.error);
  }
}
