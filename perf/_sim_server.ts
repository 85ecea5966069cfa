/**
 * The simulator in its own process, for the perf benchmarks (so server and client each get a
 * core). Not part of the library.
 *
 * `deno run -A perf/_sim_server.ts '<SimulatorOptions as JSON>'` prints `READY <url> <clockUrl>`
 * on stdout, then answers line commands on stdin:
 *
 * - `gt <path>`: writes the ground truth (`sim.groundTruth()`) as JSON to `<path>`, prints `GT <n>`.
 * - `cpu`: prints `CPU <user µs> <system µs>` (process.cpuUsage() of this process).
 * - `mem`: prints `MEM <rss bytes> <heapUsed bytes>` (after a full GC if started with
 *   `--v8-flags=--expose-gc`).
 * - `quit` (or stdin closing): closes the simulator and exits.
 *
 * `<clockUrl>` is a tiny second HTTP server answering `GET /now` with this process's `nowMs()`,
 * for measuring how far apart two processes' `performance.timeOrigin` anchors are.
 *
 * @module
 */
import http from "node:http";
import process from "node:process";
import { startSimulator } from "../src/sim/mod.ts";
import type { SimulatorOptions } from "../src/sim/mod.ts";
import { nowMs } from "../src/util/clock.ts";

const options = JSON.parse(Deno.args[0] ?? "{}") as SimulatorOptions;

/**
 * `--flush-times`: also record when each content chunk's write *completed* (node:http's write
 * callback), keyed by X-Request-Id. The simulator's own ground truth is taken right before
 * `res.write()`; the bytes reach the socket later (node:http queues the write). The callback
 * runs once the write op finished, so it is an upper bound on when the bytes were in the kernel.
 * Instrumentation of the perf harness only (it wraps ServerResponse.prototype.write).
 */
const flushTimes = new Map<string, number[]>();
if (Deno.args.includes("--flush-times")) {
  const CONTENT = '"delta":{"content":"';
  const proto = http.ServerResponse.prototype as unknown as {
    write: (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) => boolean;
  };
  const write = proto.write;
  proto.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (rest.length === 0 && typeof chunk === "string" && chunk.includes(CONTENT)) {
      const id = this.req?.headers["x-request-id"];
      if (typeof id === "string") {
        let list = flushTimes.get(id);
        if (list === undefined) flushTimes.set(id, list = []);
        const at = list.length;
        list.push(NaN);
        return write.call(this, chunk, () => {
          list[at] = nowMs();
        });
      }
    }
    return write.call(this, chunk, ...rest);
  };
}
const sim = await startSimulator({ log: false, ...options });
const clock = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response(String(nowMs())),
);
const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.writeSync(encoder.encode(line + "\n"));
say(`READY ${sim.url} http://127.0.0.1:${clock.addr.port}/now`);

const decoder = new TextDecoder();
let buffered = "";
outer: for await (const piece of Deno.stdin.readable) {
  buffered += decoder.decode(piece, { stream: true });
  let newline: number;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    const [command, arg] = line.split(" ", 2);
    if (command === "gt") {
      const entries = sim.groundTruth().map((e) =>
        flushTimes.size > 0
          ? { ...e, content_chunk_flush_ms: flushTimes.get(e.request_id) ?? [] }
          : e
      );
      await Deno.writeTextFile(arg, JSON.stringify(entries));
      say(`GT ${entries.length}`);
    } else if (command === "cpu") {
      const cpu = process.cpuUsage();
      say(`CPU ${cpu.user} ${cpu.system}`);
    } else if (command === "mem") {
      // After a full GC when started with --v8-flags=--expose-gc (live heap, not garbage).
      const gc = (globalThis as { gc?: () => void }).gc;
      for (let i = 0; gc !== undefined && i < 3; i++) gc();
      const mem = Deno.memoryUsage();
      say(`MEM ${mem.rss} ${mem.heapUsed}`);
    } else if (command === "quit") {
      break outer;
    }
  }
}
await clock.shutdown();
await sim.close();
say("BYE");
Deno.exit(0);
