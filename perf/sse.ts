/**
 * `deno task perf:sse`: is parsing a response linear in its bytes, however long one line is?
 *
 * 1. SseParser: one `data:` line of 2 / 8 / 50 MB fed in 16 KiB pieces (how a socket delivers
 *    it), against two baselines in the same run: the same bytes fed as one piece, and the same
 *    number of bytes as short events (vLLM-sized, ~200 B each) in 16 KiB pieces. The limit on one
 *    event is raised above the line for these rows; one more row feeds 50 MB with the default
 *    limit (8 Mi characters), which drops the event once it passes the limit.
 * 2. readLines (src/io/lines.ts): a file holding one line of 8 / 50 MB against a file of the same
 *    size in short lines.
 *
 * 3. A healthy neighbour: `collect` runs two requests at once against a server in another process
 *    (perf/_long_line_server.ts): a normal stream of 500 content chunks 10 ms apart, and one
 *    `data:` line of 8 / 50 MB (and a 1 kB line as the baseline). Reported: the neighbour's ITL
 *    p99 and max (how long the long line froze the event loop that timestamps chunks) and what
 *    became of the long request.
 *
 * Times are the median of `--reps` runs, after one unrecorded warmup run, of the parse only (the input is built first): wall clock,
 * and the process's CPU time (user + system, GC threads included), which a busy shared machine
 * distorts less.
 * `--parser <path>` loads another module exporting `SseParser` (e.g. an older version, saved with
 * `git show <rev>:src/collect/sse.ts > /tmp/sse_old.ts`) to compare on the same machine;
 * `--lines <path>` does the same for `readLines`.
 *
 * Flags: `--sizes-mb 2,8,50` `--piece-kib 16` `--reps 5` `--parser <path>` `--lines <path>`
 * `--skip-lines` `--neighbour-mb 8,50` (`none` to skip).
 *
 * @module
 */
import { spawnReady } from "./_child.ts";
import process from "node:process";
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";
import { collect } from "../src/collect/collect.ts";
import type { CollectOptions } from "../src/collect/options.ts";
import { describeMachine, fmt, machine, percentileSorted } from "./_machine.ts";

/** The flags, in --help order. */
const FLAGS = [
  { name: "sizes-mb", value: "MB[,MB...]", default: "2,8,50", help: "stream sizes" },
  {
    name: "piece-kib",
    value: "KIB",
    default: "16",
    help: "size of the pieces the stream arrives in",
  },
  { name: "reps", value: "N", default: "5", help: "runs per size (the median is reported)" },
  {
    name: "parser",
    value: "PATH",
    default: new URL("../src/collect/sse.ts", import.meta.url).href,
    help: "module exporting SseParser (e.g. an older version, as the baseline)",
  },
  {
    name: "lines",
    value: "PATH",
    default: new URL("../src/io/lines.ts", import.meta.url).href,
    help: "module exporting readLines",
  },
  { name: "skip-lines", help: "skip the readLines measurement" },
  {
    name: "neighbour-mb",
    value: "MB[,MB...]",
    default: "8,50",
    help: "neighbour runs (none = skip)",
  },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno task perf:sse",
  "perf:sse: the SSE parser and line reader on long streams and long lines.",
  FLAGS,
);

const sizesMb = values["sizes-mb"].split(",").map(Number);
const pieceBytes = Number(values["piece-kib"]) * 1024;
const reps = Number(values.reps);
for (const [name, value] of [["--piece-kib", pieceBytes], ["--reps", reps]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`perf:sse: ${name} must be a positive integer, got ${value}`);
  }
}
if (sizesMb.some((s) => !(s > 0))) {
  throw new RangeError(`perf:sse: --sizes-mb must be positive numbers, got ${values["sizes-mb"]}`);
}

interface ParserLike {
  feed(bytes: Uint8Array): void;
  end(): unknown;
}
type ParserClass = new (
  handlers: {
    onEvent(data: string): void;
    onEventTooLarge?(chars: number, limit: number): void;
  },
  options?: { maxEventChars?: number },
) => ParserLike;

const moduleUrl = (path: string) =>
  path.includes("://") ? path : new URL(path, `file://${Deno.cwd()}/`).href;
const parserUrl = moduleUrl(values.parser);
const linesUrl = moduleUrl(values.lines);
const { SseParser } = (await import(parserUrl)) as { SseParser: ParserClass };
const { readLines } = (await import(linesUrl)) as {
  readLines(path: string): AsyncIterable<unknown>;
};

const encoder = new TextEncoder();
const MB = 1_000_000;

function oneLine(sizeMb: number): Uint8Array {
  return encoder.encode(`data: ${"x".repeat(Math.round(sizeMb * MB))}\n\ndata: [DONE]\n\n`);
}

