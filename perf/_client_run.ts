/**
 * One client under test, in its own process (started by perf/client.ts):
 * `collect` (undici) or a minimal baseline (Deno's fetch + the project's SSE parser), N streams
 * in a closed loop against a simulator in another process.
 *
 * `deno run -A perf/_client_run.ts '<ClientRunConfig as JSON>'` writes a {@link ClientRunResult}
 * as JSON to `config.out`. Its own CPU (process.cpuUsage) covers the whole client run, warmup
 * included; `chunks_total` counts every content chunk received, warmup included, so CPU per chunk
 * is exact.
 *
 * @module
 */
import process from "node:process";
import { collect } from "../src/collect/collect.ts";
import { prepareBody } from "../src/collect/body.ts";
import { SseParser } from "../src/collect/sse.ts";
import type { RequestSpec } from "../src/types.ts";
import { nowMs } from "../src/util/clock.ts";
import { startLocalReceiver } from "./_trace_receiver.ts";

/** What to run. */
export interface ClientRunConfig {
  impl: "collect" | "fetch" | "raw";
  /** Simulator base URL. */
  url: string;
  /** The simulator process's `GET /now` (for the clock-anchor ping), or null. */
  clockUrl: string | null;
  /** Concurrent streams (closed loop). */
  streams: number;
  /** Measured requests (warmup excluded). */
  requests: number;
  /** Warmup requests sent first (ids start with `warmup-`). */
  warmup: number;
  maxTokens: number;
  /** Where to write the result JSON. */
  out: string;
  /** Keep chunk times in the result. */
  keepChunks: boolean;
  /** A span receiver to run in this process on 127.0.0.1:grpcPort during the run. */
  receiver?: { mode: "embedded" | "inthread"; grpcPort: number };
}

/** One measured request as the client saw it. */
export interface ClientRecord {
  request_id: string;
  success: boolean;
  start_ms: number;
  /** Content chunk arrival, ms since start_ms. */
  chunk_times_ms: number[];
}

/** What one client run measured. */
export interface ClientRunResult {
  impl: string;
  records: ClientRecord[];
  failed: number;
  /** CPU seconds (user, system) of this process over the whole client run. */
  cpu_user_s: number;
  cpu_system_s: number;
  /** Wall time of the whole client run (warmup included), s. */
  wall_s: number;
  /** Wall time of the measured part, s (collect: from meta.started_ms). */
  measured_s: number;
  /** Content chunks received, warmup included. */
  chunks_total: number;
  /** Content chunks of measured requests. */
  chunks_measured: number;
  /** Clock anchoring vs the simulator process, before and after the run. */
  clock: { before: ClockProbe | null; after: ClockProbe | null };
  /** Spans the in-process receiver accepted (null without one). */
  spans_received: number | null;
}

/** Result of pinging the other process's nowMs(): offset = theirs − ours at the midpoint. */
export interface ClockProbe {
  /** Offset of the sample with the smallest round trip, ms. */
  offset_ms: number;
  /** That sample's round trip, ms (the offset is known to ± rtt/2). */
  rtt_ms: number;
  /** Median offset over all samples, ms. */
  median_offset_ms: number;
  samples: number;
}

/** Pings `clockUrl` n times and keeps the offset of the tightest round trip. */
export async function probeClock(clockUrl: string, n = 200): Promise<ClockProbe> {
  const samples: { offset: number; rtt: number }[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = nowMs();
    const response = await fetch(clockUrl);
    const theirs = Number(await response.text());
    const t1 = nowMs();
    samples.push({ offset: theirs - (t0 + t1) / 2, rtt: t1 - t0 });
  }
  samples.sort((a, b) => a.rtt - b.rtt);
  const offsets = samples.map((s) => s.offset).sort((a, b) => a - b);
  return {
    offset_ms: samples[0].offset,
    rtt_ms: samples[0].rtt,
    median_offset_ms: offsets[Math.floor(offsets.length / 2)],
    samples: n,
  };
}

const SPEC: (maxTokens: number) => RequestSpec = (maxTokens) => ({
  messages: [{ role: "user", content: "Say something long." }],
  max_tokens: maxTokens,
  params: { ignore_eos: true },
});

