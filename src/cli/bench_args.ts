/**
 * The flags of `deno task bench`: their definitions (also used for --help) and the parser
 * that turns `Deno.args` into a checked {@link BenchArgs}, throwing a {@link UsageError} for
 * unknown flags and bad values.
 *
 * @module
 */

import type { Endpoint, Slo } from "../types.ts";
import {
  parseInteger,
  parseList,
  parseNumber,
  parseRate,
  parseShard,
  parseSlo,
} from "./parse_values.ts";
import { UsageError } from "./usage_error.ts";
import { rampRateAt, type RateRamp } from "../collect/schedule.ts";
import { parseMetadataFlags } from "../collect/metadata.ts";

/** Where `enrich` gets server spans from. */
export type TraceChoice =
  | { kind: "none" }
  | { kind: "embedded" }
  | { kind: "jaeger" | "jaeger-v3" | "tempo"; url: string };

/** Every setting of a bench invocation, checked and with defaults applied. */
export interface BenchArgs {
  help: boolean;
  /** Server base URL; null with --simulate (the simulator's URL is used). */
  url: string | null;
  /** "auto" → ask /v1/models. */
  model: string;
  endpoint: Endpoint;
  dataset: "random" | "sharegpt" | "jsonl" | "trace";
  datasetPath: string | null;
  /** Trace replay: multiplies the recorded gaps (--time-scale; 0.5 = twice as fast). */
  timeScale: number;
  inputTokens: number;
  outputTokens: number;
  /** Whether --output-tokens was given (else ShareGPT uses the reply's length, JSONL each line's max_tokens). */
  outputTokensGiven: boolean;
  rangeRatio: number;
  /** Random: tokens of each group's shared prefix (--prefix-tokens); null = no shared prefix. */
  prefixTokens: number | null;
  /** Random with --prefix-tokens: number of prefix groups (--prefix-groups, default 1). */
  prefixGroups: number;
  ignoreEos: boolean;
  /** Measured requests per run; null when bounded by duration only. */
  requests: number | null;
  durationS: number | null;
  /** Sweep values; [undefined] = unlimited. */
  concurrencies: (number | undefined)[];
  /** Sweep values; [undefined] = inf (as fast as concurrency allows). */
  rates: (number | undefined)[];
  burstiness: number;
  /** --ramp linear|exp with --ramp-duration (and --ramp-start-rate); null = the rate from the start. */
  ramp: RateRamp | null;
  warmup: number;
  seed: number;
  stream: boolean;
  continuousUsage: boolean;
  extraBody: Record<string, unknown>;
  traces: TraceChoice;
  otlpHost: string;
  otlpGrpcPort: number | null;
  otlpHttpPort: number | null;
  traceWaitS: number;
  prometheus: boolean;
  /** Seconds between scrapes of /metrics during the run (--scrape-interval); null = off. */
  scrapeIntervalS: number | null;
  slo: Slo;
  /** null = summarize's default (50, 90, 95, 99). */
  percentiles: number[] | null;
  out: string;
  label: string;
  /** --metadata key=value tags (repeatable), saved in meta.metadata. */
  metadata: Record<string, string>;
  runId: string | null;
  /** From --api-key, --api-key-file, --api-key-env or $OPENAI_API_KEY; never written out. */
  apiKey: string | null;
  /** Whether the key was given on the command line (visible in process lists and task logs). */
  apiKeyOnCommandLine: boolean;
  /** Bearer token the embedded OTLP receiver requires (--otlp-token[-file]); null = none. */
  otlpToken: string | null;
  simulate: boolean;
  shard: { index: number; count: number } | null;
  /** Total deadline of one request (--timeout). */
  timeoutS: number;
  /** Longest silence of one request (--idle-timeout); null = as long as --timeout. */
  idleTimeoutS: number | null;
  /** Largest SSE event in characters (--max-event-chars); null = collect's default. */
  maxEventChars: number | null;
  jsonl: string | null;
  /** --compare A B: the two saved runs to compare (no benchmark is run); null otherwise. */
  compare: [string, string] | null;
}

/** One flag: its name, value placeholder (none = boolean) and help line. */
export interface FlagDefinition {
  name: string;
  value?: string;
  help: string;
  group: string;
  /** How many values follow the flag (default 1 when `value` is set). */
  values?: number;
  /** The flag may be given several times (its values are collected). */
  repeatable?: boolean;
}

