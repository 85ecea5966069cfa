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
 * Opens (creating if needed) a file for appending JSON lines.
 *
 * @example
 * ```ts
 * import { openJsonlSink } from "./jsonl_sink.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const sink = await openJsonlSink(path);
 * await sink.write({ type: "meta", run_id: "abc" });
 * await sink.close();
 * console.log(await Deno.readTextFile(path)); // {"type":"meta","run_id":"abc"}\n
 * ```
 */
export async function openJsonlSink(
  path: string,
  options: JsonlSinkOptions = {},
): Promise<JsonlSink> {
  const file = await Deno.open(path, { append: true, create: true, write: true });
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
