/**
 * Span receivers for the tracing rows of perf:client (perf/client.ts). Not part of the library.
 *
 * - `embedded`: `startReceiver()` in the client process (listeners and decoding in a Worker).
 * - `inthread`: the pre-Worker arrangement, rebuilt from the receiver's parts for comparison:
 *   the gRPC server, decoding and the SpanStore all on the client's main thread.
 * - `process`: `startReceiver()` in a process of its own (`deno run -A perf/_trace_receiver.ts`
 *   prints `READY <grpc port>`, and `SPANS <accepted>` when its stdin closes).
 *
 * @module
 */
import { startReceiver } from "../src/otlp/receiver.ts";
import { startGrpcServer, stopGrpcServer } from "../src/otlp/grpc.ts";
import { emptyCounters } from "../src/otlp/ingest.ts";
import { SpanStore } from "../src/otlp/store.ts";
import { SPAN_NAME } from "../src/metrics/server.ts";

// The simulator must know the embedded receiver's port before it starts: a free port, released.
export { freePort } from "../tests/e2e/vllm/_vllm_server.ts";

/** Where the simulator's spans go in one perf:client run. */
export type TracingMode = "off" | "embedded" | "inthread" | "process";

/** A receiver started inside the measuring process. */
export interface LocalReceiver {
  /** Spans accepted so far. */
  acceptedSpans(): number;
  close(): Promise<void>;
}

/** Starts an `embedded` or `inthread` receiver on 127.0.0.1:`grpcPort`. */
export async function startLocalReceiver(
  mode: "embedded" | "inthread",
  grpcPort: number,
): Promise<LocalReceiver> {
  if (mode === "embedded") {
    const receiver = await startReceiver({ grpcPort, httpPort: null });
    return { acceptedSpans: () => receiver.stats().accepted_spans, close: () => receiver.close() };
  }
  const context = {
    store: new SpanStore(),
    counters: emptyCounters(),
    maxBodyBytes: 16 * 1024 * 1024,
    spanName: SPAN_NAME,
  };
  const bound = await startGrpcServer("127.0.0.1", grpcPort, context);
  return {
    acceptedSpans: () => context.counters.accepted_spans,
    close: () => stopGrpcServer(bound.server),
  };
}

/** A receiver in a process of its own. */
export class ReceiverProcess {
  readonly port: number;
  readonly #child: Deno.ChildProcess;
  readonly #lines: ReadableStreamDefaultReader<string>;

  private constructor(
    child: Deno.ChildProcess,
    lines: ReadableStreamDefaultReader<string>,
    port: number,
  ) {
    this.#child = child;
    this.#lines = lines;
    this.port = port;
  }

  /** Spawns it and waits for its port. */
  static async start(): Promise<ReceiverProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = (await lines.read()).value ?? "";
    const match = /^READY (\d+)/.exec(first);
    if (!match) throw new Error(`receiver process said ${JSON.stringify(first)}`);
    return new ReceiverProcess(child, lines, Number(match[1]));
  }

  /** Stops it; resolves with the spans it accepted. */
  async close(): Promise<number> {
    await this.#child.stdin.close();
    let text = "";
    for (;;) {
      const { value, done } = await this.#lines.read();
      if (done) break;
      text += value;
    }
    await this.#child.status;
    const match = /SPANS (\d+)/.exec(text);
    if (!match) throw new Error(`receiver process said ${JSON.stringify(text)}`);
    return Number(match[1]);
  }
}

if (import.meta.main) {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  console.log(`READY ${receiver.grpcPort}`);
  for await (const _ of Deno.stdin.readable) {
    // runs until stdin closes
  }
  await receiver.close();
  console.log(`SPANS ${receiver.stats().accepted_spans}`);
}