/** All flags, in --help order. */
export const FLAGS: readonly FlagDefinition[] = [
  {
    group: "Server",
    name: "url",
    value: "URL",
    help: "vLLM server base URL (default http://127.0.0.1:8000)",
  },
  {
    group: "Server",
    name: "model",
    value: "NAME",
    help: "model name (default: the first of GET /v1/models)",
  },
  {
    group: "Server",
    name: "endpoint",
    value: "chat|completions",
    help: "API to call (default chat)",
  },
  {
    group: "Server",
    name: "api-key",
    value: "KEY",
    help:
      "bearer token (default: $OPENAI_API_KEY); shown in process lists and task logs: prefer the next two",
  },
  {
    group: "Server",
    name: "api-key-file",
    value: "FILE",
    help: "read the bearer token from FILE (first line); never written to files",
  },
  {
    group: "Server",
    name: "api-key-env",
    value: "NAME",
    help: "read the bearer token from environment variable NAME",
  },
  {
    group: "Server",
    name: "timeout",
    value: "S",
    help: "total deadline of each request in seconds, headers to last byte (default 600)",
  },
  {
    group: "Server",
    name: "idle-timeout",
    value: "S",
    help: "fail a request silent this long: no headers or no body bytes (default: --timeout)",
  },
  {
    group: "Server",
    name: "max-event-chars",
    value: "N",
    help: "fail a request whose SSE event exceeds N characters (default 8388608)",
  },
  {
    group: "Server",
    name: "simulate",
    help: "start the built-in vLLM simulator (instead of --url) and trace it",
  },
  {
    group: "Data",
    name: "dataset",
    value: "random|sharegpt|jsonl|trace",
    help: "request source (default random); trace = Mooncake JSONL replayed at its timestamps",
  },
  {
    group: "Data",
    name: "dataset-path",
    value: "FILE",
    help: "ShareGPT JSON or JSONL file (sharegpt, jsonl, trace)",
  },
  {
    group: "Data",
    name: "time-scale",
    value: "X",
    help: "trace: multiply the recorded gaps by X (0.5 replays twice as fast; default 1)",
  },
  {
    group: "Data",
    name: "input-tokens",
    value: "N",
    help: "random: prompt length in tokens (default 1024)",
  },
  {
    group: "Data",
    name: "output-tokens",
    value: "N",
    help: "max_tokens (random default 128; sharegpt: reply length; jsonl: per line)",
  },
  {
    group: "Data",
    name: "range-ratio",
    value: "R",
    help: "random: lengths uniform in len·[1−R, 1+R] (default 0)",
  },
  {
    group: "Data",
    name: "prefix-tokens",
    value: "N",
    help: "random: start every prompt with its group's shared prefix of N tokens",
  },
  {
    group: "Data",
    name: "prefix-groups",
    value: "G",
    help: "random with --prefix-tokens: G groups, each with its own prefix (default 1)",
  },
  {
    group: "Data",
    name: "ignore-eos",
    help: "send ignore_eos: true so every request generates max_tokens",
  },
  {
    group: "Data",
    name: "extra-body",
    value: "JSON",
    help: "extra request body fields, e.g. '{\"temperature\":0}'",
  },
  { group: "Data", name: "no-stream", help: "non-streaming requests (no TTFT/ITL)" },
  {
    group: "Data",
    name: "continuous-usage",
    help: "ask vLLM for usage in every chunk (tokens per chunk, exact per-token ITL)",
  },
  {
    group: "Load",
    name: "requests",
    value: "N",
    help: "measured requests per run (default 100 unless --duration)",
  },
  {
    group: "Load",
    name: "duration",
    value: "S",
    help: "stop sending after S seconds (with --requests: whichever first)",
  },
  {
    group: "Load",
    name: "concurrency",
    value: "N[,N...]",
    help: "max requests in flight; a list sweeps (default unlimited)",
  },
  {
    group: "Load",
    name: "rate",
    value: "R[,R...]",
    help: "requests/s (Poisson) or inf; a list sweeps (default inf)",
  },
  {
    group: "Load",
    name: "burstiness",
    value: "B",
    help: "gamma shape of inter-arrivals: 1 Poisson, <1 burstier (default 1)",
  },
  {
    group: "Load",
    name: "ramp",
    value: "linear|exp",
    help: "raise the rate to --rate over --ramp-duration, from --ramp-start-rate",
  },
  { group: "Load", name: "ramp-duration", value: "S", help: "seconds the --ramp lasts" },
  {
    group: "Load",
    name: "ramp-start-rate",
    value: "R",
    help: "requests/s when the --ramp starts (default: a tenth of --rate)",
  },
  { group: "Load", name: "warmup", value: "N", help: "unmeasured requests sent first (default 0)" },
  { group: "Load", name: "seed", value: "N", help: "seed of dataset and arrivals (default 0)" },
  {
    group: "Load",
    name: "shard",
    value: "I/N",
    help:
      "run part I (0..N−1) of N equal parts of the load; same --run-id (or same flags) on every machine",
  },
  {
    group: "Load",
    name: "run-id",
    value: "ID",
    help: "run id shared by the shards of one run (default derived from the flags)",
  },
  {
    group: "Traces",
    name: "traces",
    value: "SOURCE",
    help:
      "embedded | none | jaeger=URL | jaeger-v3=URL | tempo=URL (default embedded with --simulate, else none)",
  },
  {
    group: "Traces",
    name: "otlp-host",
    value: "HOST",
    help: "embedded receiver address (default 127.0.0.1; 0.0.0.0 for a remote vLLM)",
  },
  {
    group: "Traces",
    name: "otlp-token",
    value: "TOKEN",
    help: "embedded receiver: accept only exports with 'authorization: Bearer TOKEN'",
  },
  {
    group: "Traces",
    name: "otlp-token-file",
    value: "FILE",
    help: "as --otlp-token, read from FILE (first line); keeps it out of process lists",
  },
  {
    group: "Traces",
    name: "otlp-grpc-port",
    value: "PORT",
    help: "embedded receiver OTLP/gRPC port, 'off' to disable (default 4317; 0 = free port)",
  },
  {
    group: "Traces",
    name: "otlp-http-port",
    value: "PORT",
    help: "embedded receiver OTLP/HTTP port, 'off' to disable (default 4318; 0 = free port)",
  },
  {
    group: "Traces",
    name: "trace-wait",
    value: "S",
    help: "how long to wait for late spans after the run (default 15; vLLM batches 5 s)",
  },
  {
    group: "Traces",
    name: "no-prometheus",
    help: "do not scrape the server's /metrics before and after each run",
  },
  {
    group: "Traces",
    name: "scrape-interval",
    value: "S|off",
    help: "scrape vLLM's gauges and counters from /metrics every S seconds during the run " +
      "(default 1; off)",
  },
  {
    group: "Output",
    name: "slo",
    value: "ttft=MS,tpot=MS,e2e=MS",
    help: "SLOs for goodput (any subset)",
  },
  {
    group: "Output",
    name: "percentiles",
    value: "P[,P...]",
    help: "percentiles in the summary (default 50,90,95,99)",
  },
  { group: "Output", name: "out", value: "DIR", help: "output folder (default ./runs)" },
  {
    group: "Output",
    name: "metadata",
    value: "KEY=VALUE",
    help: "tag the run, repeatable (--metadata gpu=H100 --metadata tp=2); a column in tables",
    repeatable: true,
  },
  {
    group: "Output",
    name: "label",
    value: "TEXT",
    help: "run label, used in file names (default bench)",
  },
  {
    group: "Output",
    name: "jsonl",
    value: "FILE",
    help:
      "crash-safe per-request log (default: <out>/<run file>.jsonl, removed once the JSON is saved)",
  },
  { group: "Output", name: "help", help: "show this help" },
  {
    group: "Compare",
    name: "compare",
    value: "A.json B.json",
    values: 2,
    help:
      "compare two saved runs (bootstrap CIs of B − A) instead of benchmarking; with --slo, --seed",
  },
];

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

