/**
 * Span exporter in a process of its own, for perf:client's tracing rows against the stand-in
 * server (which exports nothing): every `intervalMs` it sends one OTLP/gRPC export of `batchSize`
 * vLLM-sized `llm_request` spans to `endpoint`, like vLLM's BatchSpanProcessor at a steady request
 * rate. Exports that fail (e.g. the embedded receiver not listening yet) are counted, not retried.
 *
 * `deno run -A perf/_span_feeder.ts '{"endpoint":"http://127.0.0.1:4317","batchSize":250,
 * "intervalMs":5000}'` prints `READY`, exports until its stdin closes, then prints
 * `SENT <exports> FAILED <exports>`.
 *
 * @module
 */
import { encodeExportRequest } from "../src/otlp/protobuf.ts";
import { llmRequestPayload, spanIdOf, traceIdOf } from "../src/otlp/_test_helpers.ts";
import { grpcTransport } from "../src/sim/exporter.ts";
import { type Ready, spawnReady } from "./_child.ts";

/** What to export, and how often. */
export interface FeederJob {
  endpoint: string;
  batchSize: number;
  intervalMs: number;
}

/** The largest export of vLLM's BatchSpanProcessor (`max_export_batch_size`). */
const MAX_BATCH = 512;

/** A running feeder process. */
export class SpanFeeder {
  readonly #ready: Ready;

  private constructor(ready: Ready) {
    this.#ready = ready;
  }

  /**
   * Starts a feeder for `requestsPerS` finished requests a second (one span each): one export
   * every `delayMs`, or of 512 spans as soon as that many are due (the processor's batch limit).
   * `batchSize` instead fixes the spans of every export (one every `delayMs`), to load the
   * receiver harder than the request rate would.
   */
  static async start(
    endpoint: string,
    requestsPerS: number,
    delayMs: number,
    batchSize?: number,
  ): Promise<SpanFeeder> {
    const perDelay = Math.max(1, Math.round(requestsPerS * delayMs / 1000));
    const job: FeederJob = batchSize !== undefined
      ? { endpoint, batchSize, intervalMs: delayMs }
      : perDelay <= MAX_BATCH
      ? { endpoint, batchSize: perDelay, intervalMs: delayMs }
      : { endpoint, batchSize: MAX_BATCH, intervalMs: (MAX_BATCH / requestsPerS) * 1000 };
    const ready = await spawnReady([new URL(import.meta.url).pathname, JSON.stringify(job)]);
    if (ready.first !== "READY") throw new Error(`span feeder said ${JSON.stringify(ready.first)}`);
    return new SpanFeeder(ready);
  }

  /** Stops it; resolves with the exports sent and failed. */
  async close(): Promise<{ sent: number; failed: number }> {
    await this.#ready.child.stdin.close();
    const text = await this.#ready.rest;
    await this.#ready.child.status;
    const match = /SENT (\d+) FAILED (\d+)/.exec(text);
    if (!match) throw new Error(`span feeder said ${JSON.stringify(text)}`);
    return { sent: Number(match[1]), failed: Number(match[2]) };
  }
}

if (import.meta.main) {
  const job = JSON.parse(Deno.args[0]) as FeederJob;
  const transport = grpcTransport(job.endpoint, 10_000);
  let sent = 0;
  let failed = 0;
  let batch = 0;
  const timer = setInterval(() => {
    const first = batch++ * job.batchSize;
    // Encoded per export, as the exporter does, so the feeder's CPU is spent when it exports.
    const body = encodeExportRequest(llmRequestPayload(
      Array.from({ length: job.batchSize }, (_, i) => ({
        traceId: traceIdOf(first + i),
        spanId: spanIdOf(first + i),
      })),
    ));
    transport.send(body).then(() => void sent++, () => void failed++);
  }, job.intervalMs);
  console.log("READY");
  for await (const _ of Deno.stdin.readable) {
    // runs until stdin closes
  }
  clearInterval(timer);
  console.log(`SENT ${sent} FAILED ${failed}`);
  // No transport.close(): a GOAWAY can abort Deno 2.9.6 (denoland/deno#36788); exiting drops it.
  Deno.exit(0);
}
