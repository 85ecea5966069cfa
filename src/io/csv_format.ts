/**
 * The `.csv` run file: one row per request, self-contained.
 *
 * ```
 * # vllm-metrics schema_version=1
 * # meta={"schema_version":1,"run_id":...}
 * run_id,label,concurrency,rate,index,request_id,...  ← header: every RequestRecord field, then extra fields
 * run-1,c=8,8,,0,req-0,...
 * ```
 *
 * `label`, `concurrency` and `rate` right after `run_id` repeat the run's meta on every row, so
 * files of several runs concatenate into one table (pandas `concat`); the loader takes them from
 * the meta line and drops these columns (an extra record field of the same name is written after
 * the record fields, as extras are, and kept).
 *
 * Cells: strings as they are (an empty string is written `""`; an empty unquoted cell is null);
 * numbers in JavaScript's shortest round-trip form; booleans `true`/`false`; lists and objects
 * (itl_ms, chunk_times_ms, chunk_tokens, params, error, server_spans, and any extra field) as JSON
 * text in the cell. So every record round-trips exactly.
 *
 * Formula injection (OWASP): a text cell starting with `=`, `+`, `-`, `@`, TAB or CR would be
 * evaluated by a spreadsheet, so it gets a `'` in front; so does one where quote marks come before
 * such a character, which makes the prefix exactly reversible: the loader removes one `'` from
 * text cells of that shape (`'…'=…`), and leaves any other text as it is.
 * Numbers, booleans and JSON cells are written as they are.
 *
 * @module
 */

import type { RequestRecord, Run } from "../types.ts";
import { type FieldKind, RECORD_FIELDS } from "../table/record_fields.ts";
import { formatCsvRow, parseCsv } from "./csv.ts";
import { FileFormatError, NotARunFileError } from "./errors.ts";
import { parseJson } from "./json_text.ts";
import type { Salvager } from "./salvage.ts";
import { checkMeta, checkRecord, checkSchemaVersion, SCHEMA_VERSION } from "./validate.ts";

const VERSION_LINE = /^# vllm-metrics schema_version=(.*)$/;
const META_PREFIX = "# meta=";
/** An explicit `null` cell: a null that an empty (absent) optional cell must not be taken for. */
const NULL_CELL = Symbol("null cell");
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const KINDS = new Map<string, FieldKind>(RECORD_FIELDS.map((f) => [f.name, f.kind]));
/**
 * Optional fields: an empty cell means the record did not have the field, and an optional number
 * that is null is written `null`, so both come back as they were.
 */
const OPTIONAL = new Set<string>(RECORD_FIELDS.filter((f) => f.optional).map((f) => f.name));

/** The lines of a `.csv` run file. */
export function* encodeCsv(run: Run): Generator<string> {
  yield `# vllm-metrics schema_version=${SCHEMA_VERSION}\n`;
  yield `${META_PREFIX}${JSON.stringify(run.meta)}\n`;
  const extras = new Set<string>();
  for (const record of run.requests) {
    for (const key of Object.keys(record)) if (!KINDS.has(key)) extras.add(key);
  }
  const recordColumns = RECORD_FIELDS.map((f) => f.name as string);
  const columns = [
    recordColumns[0], // run_id
    ...RUN_COLUMNS,
    ...recordColumns.slice(1),
    ...[...extras].sort(),
  ];
  yield formatCsvRow(columns);
  const runCells = runColumnCells(run);
  for (const record of run.requests) {
    const values = record as unknown as Record<string, unknown>;
    yield formatCsvRow([
      encodeCell(values.run_id, "string"),
      ...runCells,
      ...columns.slice(1 + RUN_COLUMNS.length).map((name) =>
        values[name] === null && OPTIONAL.has(name) && KINDS.get(name) === "nullable_number"
          ? "null"
          : encodeCell(values[name], KINDS.get(name) ?? "json")
      ),
    ]);
  }
}

/** Run-level columns written after `run_id` on every row (from meta; dropped on load). */
const RUN_COLUMNS = ["label", "concurrency", "rate"] as const;