/** Edit distance between two short strings (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known flag a mistyped name most likely meant, if any is close. */
function closestFlag(name: string): FlagDefinition | undefined {
  let best: FlagDefinition | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const flag of FLAGS) {
    const distance = flag.name.startsWith(name) ? 0 : editDistance(name, flag.name);
    if (distance < bestDistance) [best, bestDistance] = [flag, distance];
  }
  return best;
}

/** Splits argv into flag → raw values (repeats kept), rejecting unknown flags and missing values. */
function tokenize(argv: readonly string[]): Map<string, string[]> {
  const raw = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (flags start with --)`);
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const flag = BY_NAME.get(name);
    if (!flag) {
      const near = closestFlag(name);
      throw new UsageError(
        `unknown flag --${name}${near ? ` (did you mean --${near.name}?)` : ""}; see --help`,
      );
    }
    let value: string;
    if (!flag.value) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = "true";
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
        throw new UsageError(`--${name} needs a value (${flag.value})`);
      }
      value = argv[++i];
    }
    if (flag.value && value.trim() === "") {
      throw new UsageError(`--${name}: the value is empty (expected ${flag.value})`);
    }
    raw.set(name, [...(raw.get(name) ?? []), value]);
    for (let extra = 1; extra < (flag.values ?? 1); extra++) {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
        throw new UsageError(`--${name} needs ${flag.values} values (${flag.value})`);
      }
      raw.get(name)!.push(argv[++i]);
    }
  }
  return raw;
}

/** The --metadata flags as tags; a malformed one is a UsageError naming it. */
function metadataOf(flags: string[]): Record<string, string> {
  try {
    return parseMetadataFlags(flags);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function parseTraces(text: string): TraceChoice {
  if (text === "none" || text === "embedded") return { kind: text };
  const match = /^(jaeger|jaeger-v3|tempo)=(.+)$/.exec(text);
  if (!match) {
    throw new UsageError(
      `--traces: expected embedded, none, jaeger=URL, jaeger-v3=URL or tempo=URL, got ${
        JSON.stringify(text)
      }`,
    );
  }
  return {
    kind: match[1] as "jaeger" | "jaeger-v3" | "tempo",
    url: checkUrl("--traces", match[2]),
  };
}

function checkUrl(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${flag}: expected an http(s) URL, got ${JSON.stringify(text)}`);
  }
  return text.replace(/\/+$/, "");
}

