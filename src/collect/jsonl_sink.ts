/**
 * A crash-safe JSON Lines sink: each value is appended as one line and handed to the operating
 * system before the next write starts, so a killed process loses only what it had not yet
 * written. Writes are serialised, so lines never interleave.
 *
 * @module
 */

/** An open JSONL file. */
export interface JsonlSink {
  /** The file's path. */
  readonly path: string;
  /** Appends one value as one JSON line; resolves once the line is written. */
  write(value: unknown): Promise<void>;
  /** Lines written so far. */
  readonly lines: number;
  /** Waits for pending writes and closes the file. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link openJsonlSink}. */
export interface JsonlSinkOptions {
  /** Also wait for the data to reach the disk (fdatasync) after each line; default false. */
  syncEachLine?: boolean;
}

/**
 * Opens (creating if needed) a file for appending JSON lines. A file that already holds data is
 * refused (an Error naming it and, when it is a run log, the run in its first line): appending a
 * second run to a log would merge the two runs when it is loaded. An existing empty file (or a
 * device such as /dev/null) is used, so a caller can claim a path first with `createNew`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openJsonlSink } from "./jsonl_sink.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const sink = await openJsonlSink(path);
 * await sink.write({ type: "meta", run_id: "abc" });
 * await sink.close();
 * assert.equal(await Deno.readTextFile(path), '{"type":"meta","run_id":"abc"}\n');
 * await Deno.remove(path);
 * ```
 */
export async function openJsonlSink(
  path: string,
  options: JsonlSinkOptions = {},
): Promise<JsonlSink> {
  const file = await Deno.open(path, { append: true, create: true, write: true });
  try {
    const info = await file.stat();
    if (info.isFile && info.size > 0) throw new Error(await describeExisting(path, info.size));
  } catch (error) {
    file.close();
    throw error;
  }
  const encoder = new TextEncoder();
  let queue: Promise<void> = Promise.resolve();
  let lines = 0;
  let closed = false;
  let failure: unknown = null;

  const writeAll = async (bytes: Uint8Array) => {
    let offset = 0;
    while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
    if (options.syncEachLine) await file.syncData();
  };

  return {
    path,
    get lines() {
      return lines;
    },
    write(value: unknown): Promise<void> {
      if (closed) return Promise.reject(new Error(`JSONL sink ${path} is closed`));
      const bytes = encoder.encode(JSON.stringify(value) + "\n");
      const next = queue.then(async () => {
        if (failure !== null) throw failure;
        try {
          await writeAll(bytes);
          lines++;
        } catch (err) {
          failure = err;
          throw err;
        }
      });
      queue = next.catch(() => {});
      return next;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue;
      file.close();
    },
  };
}

/** Why an existing log is refused: its size and, when readable, the run its first line names. */
async function describeExisting(path: string, size: number): Promise<string> {
  let runId: unknown;
  try {
    using file = await Deno.open(path, { read: true });
    const head = new Uint8Array(4096);
    const n = await file.read(head) ?? 0;
    const firstLine = new TextDecoder().decode(head.subarray(0, n)).split("\n")[0];
    runId = JSON.parse(firstLine)?.run_id;
  } catch {
    runId = undefined;
  }
  const holds = typeof runId === "string" ? `the log of run ${runId}` : `${size} bytes`;
  return `${path} already holds ${holds}; a JSONL log is never appended to by another run ` +
    `(give a new path, or remove the file)`;
}
