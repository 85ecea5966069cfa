/**
 * Where the real parts of the end-to-end tests live once `tests/e2e/setup.sh` has installed
 * them, and small helpers to run them. Paths are derived exactly as setup.sh derives them
 * (cache folder + a hash of the files that pin the part), so a changed pin means a new install.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Folder of the e2e tests. */
export const E2E_DIR = fileURLToPath(new URL("./", import.meta.url));

/** The cache of installed parts: `$VLLM_METRICS_CACHE`, default `~/.cache/vllm-metrics`. */
export function cacheDir(): string {
  const explicit = Deno.env.get("VLLM_METRICS_CACHE");
  if (explicit) return explicit;
  const home = Deno.env.get("HOME");
  if (!home) throw new Error("neither VLLM_METRICS_CACHE nor HOME is set");
  return `${home}/.cache/vllm-metrics`;
}

/** First 12 hex chars of the SHA-256 of the files' bytes, concatenated (setup.sh: `short_hash`). */
export async function shortHash(files: string[]): Promise<string> {
  const parts = files.map((file) => Deno.readFileSync(file));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 12);
}

/** Throws an error naming the missing part and how to install it. */
function requireFile(path: string, what: string): string {
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(`${what} not found at ${path}: run \`deno task e2e\` (tests/e2e/setup.sh)`);
  }
  return path;
}

/** The Python of the venv holding vLLM's OpenTelemetry packages (python/requirements.txt). */
export async function otelPython(): Promise<string> {
  const hash = await shortHash([`${E2E_DIR}python/requirements.txt`]);
  return requireFile(`${cacheDir()}/venv-otel-${hash}/bin/python`, "the OpenTelemetry venv");
}

/** The Python of the venv holding numpy (numpy/requirements.txt), the independent bootstrap. */
export async function numpyPython(): Promise<string> {
  const hash = await shortHash([`${E2E_DIR}numpy/requirements.txt`]);
  return requireFile(`${cacheDir()}/venv-numpy-${hash}/bin/python`, "the numpy venv");
}

/** The Jaeger binary built from jaeger/go.mod + go.sum. */
export async function jaegerBinary(): Promise<string> {
  const hash = await shortHash([`${E2E_DIR}jaeger/go.mod`, `${E2E_DIR}jaeger/go.sum`]);
  return requireFile(`${cacheDir()}/bin/jaeger-${hash}`, "the Jaeger binary");
}

/**
 * Free loopback TCP ports, for a server that cannot bind port 0 itself (Jaeger reads its ports
 * from its config). Each is bound and released; all are held until every one is picked, so they
 * differ.
 */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const listener of listeners) listener.close();
  return ports;
}

/** Polls `check` every 100 ms until it returns true; throws `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
