/**
 * The flags of `deno task bench`: their definitions (also used for --help) and the parser
 * that turns `Deno.args` into a checked {@link BenchArgs}, throwing a {@link UsageError} for
 * unknown flags and bad values.
 *
 * @module
 */

import type { Endpoint, Slo } from "../types.ts";
import {
  flagError,
  parseInteger,
  parseList,
  parseNumber,
  parseRate,
  parseShard,
  parseSlo,
} from "./parse_values.ts";
import { UsageError } from "./usage_error.ts";
import { type ConversationArgs, conversationArgsOf, DEFAULT_TURNS } from "./bench_conversations.ts";
import { type FlagDefinition, flagHelp, type ParsedFlags, parseFlags } from "./flags.ts";
import { DEFAULT_MAX_EVENT_CHARS } from "../collect/sse.ts";
import { RAMP_FLAGS, type RampArgs, rampArgsOf, STEADY_STATE_FLAG } from "./bench_ramps.ts";
import { isRateAuto, SEARCH_FLAGS, type SearchArgs, searchArgsOf } from "./bench_search_args.ts";
import { parseMetadataFlags } from "../collect/metadata.ts";

export type { FlagDefinition };

/** Where `enrich` gets server spans from. */
export type TraceChoice =
  | { kind: "none" }
  | { kind: "embedded" }
  | { kind: "jaeger" | "jaeger-v3" | "tempo"; url: string };

/** Every setting of a bench invocation, checked and with defaults applied. */
export interface BenchArgs extends ConversationArgs, SearchArgs {
  help: boolean;
  /** Server base URL; null with --simulate (the simulator's URL is used). */
  url: string | null;
  /** "auto" → ask /v1/models. */
  model: string;
  endpoint: Endpoint;
  dataset: "random" | "sharegpt" | "jsonl" | "trace" | "conversations";
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
  ramp: RampArgs["ramp"];
  /** --ramp without --rate: the concurrency's rise to --concurrency; null otherwise. */
  concurrencyRamp: RampArgs["concurrencyRamp"];
  /** --steady-state: the summaries leave out the ramp-up and drain. */
  steadyState: boolean;
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
  /** --sim-reasoning-tokens: the simulator's `reasoningTokens` (0 = no reasoning phase). */
  simReasoningTokens: number;
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

/** All flags, in --help order. */
export const FLAGS: readonly FlagDefinition[] = [
  {
    group: "Server",
    name: "url",
    value: "URL",
    help: "vLLM server base URL",
    default: "http://127.0.0.1:8000",
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
    help: "API to call",
    default: "chat",
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
    help: "total deadline of each request in seconds, headers to last byte",
    default: "600",
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
    help: "fail a request whose SSE event exceeds N characters",
    default: String(DEFAULT_MAX_EVENT_CHARS),
  },
  {
    group: "Server",
    name: "simulate",
    help: "start the built-in vLLM simulator (instead of --url) and trace it",
  },
  {
    group: "Server",
    name: "sim-reasoning-tokens",
    value: "N",
    help: "--simulate: chat answers reason first, for N output tokens (delta.reasoning)",
    default: "0",
  },
  {
    group: "Data",
    name: "dataset",
    value: "random|sharegpt|jsonl|trace|conversations",
    help: "request source; trace = Mooncake JSONL replayed at its timestamps; conversations = " +
      "multi-turn chats (generated, or ShareGPT's with --dataset-path)",
    default: "random",
  },
  {
    group: "Data",
    name: "dataset-path",
    value: "FILE",
    help: "ShareGPT JSON or JSONL file (sharegpt, jsonl, trace, conversations)",
  },
  {
    group: "Data",
    name: "turns",
    value: "N",
    help:
      `conversations: user messages per conversation (default ${DEFAULT_TURNS}; ShareGPT: at most N)`,
  },
  {
    group: "Data",
    name: "think-time-ms",
    value: "MS|exp:MS",
    help: "conversations: pause between an answer and the next turn (exp: exponential, mean MS)",
    default: "0",
  },
  {
    group: "Data",
    name: "time-scale",
    value: "X",
    help: "trace: multiply the recorded gaps by X (0.5 replays twice as fast)",
    default: "1",
  },
  {
    group: "Data",
    name: "input-tokens",
    value: "N",
    help: "random: prompt length in tokens",
    default: "1024",
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
    help: "random: lengths uniform in len·[1−R, 1+R]",
    default: "0",
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
    help: "random with --prefix-tokens: G groups, each with its own prefix",
    default: "1",
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
    help: "requests/s (Poisson) or inf; a list sweeps; auto[:N] sweeps N rates found by probes",
    default: "inf",
  },
  {
    group: "Load",
    name: "burstiness",
    value: "B",
    help: "gamma shape of inter-arrivals: 1 Poisson, <1 burstier",
    default: "1",
  },
  ...RAMP_FLAGS,
  ...SEARCH_FLAGS,
  {
    group: "Load",
    name: "warmup",
    value: "N",
    help: "unmeasured requests sent first",
    default: "0",
  },
  {
    group: "Load",
    name: "seed",
    value: "N",
    help: "seed of dataset and arrivals",
    default: "0",
  },
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
    help: "embedded receiver address (0.0.0.0 for a remote vLLM)",
    default: "127.0.0.1",
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
    help: "how long to wait for late spans after the run (vLLM batches 5 s)",
    default: "15",
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
    help: "scrape vLLM's gauges and counters from /metrics every S seconds during the run, or off",
    default: "1",
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
  STEADY_STATE_FLAG,
  { group: "Output", name: "out", value: "DIR", help: "output folder", default: "runs" },
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
    help: "run label, used in file names",
    default: "bench",
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
    throw flagError("--traces", "embedded, none, jaeger=URL, jaeger-v3=URL or tempo=URL", text);
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
    throw flagError(flag, "an http(s) URL", text);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw flagError(flag, "an http(s) URL", text);
  }
  return text.replace(/\/+$/, "");
}

