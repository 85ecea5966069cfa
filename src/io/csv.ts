/**
 * CSV (RFC 4180) reading and writing — the one place in the project that does it.
 *
 * Written here rather than with arquero's fromCSV/toCSV (jsr:@std/csv is unreachable): arquero
 * reads an unquoted empty cell and a quoted empty cell (`""`) both as null and infers types per
 * column (ids such as `0012` become numbers), so strings would not round-trip exactly. This parser
 * keeps every cell a string and reports whether it was quoted, so `""` (empty string) and an
 * empty cell (null) stay distinct. Quoted cells may hold commas, quotes (`""`) and newlines;
 * rows end with LF or CRLF.
 *
 * @module
 */

import { FileFormatError } from "./errors.ts";

/** One parsed row: its cells, which of them were quoted, and the line it starts on (1-based). */
export interface CsvRow {
  cells: string[];
  quoted: boolean[];
  line: number;
}

/**
 * Parses CSV text into rows. Throws a {@link FileFormatError} naming `file`, the line and the
 * column (1-based cell number) for a quote inside an unquoted cell, text after a closing quote,
 * or a quoted cell left open at the end (a truncated file). `firstLine` numbers the text's first
 * line when it is not the file's first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./csv.ts";
 * const [row] = parseCsv('a,"b,""c""",\n', "x.csv");
 * assert.deepEqual(row.cells, ["a", 'b,"c"', ""]);
 * assert.deepEqual(row.quoted, [false, true, false]);
 * ```
 */
export function parseCsv(text: string, file: string, firstLine = 1): CsvRow[] {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0;
  let line = firstLine;
  while (i < n) {
    const rowLine = line;
    const cells: string[] = [];
    const quoted: boolean[] = [];
    for (;;) {
      const column = cells.length + 1;
      if (text[i] === '"') {
        const startLine = line;
        let value = "";
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            throw new FileFormatError(
              { file, line: startLine, column },
              "quoted cell is never closed (truncated file?)",
            );
          }
          line += countNewlines(text, i, q);
          if (text[q + 1] === '"') {
            value += text.slice(from, q + 1);
            i = from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        const next = text[i];
        if (i < n && next !== "," && next !== "\n" && next !== "\r") {
          throw new FileFormatError(
            { file, line, column },
            `text after the closing quote: ${JSON.stringify(text.slice(i, i + 10))}`,
          );
        }
        cells.push(value);
        quoted.push(true);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break; // , \n \r
          if (c === 34) {
            throw new FileFormatError({ file, line, column }, 'quote (") inside an unquoted cell');
          }
          j++;
        }
        cells.push(text.slice(i, j));
        quoted.push(false);
        i = j;
      }
      if (i >= n) break;
      if (text[i] === ",") {
        i++;
        continue;
      }
      // End of row: \n or \r\n (a lone \r also ends it).
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    rows.push({ cells, quoted, line: rowLine });
  }
  return rows;
}

/**
 * One CSV row: `null` → an empty unquoted cell; strings quoted when they contain a comma, quote,
 * CR or LF, or are empty (so `""` reads back as an empty string, not null). Ends with `\n`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCsvRow } from "./csv.ts";
 * assert.equal(formatCsvRow(["a", null, "", 'say "hi"']), 'a,,"","say ""hi"""\n');
 * ```
 */
export function formatCsvRow(cells: readonly (string | null)[]): string {
  return cells.map(formatCsvCell).join(",") + "\n";
}

function formatCsvCell(cell: string | null): string {
  if (cell === null) return "";
  if (cell === "" || /[",\r\n]/.test(cell)) return `"${cell.replaceAll('"', '""')}"`;
  return cell;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) count++;
  }
  return count;
}
