/**
 * perf:enrich's waiting measurement (issue 11): how long after the last span becomes visible
 * does `deno task bench ... --traces <backend>=URL --trace-wait 15` end?
 *
 * Set-up, all on loopback, each part its own process: a trace store that shows each span 2 s
 * after it arrived (perf/_late_store.ts: Jaeger v1, Jaeger api_v3 or Tempo query API; before
 * its first span is visible it knows no service), the vLLM simulator exporting its spans to the
 * store over OTLP/HTTP protobuf 0.5 s after each request (`--export-delay-ms 500`), and the
 * bench CLI as a user runs it. Measured: bench's exit time minus the time the last span became
 * visible in the store (arrival + 2 s), and minus the end of the run's last request.
 *
 * With `baselineDir`, the same runs are made with the bench of another checkout (the code
 * before the change), for a baseline in the same session. With `jaegerBinary`, `jaeger=` and
 * `jaeger-v3=` are also run against the real Jaeger v2 (memory storage, the e2e tests' config),
 * where the visibility time is not known: only "exit − last request's end" is.
 *
 * @module
 */
import { type Ready, spawnReady } from "./_child.ts";
import { join } from "node:path";
import { fmt } from "./_machine.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** One bench run against a store. */
export interface WaitResult {
  backend: string;
  /** Which store: the late mock or the real Jaeger. */
  store: string;
  code: string;
  /** Bench wall time, s. */
  bench_s: number;
  /** Bench exit − the run's last request's end (meta.ended_ms), s. */
  after_run_s: number;
  /** Bench exit − last span visible, s (NaN when not known). */
  after_visible_s: number;
  /** Join line printed (enrich returned) − last span visible, s (NaN when not known). */
  joined_after_visible_s: number;
  /** The bench's "server spans joined" line. */
  joined: string;
  /** Query API calls the store answered (NaN when not known). */
  calls: number;
}

/** Options of {@link measureWaits}. */
export interface WaitOptions {
  requests: number;
  reps: number;
  visibleAfterMs: number;
  traceWaitS: number;
  /** Root of another checkout whose bench is run as the baseline (null: none). */
  baselineDir: string | null;
  /** A real Jaeger v2 binary: also run jaeger= and jaeger-v3= against it (null: not). */
  jaegerBinary: string | null;
}

/** Where the spans go and are looked up. */
interface Store {
  name: string;
  queryUrl: string;
  otlpHttpEndpoint: string;
  /** Stops the store; its last span's visibility time (epoch ms) and API calls, when known. */
  close(): Promise<{ lastVisibleMs: number; calls: number }>;
}

/** The late store of perf/_late_store.ts, in its own process. */
async function lateStore(backend: string, visibleAfterMs: number): Promise<Store> {
  const store = await spawnReady(
    [join(ROOT, "perf/_late_store.ts"), backend, String(visibleAfterMs)],
    { cwd: ROOT, stderr: "null" },
  );
  const url = /^READY (\S+)/.exec(store.first)![1];
  return {
    name: `mock, spans visible ${visibleAfterMs / 1000} s after arrival`,
    queryUrl: url,
    otlpHttpEndpoint: `${url}/v1/traces`,
    async close() {
      await store.child.stdin.close();
      const stats = JSON.parse(/STATS (.*)/.exec(await store.rest)![1]);
      await store.child.status;
      return { lastVisibleMs: stats.last_visible_ms, calls: stats.calls };
    },
  };
}

