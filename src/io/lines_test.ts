import assert from "node:assert/strict";
import { type Line, readLines } from "./lines.ts";

async function linesOf(content: string): Promise<Line[]> {
  const path = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(path, content);
    const out: Line[] = [];
    for await (const line of readLines(path)) out.push(line);
    return out;
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("readLines splits LF and CRLF lines and marks an unterminated last line", async () => {
  assert.deepEqual(await linesOf("a\r\nb\n\nc"), [
    { text: "a", line: 1, terminated: true },
    { text: "b", line: 2, terminated: true },
    { text: "", line: 3, terminated: true },
    { text: "c", line: 4, terminated: false },
  ]);
});

Deno.test("readLines joins a line longer than several reads, its CRLF split across two reads", async () => {
  const long = "x".repeat(3 * (1 << 20) - 1); // the CR is the last byte of the third read
  const lines = await linesOf(`${long}\r\nshort\n${long}`);
  assert.equal(lines.length, 3);
  assert.ok(lines[0].text === long);
  assert.deepEqual(lines[1], { text: "short", line: 2, terminated: true });
  assert.ok(lines[2].text === long);
  assert.equal(lines[2].terminated, false);
});

Deno.test("readLines decodes a multibyte character split across two reads", async () => {
  const long = "a" + "é".repeat(1 << 20); // an odd offset: one "é" straddles the 1 MiB boundary
  const lines = await linesOf(`${long}\nend\n`);
  assert.ok(lines[0].text === long);
  assert.deepEqual(lines[1], { text: "end", line: 2, terminated: true });
});

Deno.test("readLines yields nothing for an empty file", async () => {
  assert.deepEqual(await linesOf(""), []);
});