function runColumnCells(run: Run): (string | null)[] {
  const load = run.meta.load ?? {};
  return [
    encodeCell(run.meta.label, "string"),
    encodeCell(load.concurrency ?? null, "nullable_number"),
    encodeCell(load.rate ?? null, "nullable_number"),
  ];
}

/** Whether `header` has the run columns where the writer puts them (right after run_id). */
function hasRunColumns(header: string[]): boolean {
  return header[0] === "run_id" && RUN_COLUMNS.every((name, i) => header[i + 1] === name);
}

function encodeCell(value: unknown, kind: FieldKind): string | null {
  if (value === undefined) return null;
  if (kind === "json") return JSON.stringify(value);
  if (value === null) return null;
  return kind === "string" || kind === "nullable_string"
    ? neutralizeFormula(String(value))
    : String(value);
}

/** Text a spreadsheet would run as a formula, after any quote marks (kept reversible). */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALIZED = /^'+[=+\-@\t\r]/;

/**
 * A text cell made safe to open in a spreadsheet (OWASP CSV injection): a `'` in front of text
 * starting with `= + - @` TAB or CR, possibly after quote marks. {@link restoreFormula} undoes it
 * exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { neutralizeFormula, restoreFormula } from "./csv_format.ts";
 * assert.equal(neutralizeFormula("=HYPERLINK(1)"), "'=HYPERLINK(1)");
 * assert.equal(restoreFormula(neutralizeFormula("'+1")), "'+1");
 * assert.equal(neutralizeFormula("'x"), "'x");
 * ```
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text {@link neutralizeFormula} was given: its added `'` removed. */
export function restoreFormula(cell: string): string {
  return NEUTRALIZED.test(cell) ? cell.slice(1) : cell;
}

/** Reads a `.csv` run file; salvaging skips bad rows and a cut-off last row. */
export async function decodeCsv(path: string, salvager: Salvager): Promise<Run> {
  const text = await Deno.readTextFile(path);
  const firstEnd = text.indexOf("\n");
  const versionLine = stripCr(firstEnd === -1 ? text : text.slice(0, firstEnd));
  const match = VERSION_LINE.exec(versionLine);
  if (!match) {
    throw new NotARunFileError(
      { file: path, line: 1, column: 1 },
      "expected the line '# vllm-metrics schema_version=1' (not a vllm-metrics CSV?)",
    );
  }
  checkSchemaVersion(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1], { file: path, line: 1 });
  const secondEnd = firstEnd === -1 ? -1 : text.indexOf("\n", firstEnd + 1);
  if (firstEnd === -1 || secondEnd === -1) {
    throw new FileFormatError({ file: path, line: 2 }, "truncated: no meta line and header");
  }
  const metaLine = stripCr(text.slice(firstEnd + 1, secondEnd));
  if (!metaLine.startsWith(META_PREFIX)) {
    throw new FileFormatError(
      { file: path, line: 2, column: 1 },
      `expected the line to start with '${META_PREFIX}'`,
    );
  }
  const meta = checkMeta(parseJson(metaLine.slice(META_PREFIX.length), path, 2), {
    file: path,
    line: 2,
  });
  const body = text.slice(secondEnd + 1);
  const rows = parseRows(body, path, salvager);
  if (rows.length === 0) {
    throw new FileFormatError({ file: path, line: 3 }, "truncated: no header row");
  }
  const header = rows[0].cells;
  const missing = RECORD_FIELDS.filter((f) => !f.optional && !header.includes(f.name)).map((f) =>
    f.name
  );
  if (missing.length > 0) {
    throw new FileFormatError(
      { file: path, line: 3 },
      `header lacks the columns ${missing.join(", ")}`,
    );
  }
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new FileFormatError(
      { file: path, line: 3 },
      `column "${duplicate}" appears twice in the header`,
    );
  }
  const requests: RequestRecord[] = [];
  const runColumns = hasRunColumns(header);
  for (const row of rows.slice(1)) {
    if (row.cells.length === 1 && row.cells[0] === "" && !row.quoted[0]) continue; // blank line
    try {
      if (row.cells.length !== header.length) {
        throw new FileFormatError(
          { file: path, line: row.line },
          `expected ${header.length} cells, got ${row.cells.length}`,
        );
      }
      const entries: [string, unknown][] = [];
      header.forEach((name, c) => {
        if (runColumns && c >= 1 && c <= RUN_COLUMNS.length) return; // from meta, not the record
        const at = { file: path, line: row.line, column: c + 1, field: name };
        const value = decodeCell(row.cells[c], row.quoted[c], KINDS.get(name) ?? "json", at);
        const absent = value === undefined || (value === null && OPTIONAL.has(name));
        if (value === NULL_CELL) entries.push([name, null]);
        else if (!absent) entries.push([name, value]);
      });
      // fromEntries defines own properties, so a column named __proto__ stays data.
      const record = Object.fromEntries(entries);
      requests.push(checkRecord(record, { file: path, line: row.line }));
    } catch (error) {
      salvager.skip(error);
    }
  }
  return { meta, requests };
}

