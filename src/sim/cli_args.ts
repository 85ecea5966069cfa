/**
 * Command-line flags of `deno task sim` → {@link SimulatorOptions}.
 *
 * @module
 */
import type { SimulatorOptions } from "./options.ts";

/** `--help` text. */
export const SIM_USAGE = `Usage: deno task sim [flags]

Starts the vLLM simulator (OpenAI-compatible API on loopback) and prints its URL.
Stop it with Ctrl-C.

Flags:
  --host <addr>                   interface to bind (default 127.0.0.1)
  --port <n>                      port (default 8000; 0 = a free port)
  --model <name>                  served model name (default sim-llama-3-8b)
  --max-num-seqs <n>              max running sequences (default 256)
  --decode-step-ms <ms>           base engine step time (default 20)
  --decode-step-ms-per-seq <ms>   extra step time per running sequence (default 0.05)
  --prefill-ms-per-token <ms>     prefill time per prompt token (default 0.05)
  --prefill-base-ms <ms>          fixed prefill time per request (default 5)
  --default-max-tokens <n>        max_tokens when the request has none (default 128)
  --stream-interval <n>           tokens per content chunk (default 1)
  --max-model-len <n>             context length (default 8192)
  --prefix-cache-blocks <n>       16-token blocks kept for prefix caching (default 16384, 0 = off)
  --early-stop-rate <p>           chance of an early "stop" without ignore_eos (default 0)
  --frontend-overhead-ms <ms>     simulated tokenization + IPC time (default 2)
  --otlp-endpoint <url>           e.g. http://127.0.0.1:4317 (grpc) or http://127.0.0.1:4318/v1/traces
  --otlp-protocol <p>             grpc (default) or http/protobuf
  --export-delay-ms <ms>          span batch delay (default 5000)
  --service-name <name>           resource service.name (default vllm-sim)
  --api-key <key>                 require "Authorization: Bearer <key>" on /v1/*
  --seed <n>                      RNG seed (default 0)
  --max-body-bytes <n>            request body limit (default 4194304)
  --fault-http500-rate <p>        share of requests answered with HTTP 500
  --fault-stream-error-rate <p>   share of streams ending in an error event
  --fault-cut-rate <p>            share of streams cut without [DONE]
  --fault-stall-rate <p>          share of streams stalled after the first chunk
  --fault-stall-ms <ms>           stall length (default 10000)
  --help                          show this text

Per-request faults: send the header "x-sim-fault: http500|http400|http404|stream_error|cut|stall"
(and "x-sim-stall-ms: <ms>" for stalls).`;

type Setter = (options: SimulatorOptions, value: string, flag: string) => void;

function num(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new TypeError(`${flag} needs a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

const fault = (key: keyof NonNullable<SimulatorOptions["faults"]>): Setter => (o, v, f) => {
  o.faults = { ...o.faults, [key]: num(f, v) };
};

const FLAGS: Record<string, Setter> = {
  "--host": (o, v) => (o.hostname = v),
  "--port": (o, v, f) => (o.port = num(f, v)),
  "--model": (o, v) => (o.model = v),
  "--max-num-seqs": (o, v, f) => (o.maxNumSeqs = num(f, v)),
  "--decode-step-ms": (o, v, f) => (o.decodeStepMs = num(f, v)),
  "--decode-step-ms-per-seq": (o, v, f) => (o.decodeStepMsPerSeq = num(f, v)),
  "--prefill-ms-per-token": (o, v, f) => (o.prefillMsPerToken = num(f, v)),
  "--prefill-base-ms": (o, v, f) => (o.prefillBaseMs = num(f, v)),
  "--default-max-tokens": (o, v, f) => (o.defaultMaxTokens = num(f, v)),
  "--stream-interval": (o, v, f) => (o.streamInterval = num(f, v)),
  "--max-model-len": (o, v, f) => (o.maxModelLen = num(f, v)),
  "--prefix-cache-blocks": (o, v, f) => (o.prefixCacheBlocks = num(f, v)),
  "--kv-cache-blocks": (o, v, f) => (o.kvCacheBlocks = num(f, v)),
  "--early-stop-rate": (o, v, f) => (o.earlyStopRate = num(f, v)),
  "--frontend-overhead-ms": (o, v, f) => (o.frontendOverheadMs = num(f, v)),
  "--otlp-endpoint": (o, v) => (o.otlpEndpoint = v),
  "--otlp-protocol": (o, v) => (o.otlpProtocol = v as SimulatorOptions["otlpProtocol"]),
  "--export-delay-ms": (o, v, f) => (o.exportDelayMs = num(f, v)),
  "--service-name": (o, v) => (o.serviceName = v),
  "--api-key": (o, v) => (o.apiKey = v),
  "--seed": (o, v, f) => (o.seed = num(f, v)),
  "--max-body-bytes": (o, v, f) => (o.maxBodyBytes = num(f, v)),
  "--fault-http500-rate": fault("http500Rate"),
  "--fault-stream-error-rate": fault("streamErrorRate"),
  "--fault-cut-rate": fault("cutRate"),
  "--fault-stall-rate": fault("stallRate"),
  "--fault-stall-ms": fault("stallMs"),
};

/**
 * Parses the flags (`--flag value` or `--flag=value`). Returns `"help"` for `--help`; throws a
 * TypeError naming an unknown flag or a bad value. The port defaults to 8000 like vLLM.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSimArgs } from "./cli_args.ts";
 * assert.deepEqual(parseSimArgs(["--port", "0", "--max-num-seqs=4"]), { port: 0, maxNumSeqs: 4 });
 * ```
 */
export function parseSimArgs(args: string[]): SimulatorOptions | "help" {
  const options: SimulatorOptions = { port: 8000 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return "help";
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const setter = FLAGS[flag];
    if (!setter) throw new TypeError(`unknown flag ${JSON.stringify(flag)} (see --help)`);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new TypeError(`${flag} needs a value`);
      value = args[++i];
    }
    setter(options, value, flag);
  }
  return options;
}
