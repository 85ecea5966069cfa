/**
 * Starts perf/_sim_server.ts in a child process and talks to it (ground truth, CPU, memory).
 *
 * @module
 */
import type { GroundTruthEntry, SimulatorOptions } from "../src/sim/mod.ts";

const HERE = new URL(".", import.meta.url).pathname;

/** A line reader over a child's stdout. */
class Lines {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }
  async next(): Promise<string> {
    for (;;) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`sim process closed its stdout (pending: ${this.#buffer})`);
      this.#buffer += value;
    }
  }
}

/** A simulator running in a separate process. */
export class SimProcess {
  readonly url: string;
  readonly clockUrl: string;
  readonly pid: number;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: Lines;

  private constructor(
    child: Deno.ChildProcess,
    lines: Lines,
    url: string,
    clockUrl: string,
  ) {
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.#lines = lines;
    this.url = url;
    this.clockUrl = clockUrl;
    this.pid = child.pid;
  }

  /** Spawns the simulator process with the given options and waits until it listens. */
  static async start(
    options: SimulatorOptions,
    v8Flags: string[] = [],
    flags: string[] = [],
  ): Promise<SimProcess> {
    const args = ["run", "-A"];
    if (v8Flags.length > 0) args.push(`--v8-flags=${v8Flags.join(",")}`);
    args.push(`${HERE}_sim_server.ts`, JSON.stringify(options), ...flags);
    return await SimProcess.#spawn(Deno.execPath(), args);
  }

  /**
   * Spawns the independent stand-in server (perf/_standin_server.py, `python3`): same line
   * protocol, ground truth with the times right before and after each chunk's `send()`.
   */
  static async startStandin(
    options: { step_ms: number; schedule: "burst" | "spread" },
  ): Promise<SimProcess> {
    return await SimProcess.#spawn("python3", [
      `${HERE}_standin_server.py`,
      JSON.stringify(options),
    ]);
  }

  static async #spawn(command: string, args: string[]): Promise<SimProcess> {
    const child = new Deno.Command(command, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = new Lines(child.stdout);
    const ready = await lines.next();
    const match = /^READY (\S+) (\S+)$/.exec(ready);
    if (!match) throw new Error(`${command} ${args[0]} said ${JSON.stringify(ready)}`);
    return new SimProcess(child, lines, match[1], match[2]);
  }

  async #ask(command: string, prefix: string): Promise<string[]> {
    await this.#stdin.write(new TextEncoder().encode(command + "\n"));
    const line = await this.#lines.next();
    if (!line.startsWith(prefix + " ")) throw new Error(`sim: ${command} → ${line}`);
    return line.slice(prefix.length + 1).split(" ");
  }

  /** The simulator's ground truth, through a temp file. */
  async groundTruth(): Promise<(GroundTruthEntry & { content_chunk_flush_ms?: number[] })[]> {
    const path = await Deno.makeTempFile({ prefix: "vm-perf-gt-", suffix: ".json" });
    try {
      await this.#ask(`gt ${path}`, "GT");
      return JSON.parse(await Deno.readTextFile(path)) as GroundTruthEntry[];
    } finally {
      await Deno.remove(path).catch(() => {});
    }
  }

  /** CPU seconds (user + system) the simulator process has used so far. */
  async cpuSeconds(): Promise<number> {
    const [user, system] = (await this.#ask("cpu", "CPU")).map(Number);
    return (user + system) / 1e6;
  }

  /** RSS and V8 heap used of the simulator process, bytes. */
  async memory(): Promise<{ rss: number; heapUsed: number }> {
    const [rss, heapUsed] = (await this.#ask("mem", "MEM")).map(Number);
    return { rss, heapUsed };
  }

  /** Stops the simulator process and waits for it to exit. */
  async close(): Promise<void> {
    try {
      await this.#stdin.write(new TextEncoder().encode("quit\n"));
      await this.#stdin.close();
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // exited
      }
    }, 10_000);
    await this.#child.status;
    clearTimeout(timer);
  }
}
