/**
 * Starts the real Jaeger v2 (built by setup.sh beside this file) all-in-one with memory storage
 * on free loopback ports (config.yaml), and stops it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { freePorts, jaegerBinary, waitUntil } from "../_parts.ts";

const CONFIG = fileURLToPath(new URL("./config.yaml", import.meta.url));

/** A running Jaeger. */
export interface RunningJaeger {
  /** Query service base URL (v1 `/api/...` and api_v3 `/api/v3/...`), e.g. http://127.0.0.1:N. */
  queryUrl: string;
  /** OTLP/gRPC endpoint for an exporter, e.g. http://127.0.0.1:N. */
  otlpGrpcEndpoint: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:N/v1/traces. */
  otlpHttpEndpoint: string;
  /** Jaeger's own log so far (stdout and stderr). */
  log(): Promise<string>;
  /** Stops Jaeger (SIGTERM, then SIGKILL after 5 s) and removes its log. */
  close(): Promise<void>;
}

/** Starts Jaeger and resolves once its query service answers; throws with its log if not in 30 s. */
export async function startJaeger(): Promise<RunningJaeger> {
  const [otlpGrpc, otlpHttp, queryHttp, queryGrpc] = freePorts(4);
  const logFile = await Deno.makeTempFile({ prefix: "jaeger-e2e-", suffix: ".log" });
  const out = await Deno.open(logFile, { write: true });
  const child = new Deno.Command(await jaegerBinary(), {
    args: ["--config", CONFIG],
    env: {
      JAEGER_OTLP_GRPC_PORT: String(otlpGrpc),
      JAEGER_OTLP_HTTP_PORT: String(otlpHttp),
      JAEGER_QUERY_HTTP_PORT: String(queryHttp),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Both streams into one log file, written as they come.
  const copied = Promise.all([child.stdout, child.stderr].map((stream) =>
    stream.pipeTo(
      new WritableStream({ write: (chunk) => out.write(chunk).then(() => {}) }),
    ).catch(() => {})
  ));
  const log = () => Deno.readTextFile(logFile).catch(() => "");
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* exited meanwhile */ }
    }, 5000);
    await child.status;
    clearTimeout(killer);
    await copied;
    out.close();
    await Deno.remove(logFile).catch(() => {});
  };
  const queryUrl = `http://127.0.0.1:${queryHttp}`;
  try {
    await waitUntil(
      async () => {
        const response = await fetch(`${queryUrl}/api/services`);
        await response.body?.cancel();
        return response.ok;
      },
      30_000,
      `Jaeger's query service at ${queryUrl}`,
    );
  } catch (error) {
    const text = await log();
    await close();
    throw new Error(`${(error as Error).message}; Jaeger log:\n${text.slice(-3000)}`);
  }
  return {
    queryUrl,
    otlpGrpcEndpoint: `http://127.0.0.1:${otlpGrpc}`,
    otlpHttpEndpoint: `http://127.0.0.1:${otlpHttp}/v1/traces`,
    log,
    close,
  };
}
