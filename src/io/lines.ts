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
 * The lines of a UTF-8 text file (LF or CRLF endings; invalid bytes become U+FFFD), in time linear
 * in the file's size however long a line is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLines } from "./lines.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"a":1}\r\n{"b":2}\n{"c"');
 * const lines = await Array.fromAsync(readLines(path));
 * assert.deepEqual(lines, [
 *   { text: '{"a":1}', line: 1, terminated: true },
 *   { text: '{"b":2}', line: 2, terminated: true },
 *   { text: '{"c"', line: 3, terminated: false }, // cut off mid-write
 * ]);
 * await Deno.remove(path);
 * ```
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  using file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder();
  // The unterminated line's pieces, joined once when its newline arrives: rebuilding one string
  // per read would make a long line cost time quadratic in its length.
  let pending: string[] = [];
  let line = 1;
  const buffer = new Uint8Array(1 << 20);
  const take = (tail: string): string => {
    pending.push(tail);
    const text = pending.length === 1 ? pending[0] : pending.join("");
    pending = [];
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  };
  for (;;) {
    const read = await file.read(buffer);
    if (read === null) break;
    const chunk = decoder.decode(buffer.subarray(0, read), { stream: true });
    let start = 0;
    for (;;) {
      const end = chunk.indexOf("\n", start);
      if (end === -1) break;
      yield { text: take(chunk.slice(start, end)), line: line++, terminated: true };
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.slice(start));
  }
  const rest = pending.join("") + decoder.decode();
  if (rest.length > 0) yield { text: rest, line, terminated: false };
}
