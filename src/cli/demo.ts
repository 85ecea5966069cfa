/**
 * `deno task demo`: the main job in one command. Without `--url` it starts the built-in vLLM
 * simulator and the embedded OTLP receiver on loopback, runs a small concurrent benchmark,
 * joins every request to its server span, prints per-request metrics and a summary, and writes
 * the run as JSON and CSV plus an HTML report.
 *
 * Usage: deno task demo [--url http://host:8000] [--requests 48] [--concurrency 8] [--out runs]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { collect } from "../collect/mod.ts";
import { randomDataset } from "../datasets/mod.ts";
import { startSimulator } from "../sim/mod.ts";
import { startReceiver } from "../otlp/mod.ts";
import { enrich } from "../enrich/mod.ts";
import { toTable } from "../table/mod.ts";
import { summarize } from "../summarize/mod.ts";
import { save, timestampedName } from "../io/mod.ts";
import { formatMetrics, formatSummary } from "../display/mod.ts";
import { report } from "../plot/mod.ts";
import type { TraceSource } from "../types.ts";
import { joinedLine } from "./bench_output.ts";

const HELP = `deno task demo — a small benchmark with per-request client and server metrics

  --url URL          a vLLM server (default: start the built-in simulator)
  --requests N       measured requests (default 48)
  --concurrency N    requests in flight (default 8)
  --out DIR          where to write the run (default runs)
  --help             this text

With --url, server metrics need vLLM started with
  --otlp-traces-endpoint http://<this machine>:4317 (see README); the embedded receiver listens
  on 127.0.0.1:4317 unless --otlp-host 0.0.0.0 is given.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      url: { type: "string" },
      requests: { type: "string", default: "48" },
      concurrency: { type: "string", default: "8" },
      out: { type: "string", default: "runs" },
      "otlp-host": { type: "string", default: "127.0.0.1" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const requests = positiveInt(values.requests!, "--requests");
  const concurrency = positiveInt(values.concurrency!, "--concurrency");

  const simulated = values.url === undefined;
  // A real vLLM exports to the well-known port; the simulator gets a free one.
  const receiver = await startReceiver({
    hostname: values["otlp-host"],
    grpcPort: simulated ? 0 : 4317,
    httpPort: simulated ? 0 : 4318,
  });
  const sim = simulated
    ? await startSimulator({
      otlpEndpoint: receiver.grpcEndpoint!,
      // vLLM batches spans for 5 s; the demo shortens that so it finishes quickly.
      exportDelayMs: 500,
    })
    : null;
  const url = sim?.url ?? values.url!;
  try {
    console.log(`benchmarking ${simulated ? `the built-in simulator at ${url}` : url}`);
    console.log(`traces: embedded OTLP receiver at ${receiver.grpcEndpoint} (gRPC)\n`);
    const run = await collect({
      url,
      requests: randomDataset({ inputTokens: 256, outputTokens: 64, rangeRatio: 0.5, seed: 1 }),
      count: requests,
      concurrency,
      warmup: 2,
      label: simulated ? "demo-sim" : "demo",
      onProgress: (p) => {
        if (Deno.stdout.isTerminal()) {
          Deno.stdout.writeSync(
            new TextEncoder().encode(
              `\r${p.done} done, ${p.failed} failed, ${p.in_flight} in flight, ${
                p.output_tokens_per_s.toFixed(0)
              } tok/s   `,
            ),
          );
        }
      },
    });
    if (Deno.stdout.isTerminal()) console.log();
    const source: TraceSource = receiver;
    const enriched = await enrich(run, source, { timeoutMs: simulated ? 5_000 : 15_000 });

    console.log("per request (first 5):");
    for (const record of enriched.requests.slice(0, 5)) console.log(formatMetrics(record) + "\n");
    const table = toTable(enriched);
    const summary = summarize(table);
    console.log(formatSummary(summary));

    await Deno.mkdir(values.out!, { recursive: true });
    const now = new Date();
    // The run id in the name: two demos started in the same second never share a file.
    const name = `${run.meta.label}_${run.meta.run_id}`;
    const path = (ext: string) => join(values.out!, timestampedName(name, ext, now));
    const written = [
      await save(enriched, path("json"), { overwrite: false }),
      await save(enriched, path("csv"), { overwrite: false }),
    ];
    const html = await report({ runs: [enriched], title: `vllm-metrics ${run.meta.label}` });
    await Deno.writeTextFile(path("html"), html);
    written.push(path("html"));
    console.log(`\nwrote ${written.join(", ")}`);
    console.log(joinedLine(enriched.requests));
    return 0;
  } finally {
    await sim?.close();
    await receiver.close();
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
