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
import { type FlagDefinition, flagHelp, parseFlags } from "./flags.ts";

/** The demo's flags, in --help order. */
const FLAGS: readonly FlagDefinition[] = [
  { name: "url", value: "URL", help: "a vLLM server (default: start the built-in simulator)" },
  { name: "requests", value: "N", help: "measured requests", default: "48" },
  { name: "concurrency", value: "N", help: "requests in flight", default: "8" },
  { name: "out", value: "DIR", help: "where to write the run", default: "runs" },
  { name: "otlp-host", value: "HOST", help: "embedded receiver address", default: "127.0.0.1" },
  { name: "help", help: "this text" },
];

const HELP = [
  "deno task demo — a small benchmark with per-request client and server metrics",
  "",
  ...flagHelp(FLAGS),
  "",
  "With --url, server metrics need vLLM started with",
  "  --otlp-traces-endpoint http://<this machine>:4317 (see README); the embedded receiver listens",
  "  on 127.0.0.1:4317 unless --otlp-host 0.0.0.0 is given.",
].join("\n");

async function main(): Promise<number> {
  const flags = parseFlags(FLAGS, Deno.args);
  if (flags.has("help")) {
    console.log(HELP);
    return 0;
  }
  const requests = flags.integer("requests");
  const concurrency = flags.integer("concurrency");
  const out = flags.get("out")!;

  const simulated = !flags.has("url");
  // A real vLLM exports to the well-known port; the simulator gets a free one.
  const receiver = await startReceiver({
    hostname: flags.get("otlp-host"),
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
  const url = sim?.url ?? flags.get("url")!;
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

    await Deno.mkdir(out, { recursive: true });
    const now = new Date();
    // The run id in the name: two demos started in the same second never share a file.
    const name = `${run.meta.label}_${run.meta.run_id}`;
    const path = (ext: string) => join(out, timestampedName(name, ext, now));
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

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
