/**
 * Helpers for tests that run `deno task bench` as a user does: a child process.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The bench entry point. */
export const BENCH = join(ROOT, "src/cli/bench.ts");

/** Output of a finished bench process. */
export interface BenchResult {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/** Runs bench with `args` to completion. */
export async function runBench(args: string[]): Promise<BenchResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BENCH, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Starts bench with `args` in the background; output goes to files in `logDir`. */
export function spawnBench(args: string[], logDir: string): {
  child: Deno.ChildProcess;
  done: Promise<BenchResult>;
} {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BENCH, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const done = child.output().then((output) => {
    const result = {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
    Deno.writeTextFileSync(join(logDir, "bench.log"), result.stdout + "\n" + result.stderr);
    return result;
  });
  return { child, done };
}

/** Names of the files in `dir` (not recursive), sorted. */
export function filesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
}

/** Lines of a JSONL file that are request records (`"type":"request"`). */
export function requestLines(path: string): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return [];
  }
  return text.split("\n").filter((line) => line.startsWith('{"type":"request"'));
}

/**
 * Polls until `ready()` is true; throws after `limitMs` (a safety net for a broken child, not a
 * timing assertion).
 */
export async function waitFor(ready: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