/** The real Jaeger v2 (memory storage) with the e2e tests' config, on free loopback ports. */
async function realJaeger(binary: string): Promise<Store> {
  const listeners = Array.from(
    { length: 4 },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const [grpc, http, query, queryGrpc] = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const listener of listeners) listener.close();
  const child = new Deno.Command(binary, {
    args: ["--config", join(ROOT, "tests/e2e/jaeger/config.yaml")],
    env: {
      JAEGER_OTLP_GRPC_PORT: String(grpc),
      JAEGER_OTLP_HTTP_PORT: String(http),
      JAEGER_QUERY_HTTP_PORT: String(query),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
    },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const queryUrl = `http://127.0.0.1:${query}`;
  for (let tries = 0;; tries++) {
    const ok = await fetch(`${queryUrl}/api/v3/services`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }).catch(() => false);
    if (ok) break;
    if (tries > 300) {
      child.kill("SIGTERM");
      await child.status;
      throw new Error("the real Jaeger did not start within 30 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name: "real Jaeger v2, memory storage",
    queryUrl,
    otlpHttpEndpoint: `http://127.0.0.1:${http}/v1/traces`,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      return { lastVisibleMs: NaN, calls: NaN };
    },
  };
}

/** Runs bench to its exit; returns its stdout and when it printed the join line and exited. */
async function timedBench(args: string[], cwd: string) {
  const started = Date.now();
  const bench = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(cwd, "src/cli/bench.ts"), ...args],
    cwd,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // The join line is printed when enrich returned.
  let stdout = "";
  let joinedAt = NaN;
  for await (const piece of bench.stdout.pipeThrough(new TextDecoderStream())) {
    stdout += piece;
    if (Number.isNaN(joinedAt) && stdout.includes("server spans joined")) joinedAt = Date.now();
  }
  const status = await bench.status;
  const ended = Date.now();
  if (!status.success) throw new Error(`bench failed (${status.code}): ${stdout.slice(-500)}`);
  return { stdout, started, joinedAt, ended };
}

/** One bench run: store and simulator started fresh, bench timed to its exit. */
async function oneRun(
  backend: string,
  code: { name: string; dir: string },
  options: WaitOptions,
  real: boolean,
): Promise<WaitResult> {
  const store = real
    ? await realJaeger(options.jaegerBinary!)
    : await lateStore(backend, options.visibleAfterMs);
  let closed: { lastVisibleMs: number; calls: number } | null = null;
  const out = await Deno.makeTempDir({ prefix: "perf_wait_" });
  let sim: Ready | null = null;
  try {
    sim = await spawnReady(
      [
        join(ROOT, "src/sim/main.ts"),
        "--port",
        "0",
        "--otlp-endpoint",
        store.otlpHttpEndpoint,
        "--otlp-protocol",
        "http/protobuf",
        "--export-delay-ms",
        "500",
        "--service-name",
        "vllm-server",
      ],
      { cwd: ROOT, stdin: "null", stderr: "null" },
    );
    const bench = await timedBench([
      "--url",
      sim.first.trim(),
      "--traces",
      `${backend}=${store.queryUrl}`,
      "--trace-wait",
      String(options.traceWaitS),
      "--requests",
      String(options.requests),
      "--concurrency",
      "8",
      "--input-tokens",
      "64",
      "--output-tokens",
      "32",
      "--out",
      out,
    ], code.dir);
    closed = await store.close();
    const runFile = [...Deno.readDirSync(out)].find((e) => e.name.endsWith(".json"))!.name;
    const runEndedMs = JSON.parse(await Deno.readTextFile(join(out, runFile))).meta.ended_ms;
    return {
      backend,
      store: store.name,
      code: code.name,
      bench_s: (bench.ended - bench.started) / 1000,
      after_run_s: (bench.ended - runEndedMs) / 1000,
      after_visible_s: (bench.ended - closed.lastVisibleMs) / 1000,
      joined_after_visible_s: (bench.joinedAt - closed.lastVisibleMs) / 1000,
      joined: /server spans joined: .*/.exec(bench.stdout)?.[0] ?? "(no join line)",
      calls: closed.calls,
    };
  } finally {
    if (sim !== null) {
      sim.child.kill("SIGTERM");
      await sim.child.status;
    }
    if (closed === null) await store.close();
    await Deno.remove(out, { recursive: true });
  }
}

/** Runs every store × code version `reps` times; returns the results in run order. */
export async function measureWaits(options: WaitOptions): Promise<WaitResult[]> {
  const codes = [
    { name: "this checkout", dir: ROOT },
    ...(options.baselineDir ? [{ name: "baseline", dir: options.baselineDir }] : []),
  ];
  const stores = [
    ...["jaeger", "jaeger-v3", "tempo"].map((backend) => ({ backend, real: false })),
    ...(options.jaegerBinary
      ? ["jaeger", "jaeger-v3"].map((backend) => ({ backend, real: true }))
      : []),
  ];
  const results: WaitResult[] = [];
  for (const { backend, real } of stores) {
    for (const code of codes) {
      for (let rep = 0; rep < options.reps; rep++) {
        results.push(await oneRun(backend, code, options, real));
      }
    }
  }
  return results;
}

/** The results as a Markdown table. */
export function waitTable(results: WaitResult[]): string {
  const lines = [
    "| --traces | store | code | bench wall s | bench exit − last request's end, s | enrich returned − last span visible, s | bench exit − last span visible, s | joined | store API calls |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const cells = [
      `${r.backend}=`,
      r.store,
      r.code,
      fmt(r.bench_s, 2),
      fmt(r.after_run_s, 2),
      fmt(r.joined_after_visible_s, 2),
      fmt(r.after_visible_s, 2),
      r.joined.replace(/^server spans joined: /, ""),
      Number.isNaN(r.calls) ? "—" : String(r.calls),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
