import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { formatCsvRow, parseCsv } from "./csv.ts";
import { FileFormatError } from "./errors.ts";
import { textArb } from "./_record_arbitrary.ts";
import { join } from "node:path";
import { save } from "./save.ts";
import { load } from "./load.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

Deno.test("parseCsv() reads quoted commas, doubled quotes, newlines and CRLF endings", () => {
  const rows = parseCsv('a,"b,c","say ""hi""","two\nlines"\r\nx,,"",z\n', "f.csv");
  assert.deepEqual(rows.map((r) => r.cells), [["a", "b,c", 'say "hi"', "two\nlines"], [
    "x",
    "",
    "",
    "z",
  ]]);
  assert.deepEqual(rows[1].quoted, [false, false, true, false]);
  assert.deepEqual(rows.map((r) => r.line), [1, 3]);
});

Deno.test("formatCsvRow() then parseCsv() gives back every cell, null and empty string kept apart", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.option(textArb, { nil: null }), { minLength: 1, maxLength: 5 }), {
        maxLength: 5,
      }),
      (rows) => {
        const text = rows.map(formatCsvRow).join("");
        const parsed = parseCsv(text, "f.csv");
        assert.deepEqual(
          parsed.map((r) => r.cells.map((c, i) => (c === "" && !r.quoted[i] ? null : c))),
          rows,
        );
      },
    ),
  );
});

Deno.test("parseCsv() errors name the file, line and column", () => {
  assert.throws(
    () => parseCsv('a,b\nc,d"e\n', "f.csv"),
    (e: Error) =>
      e instanceof FileFormatError && e.message === 'f.csv:2:2: quote (") inside an unquoted cell',
  );
  assert.throws(
    () => parseCsv('a,"b"x\n', "f.csv", 10),
    (e: Error) =>
      e instanceof FileFormatError &&
      e.message.startsWith("f.csv:10:2: text after the closing quote"),
  );
  assert.throws(
    () => parseCsv('a\n"open,\nmore', "f.csv"),
    (e: Error) =>
      e instanceof FileFormatError &&
      e.message === "f.csv:2:1: quoted cell is never closed (truncated file?)",
  );
});

Deno.test("parseCsv() on arbitrary text returns rows or throws a FileFormatError", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ") }), (text) => {
      try {
        parseCsv(text, "f.csv");
      } catch (error) {
        assert.ok(error instanceof FileFormatError);
      }
    }),
  );
});

Deno.test("run CSVs neutralise formula text with a quote mark, leave numbers alone, and load back exactly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const record = makeRecord({
      response_id: '=HYPERLINK("http://evil")',
      finish_reason: "+cmd|' /C calc'!A0",
      model: "@SUM(1)",
      tag: "\tx",
      span_note: "'=already quoted",
      request_id: "'plain quote",
      lateness_ms: -5,
    });
    const path = await save(makeRun([record]), join(dir, "run.csv"));
    const text = await Deno.readTextFile(path);
    for (
      const cell of [
        `"'=HYPERLINK(""http://evil"")"`,
        `'+cmd|' /C calc'!A0`,
        `'@SUM(1)`,
        `'\tx`,
        `''=already quoted`,
        `,'plain quote,`,
        `,-5,`,
      ]
    ) assert.ok(text.includes(cell), cell);
    assert.deepEqual((await load(path)).requests, [record]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the run CSV repeats label, concurrency and rate on every row, and load drops them", async () => {
  const run = makeRun([makeRecord(), makeRecord({ index: 1 })], {
    label: "c=8",
    load: { concurrency: 8, burstiness: 1, warmup: 0, seed: 1 },
  });
  const dir = await Deno.makeTempDir();
  try {
    const path = await save(run, `${dir}/run.csv`);
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.match(lines[2], /^run_id,label,concurrency,rate,index,/);
    assert.match(lines[3], new RegExp(`^${run.meta.run_id},c=8,8,,0,`));
    assert.deepEqual(await load(path), run);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