function parsePort(flag: string, text: string | undefined, fallback: number | null): number | null {
  if (text === undefined) return fallback;
  if (text === "off") return null;
  const port = parseInteger(flag, text, 0);
  if (port > 65535) throw new UsageError(`${flag}: a port is 0..65535, got ${text}`);
  return port;
}

/**
 * Parses and checks bench's command line. `env` supplies OPENAI_API_KEY when --api-key is absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBenchArgs } from "./bench_args.ts";
 * const args = parseBenchArgs(["--simulate", "--concurrency", "1,4", "--requests", "8"]);
 * assert.deepEqual(args.concurrencies, [1, 4]);
 * assert.equal(args.requests, 8);
 * ```
 */
export function parseBenchArgs(
  argv: readonly string[],
  env: { get(name: string): string | undefined } = { get: () => undefined },
): BenchArgs {
  const raw = tokenize(argv);
  for (const [name, values] of raw) {
    const flag = BY_NAME.get(name)!;
    const per = flag.values ?? 1;
    if (values.length > per && !flag.repeatable) {
      throw new UsageError(`--${name} given ${values.length / per} times`);
    }
  }
  const compared = raw.get("compare");
  const alien = compared ? [...raw.keys()].filter((n) => !COMPARE_FLAGS.includes(n)) : [];
  if (alien.length > 0) {
    throw new UsageError(`--compare takes only --slo and --seed, not --${alien[0]}`);
  }
  const get = (name: string) => raw.get(name)?.[0];
  const has = (name: string) => raw.has(name);

  const simulate = has("simulate");
  if (simulate && has("url")) {
    throw new UsageError("--simulate starts its own server; give --url or --simulate, not both");
  }
  const endpointText = get("endpoint") ?? "chat";
  if (endpointText !== "chat" && endpointText !== "completions") {
    throw new UsageError(
      `--endpoint: expected chat or completions, got ${JSON.stringify(endpointText)}`,
    );
  }
  const dataset = get("dataset") ?? "random";
  if (
    dataset !== "random" && dataset !== "sharegpt" && dataset !== "jsonl" && dataset !== "trace"
  ) {
    throw new UsageError(
      `--dataset: expected random, sharegpt, jsonl or trace, got ${JSON.stringify(dataset)}`,
    );
  }
  const datasetPath = get("dataset-path") ?? null;
  if (dataset !== "random" && datasetPath === null) {
    throw new UsageError(`--dataset ${dataset} needs --dataset-path FILE`);
  }
  if (dataset === "random" && datasetPath !== null) {
    throw new UsageError(`--dataset-path is for --dataset sharegpt, jsonl or trace, not random`);
  }
  for (const name of ["input-tokens", "range-ratio", "prefix-tokens", "prefix-groups"]) {
    if (has(name) && dataset !== "random") {
      throw new UsageError(`--${name} applies to --dataset random only`);
    }
  }

  checkTraceFlags(dataset, has);

  const durationS = has("duration") ? parseNumber("--duration", get("duration")!, 0) : null;
  if (durationS === 0) throw new UsageError(`--duration: must be > 0`);
  const requests = has("requests")
    ? parseInteger("--requests", get("requests")!, 1)
    : durationS === null && dataset !== "trace" // a trace's own length bounds its replay
    ? 100
    : null;

  const shard = has("shard") ? parseShard("--shard", get("shard")!) : null;
  const rangeRatio = has("range-ratio") ? parseNumber("--range-ratio", get("range-ratio")!) : 0;
  if (rangeRatio >= 1) throw new UsageError(`--range-ratio: must be in [0, 1), got ${rangeRatio}`);

  let extraBody: Record<string, unknown> = {};
  if (has("extra-body")) {
    try {
      extraBody = JSON.parse(get("extra-body")!);
    } catch {
      throw new UsageError(`--extra-body: not valid JSON: ${get("extra-body")}`);
    }
    if (extraBody === null || typeof extraBody !== "object" || Array.isArray(extraBody)) {
      throw new UsageError(`--extra-body: expected a JSON object, got ${get("extra-body")}`);
    }
  }

  const traces = has("traces")
    ? parseTraces(get("traces")!)
    : simulate
    ? { kind: "embedded" as const }
    : { kind: "none" as const };

  const otlpToken = otlpTokenOf(get);
  if (otlpToken !== null && traces.kind !== "embedded") {
    throw new UsageError("--otlp-token is for the embedded receiver (--traces embedded)");
  }

  const label = get("label") ?? "bench";
  if (!/^[\w.-]+$/.test(label)) {
    throw new UsageError(
      `--label: use letters, digits, '.', '_' or '-' only, got ${JSON.stringify(label)}`,
    );
  }
  const runId = get("run-id") ?? null;
  if (runId !== null && !/^[\w.-]+$/.test(runId)) {
    throw new UsageError(
      `--run-id: use letters, digits, '.', '_' or '-' only, got ${JSON.stringify(runId)}`,
    );
  }

  return {
    help: has("help"),
    url: simulate ? null : checkUrl("--url", get("url") ?? "http://127.0.0.1:8000"),
    model: get("model") ?? "auto",
    endpoint: endpointText,
    dataset,
    datasetPath,
    timeScale: has("time-scale") ? positive("--time-scale", get("time-scale")!) : 1,
    inputTokens: has("input-tokens") ? inputTokensOf(get("input-tokens")!) : 1024,
    outputTokens: has("output-tokens")
      ? parseInteger("--output-tokens", get("output-tokens")!)
      : 128,
    outputTokensGiven: has("output-tokens"),
    rangeRatio,
    prefixTokens: has("prefix-tokens")
      ? inputTokensOf(get("prefix-tokens")!, "--prefix-tokens")
      : null,
    prefixGroups: prefixGroupsOf(get),
    ignoreEos: has("ignore-eos"),
    requests,
    durationS,
    concurrencies: has("concurrency")
      ? parseList("--concurrency", get("concurrency")!, (t) => parseInteger("--concurrency", t))
      : [undefined],
    rates: has("rate")
      ? parseList("--rate", get("rate")!, (t) => parseRate("--rate", t))
      : [undefined],
    burstiness: has("burstiness") ? positive("--burstiness", get("burstiness")!) : 1,
    ramp: rampOf(get),
    warmup: has("warmup") ? parseInteger("--warmup", get("warmup")!, 0) : 0,
    seed: has("seed") ? parseInteger("--seed", get("seed")!, 0) : 0,
    stream: !has("no-stream"),
    continuousUsage: has("continuous-usage"),
    extraBody,
    traces,
    otlpHost: get("otlp-host") ?? "127.0.0.1",
    otlpGrpcPort: parsePort("--otlp-grpc-port", get("otlp-grpc-port"), simulate ? 0 : 4317),
    otlpHttpPort: parsePort("--otlp-http-port", get("otlp-http-port"), simulate ? 0 : 4318),
    traceWaitS: has("trace-wait") ? traceWaitOf(get("trace-wait")!) : 15,
    prometheus: !has("no-prometheus"),
    scrapeIntervalS: scrapeIntervalOf(get("scrape-interval") ?? "1"),
    slo: has("slo") ? parseSlo("--slo", get("slo")!) : {},
    percentiles: has("percentiles")
      ? parseList("--percentiles", get("percentiles")!, (t) => {
        const p = parseNumber("--percentiles", t);
        if (p > 100) throw new UsageError(`--percentiles: ${t} is above 100`);
        return p;
      })
      : null,
    out: get("out") ?? "runs",
    label,
    metadata: metadataOf(raw.get("metadata") ?? []),
    runId,
    ...apiKeyOf(get, env),
    otlpToken,
    simulate,
    shard,
    timeoutS: has("timeout") ? waitSeconds("--timeout", get("timeout")!) : 600,
    idleTimeoutS: has("idle-timeout") ? waitSeconds("--idle-timeout", get("idle-timeout")!) : null,
    maxEventChars: has("max-event-chars")
      ? parseInteger("--max-event-chars", get("max-event-chars")!, 1)
      : null,
    jsonl: get("jsonl") ?? null,
    compare: compared ? [compared[0], compared[1]] : null,
  };
}

