/**
 * Reading a text file line by line without holding it whole in memory (runs with millions of
 * requests exceed V8's maximum string length as one text).
 *
 * @module
 */

/** One line of a file, without its line ending. */
export interface Line {
  text: string;
  /** 1-based line number. */
  line: number;
  /** False for a last line that has no newline after it (possibly cut off mid-write). */
  terminated: boolean;
}

/**
 * The lines of a UTF-8 text file (LF or CRLF endings; invalid bytes become U+FFFD).
 *
 * @example
 * ```ts
 * import { readLines } from "./lines.ts";
 * for await (const { text, line } of readLines("run.jsonl")) console.log(line, text.length);
 * ```
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  using file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder();
  let pending = "";
  let line = 1;
  const buffer = new Uint8Array(1 << 20);
  for (;;) {
    const read = await file.read(buffer);
    if (read === null) break;
    pending += decoder.decode(buffer.subarray(0, read), { stream: true });
    let start = 0;
    for (;;) {
      const end = pending.indexOf("\n", start);
      if (end === -1) break;
      const text = pending.slice(start, end);
      yield {
        text: text.endsWith("\r") ? text.slice(0, -1) : text,
        line: line++,
        terminated: true,
      };
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) yield { text: pending, line, terminated: false };
}