function parsePort(flag: string, text: string | undefined, fallback: number | null): number | null {
  if (text === undefined) return fallback;
  if (text === "off") return null;
  const port = parseInteger(flag, text, 0);
  if (port > 65535) throw flagError(flag, "a port in 0..65535 (or off)", text);
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
  const flags = parseFlags(FLAGS, argv);
  const compared = flags.has("compare") ? flags.all("compare") : undefined;
  const alien = compared
    ? FLAGS.map((f) => f.name).filter((n) => flags.has(n) && !COMPARE_FLAGS.includes(n))
    : [];
  if (alien.length > 0) {
    throw new UsageError(`--compare takes only --slo and --seed, not --${alien[0]}`);
  }
  const get = flags.given;
  const has = flags.has;
  /** The given value or the table's default. */
  const value = (name: string) => flags.get(name)!;

  const simulate = has("simulate");
  if (simulate && has("url")) {
    throw new UsageError("--simulate starts its own server; give --url or --simulate, not both");
  }
  if (has("sim-reasoning-tokens") && !simulate) {
    throw new UsageError("--sim-reasoning-tokens sets the simulator: it needs --simulate");
  }
  const endpointText = value("endpoint");
  if (endpointText !== "chat" && endpointText !== "completions") {
    throw flagError("--endpoint", "chat or completions", endpointText);
  }
  const dataset = value("dataset");
  if (
    dataset !== "random" && dataset !== "sharegpt" && dataset !== "jsonl" && dataset !== "trace" &&
    dataset !== "conversations"
  ) {
    throw flagError("--dataset", "random, sharegpt, jsonl, trace or conversations", dataset);
  }
  const datasetPath = get("dataset-path") ?? null;
  if (dataset !== "random" && dataset !== "conversations" && datasetPath === null) {
    throw new UsageError(`--dataset ${dataset} needs --dataset-path FILE`);
  }
  if (dataset === "random" && datasetPath !== null) {
    throw new UsageError(`--dataset-path is for --dataset sharegpt, jsonl or trace, not random`);
  }
  for (const name of ["input-tokens", "range-ratio", "prefix-tokens", "prefix-groups"]) {
    const generated = dataset === "conversations" && datasetPath === null;
    if (has(name) && dataset !== "random" && !(name === "input-tokens" && generated)) {
      throw new UsageError(`--${name} applies to --dataset random only`);
    }
  }

  checkTraceFlags(dataset, has);

  const durationS = has("duration") ? parseNumber("--duration", get("duration")!, 0) : null;
  if (durationS === 0) throw flagError("--duration", "a number > 0", get("duration")!);
  const requests = has("requests")
    ? parseInteger("--requests", get("requests")!, 1)
    : durationS === null && dataset !== "trace" // a trace's own length bounds its replay
    ? 100
    : null;

  const shard = has("shard") ? parseShard("--shard", get("shard")!) : null;
  const rangeRatio = parseNumber("--range-ratio", value("range-ratio"));
  if (rangeRatio >= 1) throw flagError("--range-ratio", "in [0, 1)", value("range-ratio"));

  let extraBody: Record<string, unknown> = {};
  if (has("extra-body")) {
    try {
      extraBody = JSON.parse(get("extra-body")!);
    } catch {
      throw flagError("--extra-body", "a JSON object", get("extra-body")!);
    }
    if (extraBody === null || typeof extraBody !== "object" || Array.isArray(extraBody)) {
      throw flagError("--extra-body", "a JSON object", get("extra-body")!);
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

  const label = value("label");
  if (!/^[\w.-]+$/.test(label)) {
    throw flagError("--label", "letters, digits, '.', '_' or '-'", label);
  }
  const runId = get("run-id") ?? null;
  if (runId !== null && !/^[\w.-]+$/.test(runId)) {
    throw flagError("--run-id", "letters, digits, '.', '_' or '-'", runId);
  }

  return {
    help: has("help"),
    url: simulate ? null : checkUrl("--url", value("url")),
    model: get("model") ?? "auto",
    endpoint: endpointText,
    dataset,
    datasetPath,
    timeScale: positive("--time-scale", value("time-scale")),
    ...conversationArgsOf(dataset, get, endpointText),
    inputTokens: inputTokensOf(value("input-tokens")),
    outputTokens: has("output-tokens")
      ? parseInteger("--output-tokens", get("output-tokens")!)
      : 128,
    outputTokensGiven: has("output-tokens"),
    rangeRatio,
    prefixTokens: has("prefix-tokens")
      ? inputTokensOf(get("prefix-tokens")!, "--prefix-tokens")
      : null,
    prefixGroups: prefixGroupsOf(flags),
    ignoreEos: has("ignore-eos"),
    requests,
    durationS,
    concurrencies: has("concurrency")
      ? parseList("--concurrency", get("concurrency")!, (t) => parseInteger("--concurrency", t))
      : [undefined],
    ...searchArgsOf(get), // before the rates and ramps: --rate auto is no list of rates
    rates: isRateAuto(get("rate"))
      ? [undefined]
      : parseList("--rate", value("rate"), (t) => parseRate("--rate", t)),
    burstiness: positive("--burstiness", value("burstiness")),
    ...rampArgsOf(get),
    warmup: parseInteger("--warmup", value("warmup"), 0),
    seed: parseInteger("--seed", value("seed"), 0),
    stream: !has("no-stream"),
    continuousUsage: has("continuous-usage"),
    extraBody,
    traces,
    otlpHost: value("otlp-host"),
    otlpGrpcPort: parsePort("--otlp-grpc-port", get("otlp-grpc-port"), simulate ? 0 : 4317),
    otlpHttpPort: parsePort("--otlp-http-port", get("otlp-http-port"), simulate ? 0 : 4318),
    traceWaitS: traceWaitOf(value("trace-wait")),
    prometheus: !has("no-prometheus"),
    scrapeIntervalS: scrapeIntervalOf(value("scrape-interval")),
    slo: has("slo") ? parseSlo("--slo", get("slo")!) : {},
    percentiles: has("percentiles")
      ? parseList("--percentiles", get("percentiles")!, (t) => {
        const p = parseNumber("--percentiles", t);
        if (p > 100) throw flagError("--percentiles", "percentiles in [0, 100]", t);
        return p;
      })
      : null,
    out: value("out"),
    label,
    metadata: metadataOf(flags.all("metadata")),
    runId,
    ...apiKeyOf(get, env),
    otlpToken,
    simulate,
    simReasoningTokens: parseInteger("--sim-reasoning-tokens", value("sim-reasoning-tokens"), 0),
    shard,
    timeoutS: waitSeconds("--timeout", value("timeout")),
    idleTimeoutS: has("idle-timeout") ? waitSeconds("--idle-timeout", get("idle-timeout")!) : null,
    maxEventChars: has("max-event-chars")
      ? parseInteger("--max-event-chars", get("max-event-chars")!, 1)
      : null,
    jsonl: get("jsonl") ?? null,
    compare: compared ? [compared[0], compared[1]] : null,
  };
}

/** --prefix-groups, which needs --prefix-tokens. */
function prefixGroupsOf(flags: ParsedFlags): number {
  if (flags.has("prefix-groups") && !flags.has("prefix-tokens")) {
    throw new UsageError("--prefix-groups needs --prefix-tokens N");
  }
  return flags.integer("prefix-groups", 1);
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
    throw flagError(flag, `at most ${MAX_WAIT_S} s (about 23 days)`, text);
  }
  return n;
}

function inputTokensOf(text: string, flag = "--input-tokens"): number {
  const n = parseInteger(flag, text);
  if (n > MAX_INPUT_TOKENS) {
    throw flagError(flag, `at most ${MAX_INPUT_TOKENS}`, text);
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
    throw flagError("--trace-wait", `at most ${MAX_WAIT_S} s (about 23 days)`, text);
  }
  return n;
}

function positive(flag: string, text: string): number {
  const n = parseNumber(flag, text, 0);
  if (n === 0) throw flagError(flag, "a number > 0", text);
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
  lines.push(...flagHelp(FLAGS));
  lines.push(
    "",
    "Exit codes: 0 ok; 1 error (e.g. server not reachable for --model auto); 2 bad flags;",
    "            3 a run finished with no successful request; 4 saved, with a warning (e.g. the",
    "            JSONL log could not be written); 130 interrupted (Ctrl-C or SIGTERM; results saved).",
    "Details: docs/CLI.md",
  );
  return lines.join("\n");
}