/** The baseline client: Deno fetch + SseParser, timing each body piece before parsing it. */
async function fetchOne(
  url: string,
  body: string,
  requestId: string,
): Promise<ClientRecord> {
  const start = nowMs();
  const times: number[] = [];
  let pieceAt = 0;
  let done = false;
  const parser = new SseParser({
    onEvent(data) {
      if (data === "[DONE]") {
        done = true;
        return;
      }
      const message = JSON.parse(data);
      const choice = message.choices?.[0];
      if (choice === undefined) return;
      const content = choice.delta?.content ?? choice.text;
      if (typeof content === "string" && content !== "") times.push(pieceAt);
    },
  });
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        "x-request-id": requestId,
      },
      body,
    });
    const reader = response.body!.getReader();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      pieceAt = nowMs() - start;
      parser.feed(value);
    }
    parser.end();
  } catch {
    done = false;
  }
  return { request_id: requestId, success: done, start_ms: start, chunk_times_ms: times };
}

const MARKER = '"delta":{"content":"';
const DONE_MARKER = "data: [DONE]";
const END_MARKER = "\r\n0\r\n\r\n";

/**
 * The floor: a raw TCP reader (HTTP/1.1 by hand, keep-alive, no HTTP parser, no JSON). A content
 * chunk is counted where the text `"delta":{"content":"` appears; the time of the read that
 * completed it is its arrival. What remains of the lag is the server's write path and the kernel.
 */