/** Parses the CSV body (line 3 on); when salvaging, a syntax error ends the readable part. */
function parseRows(body: string, path: string, salvager: Salvager) {
  try {
    return parseCsv(body, path, 3);
  } catch (caught) {
    const error = withColumnName(caught, body, path);
    if (!salvager.enabled || !(error instanceof FileFormatError) || error.line === undefined) {
      throw error;
    }
    salvager.skip(error);
    // Keep the rows before the line where the error starts; the row cut there is dropped below.
    let offset = 0;
    for (let line = 3; line < error.line && offset !== -1; line++) {
      offset = body.indexOf("\n", offset) + 1 || -1;
    }
    const rows = offset > 0 ? parseCsv(body.slice(0, offset), path, 3) : [];
    const last = rows.at(-1);
    if (rows.length > 1 && last && rows[0].cells.length !== last.cells.length) rows.pop();
    return rows;
  }
}

/** A CSV syntax error with the name of its column added, when the header can be read. */
function withColumnName(error: unknown, body: string, path: string): unknown {
  if (!(error instanceof FileFormatError) || error.column === undefined || error.line === 3) {
    return error;
  }
  try {
    const end = body.indexOf("\n");
    const header = parseCsv(end === -1 ? body : body.slice(0, end), path, 3)[0]?.cells ?? [];
    const field = header[error.column - 1];
    if (field === undefined) return error;
    return new FileFormatError(
      { file: path, line: error.line, column: error.column, field },
      error.reason,
    );
  } catch {
    return error;
  }
}

function decodeCell(
  cell: string,
  quoted: boolean,
  kind: FieldKind,
  at: { file: string; line: number; column: number; field: string },
): unknown {
  const empty = cell === "" && !quoted;
  switch (kind) {
    case "string":
      return restoreFormula(cell);
    case "nullable_string":
      return empty ? null : restoreFormula(cell);
    case "number":
    case "nullable_number": {
      if (empty) {
        if (kind === "nullable_number") return null;
        throw new FileFormatError(at, "a number is required, the cell is empty");
      }
      if (kind === "nullable_number" && cell === "null" && !quoted) return NULL_CELL;
      if (!NUMBER.test(cell)) {
        throw new FileFormatError(at, `not a number: ${JSON.stringify(cell.slice(0, 40))}`);
      }
      return Number(cell);
    }
    case "boolean": {
      const lower = cell.toLowerCase();
      if (lower === "true" || lower === "false") return lower === "true";
      throw new FileFormatError(
        at,
        `expected true or false, got ${JSON.stringify(cell.slice(0, 40))}`,
      );
    }
    case "json":
      if (empty) return undefined;
      try {
        return parseJson(cell, at.file, at.line);
      } catch (error) {
        throw new FileFormatError(
          at,
          `the cell is not valid JSON (${(error as Error).message.replace(/^[^ ]*: /, "")})`,
        );
      }
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