function shortEvents(sizeMb: number): Uint8Array {
  const event = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,` +
    `"delta":{"content":"${"w".repeat(100)}"},"finish_reason":null}]}\n\n`;
  return encoder.encode(event.repeat(Math.ceil(sizeMb * MB / event.length)));
}

function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median ms to feed the pieces, and what the parser saw. */
function timeParse(
  pieces: Uint8Array[],
  maxEventChars: number,
): { ms: number; cpuMs: number; events: number; tooLarge: number } {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let events = 0;
  let tooLarge = 0;
  for (let rep = -1; rep < reps; rep++) { // rep -1 warms the JIT up and is not kept
    events = 0;
    tooLarge = 0;
    const parser = new SseParser({
      onEvent: () => events++,
      onEventTooLarge: () => tooLarge++,
    }, { maxEventChars });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const piece of pieces) parser.feed(piece);
    parser.end();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (rep < 0) continue;
    times.push(wallMs);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpuTimes), events, tooLarge };
}

async function timeReadLines(path: string): Promise<{ ms: number; lines: number }> {
  const times: number[] = [];
  let lines = 0;
  for (let rep = 0; rep < reps; rep++) {
    lines = 0;
    const t0 = performance.now();
    for await (const _ of readLines(path)) lines++;
    times.push(performance.now() - t0);
  }
  return { ms: median(times), lines };
}

console.log(`perf:sse · ${describeMachine(machine())}`);
console.log(`parser: ${parserUrl} · readLines: ${linesUrl}`);
console.log(`pieces of ${pieceBytes} B · median of ${reps}\n`);
console.log("| input | fed as | limit (chars) | events | dropped | parse ms | CPU ms | MB/s |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
const row = (input: string, fedAs: string, limit: number, bytes: number, pieces: Uint8Array[]) => {
  const r = timeParse(pieces, limit);
  console.log(
    `| ${input} | ${fedAs} | ${limit.toLocaleString("en")} | ${r.events} | ${r.tooLarge} | ${
      fmt(r.ms, 1)
    } | ${fmt(r.cpuMs, 1)} | ${fmt(bytes / MB / (r.ms / 1000), 0)} |`,
  );
};
const unlimited = 2 ** 30;
for (const sizeMb of sizesMb) {
  const line = oneLine(sizeMb);
  row(
    `one ${sizeMb} MB line`,
    `${values["piece-kib"]} KiB pieces`,
    unlimited,
    line.length,
    split(line, pieceBytes),
  );
  row(`one ${sizeMb} MB line`, "one piece", unlimited, line.length, [line]);
  const short = shortEvents(sizeMb);
  row(
    `${sizeMb} MB of ~200 B events`,
    `${values["piece-kib"]} KiB pieces`,
    unlimited,
    short.length,
    split(short, pieceBytes),
  );
}
const largest = oneLine(Math.max(...sizesMb));
row(
  `one ${Math.max(...sizesMb)} MB line`,
  `${values["piece-kib"]} KiB pieces`,
  8 * 1024 * 1024,
  largest.length,
  split(largest, pieceBytes),
);

if (!values["skip-lines"]) {
  console.log("\n| file (readLines) | lines | read ms | MB/s |");
  console.log("| --- | ---: | ---: | ---: |");
  const dir = await Deno.makeTempDir({ prefix: "perf_sse_" });
  try {
    for (const sizeMb of sizesMb) {
      const bytes = Math.round(sizeMb * MB);
      const files: Array<[string, string]> = [
        [`one ${sizeMb} MB line`, "x".repeat(bytes) + "\n"],
        [`${sizeMb} MB in 200 B lines`, ("y".repeat(199) + "\n").repeat(Math.ceil(bytes / 200))],
      ];
      for (const [label, content] of files) {
        const path = `${dir}/${label.replaceAll(" ", "_")}.txt`;
        await Deno.writeTextFile(path, content);
        const r = await timeReadLines(path);
        console.log(
          `| ${label} | ${r.lines} | ${fmt(r.ms, 1)} | ${
            fmt(content.length / MB / (r.ms / 1000), 0)
          } |`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Starts perf/_long_line_server.ts; returns its URL and a stop function. */
async function longLineServer(lineMb: number): Promise<{ url: string; stop(): Promise<void> }> {
  const { child, first } = await spawnReady([
    new URL("./_long_line_server.ts", import.meta.url).pathname,
    "--line-mb",
    String(lineMb),
  ]);
  return {
    url: first.trim(),
    async stop() {
      await child.stdin.close();
      await child.status;
    },
  };
}

/** One neighbour run: a normal stream beside one long line, both in flight at once. */
async function neighbourRun(lineMb: number, maxEventChars: number | undefined) {
  const server = await longLineServer(lineMb);
  try {
    const options = {
      url: server.url,
      model: "m",
      requests: [{ prompt: "normal" }, { prompt: "long" }],
      concurrency: 2,
      timeoutMs: 600_000,
      maxEventChars, // ignored by versions without the option
    } as CollectOptions;
    const cpu0 = process.cpuUsage();
    const run = await collect(options);
    const cpu = process.cpuUsage(cpu0);
    const [neighbour, long] = run.requests;
    const gaps = [...neighbour.itl_ms].sort((a, b) => a - b);
    console.log(
      `| ${lineMb} MB | ${maxEventChars?.toLocaleString("en") ?? "default"} | ${
        neighbour.success ? "ok" : neighbour.error?.kind
      } | ${fmt(percentileSorted(gaps, 50), 1)} | ${fmt(percentileSorted(gaps, 99), 1)} | ${
        fmt(gaps.at(-1) ?? NaN, 1)
      } | ${long.success ? "success" : long.error?.kind} | ${fmt(long.e2e_ms ?? NaN, 0)} | ${
        fmt((cpu.user + cpu.system) / 1000, 0)
      } |`,
    );
  } finally {
    await server.stop();
  }
}

const neighbourSizes = values["neighbour-mb"] === "none"
  ? []
  : values["neighbour-mb"].split(",").map(Number);
if (neighbourSizes.length > 0) {
  console.log(
    "\n| long line | maxEventChars | neighbour | neighbour ITL p50 ms | p99 ms | max ms | long request | its e2e ms | client CPU ms |",
  );
  console.log("| ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: |");
  await neighbourRun(0.001, undefined); // baseline: a 1 kB line, what the machine alone gives
  for (const lineMb of neighbourSizes) {
    await neighbourRun(lineMb, Math.ceil(lineMb * MB * 1.1)); // the limit above the line
    await neighbourRun(lineMb, undefined); // the default limit
  }
}
