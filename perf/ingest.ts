/**
 * Ingest throughput of the embedded OTLP receiver: spans/s accepted over OTLP/gRPC (plain and
 * gzip) and OTLP/HTTP protobuf, with vLLM-sized `llm_request` spans in batches of 512 (the
 * Python BatchSpanProcessor's default batch). Client and receiver share this process, so the
 * numbers are a lower bound for the receiver alone.
 *
 * Run: `deno run -A perf/ingest.ts [--batches 200] [--batch-size 512] [--concurrency 4]`
 *
 * `--decode-only [--reps 6]`: no receiver and no transport; times the receiver's decode path
 * alone (`decodeExportMessage` + `flattenExportMessage`, src/otlp/proto_spans.ts) over the same
 * pre-encoded batches, in this one thread, per repetition (the first includes JIT warm-up).
 * With `--via-json`: the OTLP/JSON-shaped path instead (`decodeExportRequest` + `flattenSpans`,
 * the receiver's path before 2026-11-28 01:10 UTC).
 *
 * @module
 */
import * as grpc from "../src/deps/grpc_grpc_js.ts";
import { Buffer } from "node:buffer";
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import { decodeExportRequest, encodeExportRequest } from "../src/otlp/protobuf.ts";
import { flattenSpans } from "../src/otlp/spans.ts";
import { decodeExportMessage, flattenExportMessage } from "../src/otlp/proto_spans.ts";
import { startReceiver } from "../src/otlp/receiver.ts";
import { TRACE_EXPORT_METHOD } from "../src/otlp/schema.ts";
import { llmRequestPayload, spanIdOf, traceIdOf } from "../src/otlp/_test_helpers.ts";

/** The flags, in --help order. */
const FLAGS = [
  { name: "batches", value: "N", default: "200", help: "OTLP batches sent" },
  { name: "batch-size", value: "N", default: "512", help: "spans per batch" },
  { name: "concurrency", value: "N", default: "4", help: "exports in flight" },
  { name: "decode-only", help: "no receiver and no transport: time the receiver's decode path" },
  { name: "reps", value: "N", default: "6", help: "--decode-only: repetitions" },
  {
    name: "via-json",
    help: "the OTLP/JSON-shaped path instead (decodeExportRequest + flattenSpans)",
  },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno run -A perf/ingest.ts",
  "perf/ingest.ts: span ingest throughput of the embedded OTLP receiver.",
  FLAGS,
);
const batches = Number(values.batches);
const batchSize = Number(values["batch-size"]);
const concurrency = Number(values.concurrency);
for (
  const [name, value] of [["batches", batches], ["batch-size", batchSize], [
    "concurrency",
    concurrency,
  ]] as const
) {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`--${name} must be a positive integer, got ${value}`);
  }
}

/** Pre-encodes `batches` export requests with distinct trace ids (encoding is not measured). */
function encodeBatches(offset: number): Uint8Array[] {
  return Array.from(
    { length: batches },
    (_, b) =>
      encodeExportRequest(llmRequestPayload(Array.from({ length: batchSize }, (_, i) => {
        const n = offset + b * batchSize + i;
        return { traceId: traceIdOf(n), spanId: spanIdOf(n), parentSpanId: spanIdOf(n + 1) };
      }))),
  );
}

async function runPool(bodies: Uint8Array[], send: (body: Uint8Array) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) await send(bodies[next++]);
  }));
  return (performance.now() - started) / 1000;
}

if (values["decode-only"]) {
  const bodies = encodeBatches(0);
  const rates: number[] = [];
  for (let rep = 0; rep < Number(values.reps); rep++) {
    const started = performance.now();
    let spans = 0;
    if (values["via-json"]) {
      for (const body of bodies) spans += flattenSpans(decodeExportRequest(body)).spans.length;
    } else {
      for (const body of bodies) {
        spans += flattenExportMessage(decodeExportMessage(body)).spans.length;
      }
    }
    rates.push(spans / ((performance.now() - started) / 1000));
  }
  console.log(
    `decode-only: ${batches} batches × ${batchSize} spans, ${
      values["via-json"]
        ? "decodeExportRequest + flattenSpans"
        : "decodeExportMessage + flattenExportMessage"
    }, ` +
      `spans/s per repetition: ${
        rates.map((r) => Math.round(r).toLocaleString("en-US")).join(" / ")
      }`,
  );
  Deno.exit(0);
}

const receiver = await startReceiver({ grpcPort: 0, httpPort: 0, maxSpans: 10_000_000 });
const results: { transport: string; spans: number; seconds: number; bytes_per_batch: number }[] =
  [];
try {
  for (const [index, transport] of ["grpc", "grpc+gzip", "http/protobuf"].entries()) {
    const bodies = encodeBatches(index * batches * batchSize);
    const before = receiver.stats().accepted_spans;
    let seconds: number;
    if (transport.startsWith("grpc")) {
      const client = new grpc.Client(
        `127.0.0.1:${receiver.grpcPort}`,
        grpc.credentials.createInsecure(),
        transport === "grpc+gzip"
          ? { "grpc.default_compression_algorithm": grpc.compressionAlgorithms.gzip }
          : {},
      );
      try {
        seconds = await runPool(
          bodies,
          (body) =>
            new Promise((resolve, reject) =>
              client.makeUnaryRequest(
                TRACE_EXPORT_METHOD,
                (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
                (b: Buffer) => b,
                body,
                new grpc.Metadata(),
                (error) => (error ? reject(error) : resolve()),
              )
            ),
        );
      } finally {
        client.close();
      }
    } else {
      seconds = await runPool(bodies, async (body) => {
        const response = await fetch(receiver.httpEndpoint!, {
          method: "POST",
          headers: { "content-type": "application/x-protobuf" },
          body: body as Uint8Array<ArrayBuffer>,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      });
    }
    const spans = receiver.stats().accepted_spans - before;
    if (spans !== batches * batchSize) throw new Error(`${transport}: ${spans} spans accepted`);
    results.push({ transport, spans, seconds, bytes_per_batch: bodies[0].length });
  }
} finally {
  await receiver.close();
}

console.log(
  `ingest: ${batches} batches × ${batchSize} spans, concurrency ${concurrency}, ` +
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
);
for (const r of results) {
  console.log(
    `${r.transport.padEnd(14)} ${
      Math.round(r.spans / r.seconds).toLocaleString("en-US").padStart(9)
    } spans/s` +
      `  (${r.spans} spans in ${r.seconds.toFixed(2)} s, ${
        (r.bytes_per_batch / 1024).toFixed(0)
      } KiB per batch)`,
  );
}
