/**
 * Command-line flags of `deno task sim` → {@link SimulatorOptions}, parsed by the shared flag
 * parser; the help's defaults are {@link SIMULATOR_DEFAULTS}, the ones the simulator applies.
 *
 * @module
 */
import { type FlagDefinition, flagHelp, parseFlags } from "../cli/flags.ts";
import { SIMULATOR_DEFAULTS as D, type SimulatorOptions } from "./options.ts";

/** A sim flag: where its value goes in {@link SimulatorOptions}, and whether it is a number. */
interface SimFlag extends FlagDefinition {
  /** The option it sets (`faults.x` for a fault). */
  option: string;
  /** Read the value as a number. */
  number?: boolean;
}

/** The flags, in --help order. */
const FLAGS: readonly SimFlag[] = [
  {
    name: "host",
    value: "ADDR",
    help: "interface to bind",
    default: D.hostname,
    option: "hostname",
  },
  {
    name: "port",
    value: "N",
    help: "port (0 = a free port)",
    default: "8000",
    option: "port",
    number: true,
  },
  { name: "model", value: "NAME", help: "served model name", default: D.model, option: "model" },
  {
    name: "max-num-seqs",
    value: "N",
    help: "max running sequences",
    default: String(D.maxNumSeqs),
    option: "maxNumSeqs",
    number: true,
  },
  {
    name: "decode-step-ms",
    value: "MS",
    help: "base engine step time",
    default: String(D.decodeStepMs),
    option: "decodeStepMs",
    number: true,
  },
  {
    name: "decode-step-ms-per-seq",
    value: "MS",
    help: "extra step time per running sequence",
    default: String(D.decodeStepMsPerSeq),
    option: "decodeStepMsPerSeq",
    number: true,
  },
  {
    name: "prefill-ms-per-token",
    value: "MS",
    help: "prefill time per prompt token",
    default: String(D.prefillMsPerToken),
    option: "prefillMsPerToken",
    number: true,
  },
  {
    name: "prefill-base-ms",
    value: "MS",
    help: "fixed prefill time per request",
    default: String(D.prefillBaseMs),
    option: "prefillBaseMs",
    number: true,
  },
  {
    name: "default-max-tokens",
    value: "N",
    help: "max_tokens when the request has none",
    default: String(D.defaultMaxTokens),
    option: "defaultMaxTokens",
    number: true,
  },
  {
    name: "stream-interval",
    value: "N",
    help: "tokens per content chunk",
    default: String(D.streamInterval),
    option: "streamInterval",
    number: true,
  },
  {
    name: "reasoning-tokens",
    value: "N",
    help: "chat: the first N output tokens are reasoning (delta.reasoning)",
    default: String(D.reasoningTokens),
    option: "reasoningTokens",
    number: true,
  },
  {
    name: "max-model-len",
    value: "N",
    help: "context length",
    default: String(D.maxModelLen),
    option: "maxModelLen",
    number: true,
  },
  {
    name: "prefix-cache-blocks",
    value: "N",
    help: "16-token blocks kept for prefix caching (0 = off)",
    default: String(D.prefixCacheBlocks),
    option: "prefixCacheBlocks",
    number: true,
  },
  {
    name: "kv-cache-blocks",
    value: "N",
    help: "KV-cache size in 16-token blocks (full → preemption)",
    default: String(D.kvCacheBlocks),
    option: "kvCacheBlocks",
    number: true,
  },
  {
    name: "early-stop-rate",
    value: "P",
    help: 'chance of an early "stop" without ignore_eos',
    default: String(D.earlyStopRate),
    option: "earlyStopRate",
    number: true,
  },
  {
    name: "frontend-overhead-ms",
    value: "MS",
    help: "simulated tokenization + IPC time",
    default: String(D.frontendOverheadMs),
    option: "frontendOverheadMs",
    number: true,
  },
  {
    name: "otlp-endpoint",
    value: "URL",
    help: "e.g. http://127.0.0.1:4317 (grpc) or http://127.0.0.1:4318/v1/traces",
    option: "otlpEndpoint",
  },
  {
    name: "otlp-protocol",
    value: "grpc|http/protobuf",
    help: "OTLP protocol",
    default: D.otlpProtocol,
    option: "otlpProtocol",
  },
  {
    name: "export-delay-ms",
    value: "MS",
    help: "span batch delay",
    default: String(D.exportDelayMs),
    option: "exportDelayMs",
    number: true,
  },
  {
    name: "service-name",
    value: "NAME",
    help: "resource service.name",
    default: D.serviceName,
    option: "serviceName",
  },
  {
    name: "api-key",
    value: "KEY",
    help: 'require "Authorization: Bearer <key>" on /v1/*',
    option: "apiKey",
  },
  {
    name: "seed",
    value: "N",
    help: "RNG seed",
    default: String(D.seed),
    option: "seed",
    number: true,
  },
  {
    name: "max-body-bytes",
    value: "N",
    help: "request body limit",
    default: String(D.maxBodyBytes),
    option: "maxBodyBytes",
    number: true,
  },
  {
    name: "fault-http500-rate",
    value: "P",
    help: "share of requests answered with HTTP 500",
    option: "faults.http500Rate",
    number: true,
  },
  {
    name: "fault-stream-error-rate",
    value: "P",
    help: "share of streams ending in an error event",
    option: "faults.streamErrorRate",
    number: true,
  },
  {
    name: "fault-cut-rate",
    value: "P",
    help: "share of streams cut without [DONE]",
    option: "faults.cutRate",
    number: true,
  },
  {
    name: "fault-stall-rate",
    value: "P",
    help: "share of streams stalled after the first chunk",
    option: "faults.stallRate",
    number: true,
  },
  {
    name: "fault-stall-ms",
    value: "MS",
    help: "stall length",
    default: String(D.stallMs),
    option: "faults.stallMs",
    number: true,
  },
  { name: "help", help: "show this text", option: "" },
];

/** `--help` text, generated from the flag table. */
export const SIM_USAGE = [
  "Usage: deno task sim [flags]",
  "",
  "Starts the vLLM simulator (OpenAI-compatible API on loopback) and prints its URL.",
  "Stop it with Ctrl-C.",
  "",
  "Flags:",
  ...flagHelp(FLAGS),
  "",
  'Per-request faults: send the header "x-sim-fault: http500|http400|http404|stream_error|cut|stall"',
  '(and "x-sim-stall-ms: <ms>" for stalls).',
].join("\n");

/**
 * Parses the flags (`--flag value` or `--flag=value`) into the options given (plus the port,
 * which defaults to 8000 like vLLM; the simulator applies the other defaults). Returns `"help"`
 * for `--help` or `-h`; throws a UsageError naming an unknown flag or a bad value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSimArgs } from "./cli_args.ts";
 * assert.deepEqual(parseSimArgs(["--port", "0", "--max-num-seqs=4"]), { port: 0, maxNumSeqs: 4 });
 * ```
 */
export function parseSimArgs(args: string[]): SimulatorOptions | "help" {
  const flags = parseFlags(FLAGS, args, { shortHelp: true });
  if (flags.has("help")) return "help";
  const options: Record<string, unknown> = {};
  const faults: Record<string, unknown> = {};
  for (const flag of FLAGS) {
    if (!flags.has(flag.name) && flag.name !== "port") continue;
    const value = flag.number ? flags.number(flag.name, -Infinity) : flags.get(flag.name);
    if (flag.option.startsWith("faults.")) faults[flag.option.slice("faults.".length)] = value;
    else if (flag.option !== "") options[flag.option] = value;
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  return options as SimulatorOptions;
}