async function rawLoop(
  host: string,
  port: number,
  body: string,
  ids: () => string | null,
  onRecord: (r: ClientRecord) => void,
) {
  const conn = await Deno.connect({ hostname: host, port });
  conn.setNoDelay(true);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const buf = new Uint8Array(65536);
  const bodyBytes = encoder.encode(body);
  try {
    for (let id = ids(); id !== null; id = ids()) {
      const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: ${host}:${port}\r\n` +
        `content-type: application/json\r\naccept: text/event-stream\r\nx-request-id: ${id}\r\n` +
        `content-length: ${bodyBytes.length}\r\n\r\n`;
      const start = nowMs();
      const times: number[] = [];
      await conn.write(encoder.encode(head + body));
      let text = "";
      let scanned = 0;
      let done = false;
      let sawDone = false;
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        const at = nowMs() - start;
        text += decoder.decode(buf.subarray(0, n), { stream: true });
        for (let i = text.indexOf(MARKER, scanned); i >= 0; i = text.indexOf(MARKER, i + 1)) {
          times.push(at);
          scanned = i + 1;
        }
        sawDone ||= text.includes(DONE_MARKER);
        if (sawDone && text.endsWith(END_MARKER)) {
          done = true;
          break;
        }
        // keep only a tail that may hold a split marker
        if (text.length > 4096) {
          const keep = Math.max(0, text.length - 64);
          text = text.slice(keep);
          scanned = Math.max(0, scanned - keep);
        }
      }
      onRecord({ request_id: id, success: done, start_ms: start, chunk_times_ms: times });
      if (!done) break;
    }
  } finally {
    conn.close();
  }
}

async function runRaw(config: ClientRunConfig, onDone: () => void) {
  const { hostname, port } = new URL(config.url);
  const models = await (await fetch(`${config.url}/v1/models`)).json();
  const body = prepareBody(SPEC(config.maxTokens), {
    endpoint: "chat",
    model: models.data[0].id as string,
    stream: true,
    continuousUsage: false,
    params: {},
  }).text;
  const pool = async (n: number, prefix: string, keep: boolean) => {
    const records: ClientRecord[] = [];
    let next = 0;
    let chunks = 0;
    const ids = () => (next < n ? prefix + next++ : null);
    await Promise.all(
      Array.from(
        { length: Math.min(config.streams, n) },
        () =>
          rawLoop(hostname, Number(port), body, ids, (record) => {
            chunks += record.chunk_times_ms.length;
            if (keep) {
              records.push(record);
              onDone();
            }
          }),
      ),
    );
    return { records, chunks };
  };
  return await warmThenMeasure(config, pool, "raw-");
}

async function runFetch(config: ClientRunConfig, onDone: () => void) {
  const url = `${config.url}/v1/chat/completions`;
  const models = await (await fetch(`${config.url}/v1/models`)).json();
  const model = models.data[0].id as string;
  const body = prepareBody(SPEC(config.maxTokens), {
    endpoint: "chat",
    model,
    stream: true,
    continuousUsage: false,
    params: {},
  }).text;
  const pool = async (n: number, prefix: string, keep: boolean) => {
    const records: ClientRecord[] = [];
    let next = 0;
    let chunks = 0;
    await Promise.all(
      Array.from({ length: Math.min(config.streams, n) }, async () => {
        while (next < n) {
          const i = next++;
          const record = await fetchOne(url, body, prefix + i);
          chunks += record.chunk_times_ms.length;
          if (keep) {
            if (!config.keepChunks) record.chunk_times_ms = [];
            records.push(record);
            onDone();
          }
        }
      }),
    );
    return { records, chunks };
  };
  return await warmThenMeasure(config, pool, "fb-");
}

/**
 * Runs `pool` for the warmup requests (not kept) and then for the measured ones, timing only the
 * latter; chunk counts of both.
 */
async function warmThenMeasure<R>(
  config: ClientRunConfig,
  pool: (count: number, prefix: string, keep: boolean) => Promise<{ records: R[]; chunks: number }>,
  prefix: string,
) {
  const warm = await pool(config.warmup, `warmup-${prefix}`, false);
  const measuredStart = nowMs();
  const measured = await pool(config.requests, prefix, true);
  return {
    records: measured.records,
    chunksTotal: warm.chunks + measured.chunks,
    chunksMeasured: measured.chunks,
    measuredS: (nowMs() - measuredStart) / 1000,
  };
}

async function runCollect(config: ClientRunConfig, onDone: () => void) {
  let chunksMeasured = 0;
  const run = await collect({
    url: config.url,
    requests: (function* () {
      for (;;) yield SPEC(config.maxTokens);
    })(),
    count: config.requests,
    concurrency: config.streams,
    warmup: config.warmup,
    requestIdPrefix: "c-",
    onRecord: (r) => {
      chunksMeasured += r.chunk_times_ms.length;
      onDone();
    },
  });
  const records: ClientRecord[] = run.requests.map((r) => ({
    request_id: r.request_id,
    success: r.success,
    start_ms: r.start_ms,
    chunk_times_ms: config.keepChunks ? r.chunk_times_ms : [],
  }));
  // Warmup requests are the first spec, warmup times: same number of chunks when they succeed.
  return {
    records,
    chunksTotal: chunksMeasured + config.warmup * config.maxTokens,
    chunksMeasured,
    measuredS: run.meta.duration_ms / 1000,
  };
}

async function main() {
  const config = JSON.parse(Deno.args[0]) as ClientRunConfig;
  const receiver = config.receiver
    ? await startLocalReceiver(config.receiver.mode, config.receiver.grpcPort)
    : null;
  const before = config.clockUrl ? await probeClock(config.clockUrl) : null;
  const cpu0 = process.cpuUsage();
  const started = nowMs();
  const noop = () => {};
  const outcome = config.impl === "collect"
    ? await runCollect(config, noop)
    : config.impl === "raw"
    ? await runRaw(config, noop)
    : await runFetch(config, noop);
  const wall = (nowMs() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = config.clockUrl ? await probeClock(config.clockUrl) : null;
  const result: ClientRunResult = {
    impl: config.impl,
    records: outcome.records,
    failed: outcome.records.filter((r) => !r.success).length,
    cpu_user_s: cpu.user / 1e6,
    cpu_system_s: cpu.system / 1e6,
    wall_s: wall,
    measured_s: outcome.measuredS,
    chunks_total: outcome.chunksTotal,
    chunks_measured: outcome.chunksMeasured,
    clock: { before, after },
    spans_received: receiver?.acceptedSpans() ?? null,
  };
  await Deno.writeTextFile(config.out, JSON.stringify(result));
  // The receiver is not closed: its graceful shutdown sends the simulator's gRPC exporter a
  // GOAWAY, which has crashed the simulator process (Deno 2.9.6: nghttp2 assertion
  // `stream->closed_next == NULL` in find_stream_on_goaway_func). Exiting just drops the socket.
  if (receiver !== null) Deno.exit(0);
}

if (import.meta.main) await main();