/** The rate ramp, checked against every --rate value; null without --ramp. */
function rampOf(get: (name: string) => string | undefined): RateRamp | null {
  const shape = get("ramp");
  if (shape === undefined) {
    const stray = ["ramp-duration", "ramp-start-rate"].find((name) => get(name) !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --ramp linear|exp`);
    return null;
  }
  if (shape !== "linear" && shape !== "exp") {
    throw new UsageError(`--ramp: expected linear or exp, got ${JSON.stringify(shape)}`);
  }
  const duration = get("ramp-duration");
  if (duration === undefined) throw new UsageError("--ramp needs --ramp-duration S");
  const ramp: RateRamp = { shape, durationS: positive("--ramp-duration", duration) };
  const start = get("ramp-start-rate");
  if (start !== undefined) ramp.startRate = positive("--ramp-start-rate", start);
  const rates = get("rate");
  if (rates === undefined) throw new UsageError("--ramp needs --rate R (the rate it rises to)");
  for (const rate of parseList("--rate", rates, (t) => parseRate("--rate", t))) {
    try {
      rampRateAt(rate ?? Infinity, ramp, 0);
    } catch (error) {
      throw new UsageError(`--ramp with --rate ${rate ?? "inf"}: ${(error as Error).message}`);
    }
  }
  return ramp;
}

/** --prefix-groups, which needs --prefix-tokens. */
function prefixGroupsOf(get: (name: string) => string | undefined): number {
  const text = get("prefix-groups");
  if (text === undefined) return 1;
  if (get("prefix-tokens") === undefined) {
    throw new UsageError("--prefix-groups needs --prefix-tokens N");
  }
  return parseInteger("--prefix-groups", text, 1);
}

/** Trace replay sends at the trace's times with its lengths: flags that would override them are refused. */
function checkTraceFlags(dataset: string, has: (name: string) => boolean): void {
  if (dataset !== "trace") {
    if (has("time-scale")) throw new UsageError("--time-scale applies to --dataset trace only");
    return;
  }
  for (const name of ["rate", "burstiness", "output-tokens"]) {
    if (has(name)) {
      throw new UsageError(`--${name} does not apply to --dataset trace: the trace sets it`);
    }
  }
}

/** The flags that go with --compare. */
const COMPARE_FLAGS = ["compare", "slo", "seed", "help"];

/** Largest --input-tokens: a prompt is built in memory per request (about 6 bytes a token). */
export const MAX_INPUT_TOKENS = 1_000_000;
/** Largest --timeout / --trace-wait in seconds: timers hold at most 2^31−1 ms (24.8 days). */
export const MAX_WAIT_S = 2_000_000;

/** The first line of a secret file (a trailing newline is not part of the secret). */
function readSecretFile(flag: string, path: string): string {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
  const secret = text.split(/\r?\n/)[0].trim();
  if (secret === "") throw new UsageError(`${flag}: ${path} is empty (expected the token)`);
  return secret;
}

/** The API key and where it came from; at most one of the three flags may be given. */
function apiKeyOf(
  get: (name: string) => string | undefined,
  env: { get(name: string): string | undefined },
): { apiKey: string | null; apiKeyOnCommandLine: boolean } {
  const given = ["api-key", "api-key-file", "api-key-env"].filter((name) =>
    get(name) !== undefined
  );
  if (given.length > 1) {
    throw new UsageError(`give one of ${given.map((n) => `--${n}`).join(", ")}, not several`);
  }
  if (get("api-key") !== undefined) return { apiKey: get("api-key")!, apiKeyOnCommandLine: true };
  if (get("api-key-file") !== undefined) {
    return {
      apiKey: readSecretFile("--api-key-file", get("api-key-file")!),
      apiKeyOnCommandLine: false,
    };
  }
  const name = get("api-key-env");
  if (name !== undefined) {
    const value = env.get(name);
    if (value === undefined || value === "") {
      throw new UsageError(`--api-key-env: the environment variable ${name} is not set or empty`);
    }
    return { apiKey: value, apiKeyOnCommandLine: false };
  }
  return { apiKey: env.get("OPENAI_API_KEY") || null, apiKeyOnCommandLine: false };
}

/** The embedded receiver's token: --otlp-token or --otlp-token-file (not both); no whitespace. */
function otlpTokenOf(get: (name: string) => string | undefined): string | null {
  if (get("otlp-token") !== undefined && get("otlp-token-file") !== undefined) {
    throw new UsageError("give --otlp-token or --otlp-token-file, not both");
  }
  const token = get("otlp-token") ??
    (get("otlp-token-file") === undefined
      ? undefined
      : readSecretFile("--otlp-token-file", get("otlp-token-file")!));
  if (token === undefined) return null;
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(
      "--otlp-token: use printable ASCII without spaces (it is sent as a header)",
    );
  }
  return token;
}

/** A number of seconds > 0 that timers can wait (≤ {@link MAX_WAIT_S}). */
function waitSeconds(flag: string, text: string): number {
  const n = positive(flag, text);
  if (n > MAX_WAIT_S) {
    throw new UsageError(`${flag}: at most ${MAX_WAIT_S} s (about 23 days), got ${text}`);
  }
  return n;
}

function inputTokensOf(text: string, flag = "--input-tokens"): number {
  const n = parseInteger(flag, text);
  if (n > MAX_INPUT_TOKENS) {
    throw new UsageError(`${flag}: at most ${MAX_INPUT_TOKENS}, got ${text}`);
  }
  return n;
}

/** `--scrape-interval`: seconds > 0, or `off` (null). */
function scrapeIntervalOf(text: string): number | null {
  if (text === "off") return null;
  return waitSeconds("--scrape-interval", text);
}

function traceWaitOf(text: string): number {
  const n = parseNumber("--trace-wait", text);
  if (n > MAX_WAIT_S) {
    throw new UsageError(`--trace-wait: at most ${MAX_WAIT_S} s (about 23 days), got ${text}`);
  }
  return n;
}

function positive(flag: string, text: string): number {
  const n = parseNumber(flag, text, 0);
  if (n === 0) throw new UsageError(`${flag}: must be > 0, got ${JSON.stringify(text)}`);
  return n;
}

/** The --help text, generated from {@link FLAGS}. */
export function helpText(): string {
  const lines = [
    "deno task bench — benchmark a vLLM (OpenAI-compatible) server per request, joined to its traces",
    "",
    "Usage: deno task bench [flags]",
    "  e.g. deno task bench --simulate --concurrency 1,4,16 --requests 64",
    "       deno task bench --url http://gpu:8000 --rate 2,4,8 --duration 120 --slo ttft=500,tpot=50",
  ];
  let group = "";
  for (const flag of FLAGS) {
    if (flag.group !== group) {
      group = flag.group;
      lines.push("", `${group}:`);
    }
    const left = `  --${flag.name}${flag.value ? ` ${flag.value}` : ""}`;
    lines.push(
      left.length < 32 ? left.padEnd(32) + flag.help : `${left}\n${" ".repeat(32)}${flag.help}`,
    );
  }
  lines.push(
    "",
    "Exit codes: 0 ok; 1 error (e.g. server not reachable for --model auto); 2 bad flags;",
    "            3 a run finished with no successful request; 4 saved, with a warning (e.g. the",
    "            JSONL log could not be written); 130 interrupted (Ctrl-C or SIGTERM; results saved).",
    "Details: docs/CLI.md",
  );
  return lines.join("\n");
}
