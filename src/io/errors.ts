/**
 * The error every loader throws for a bad file: it names the file, the line and (for CSV) the
 * column.
 *
 * @module
 */

/** Where in a file something went wrong; line and column are 1-based. */
export interface FilePosition {
  file: string;
  line?: number;
  column?: number;
  /** Column name (CSV), when known. */
  field?: string;
}

/**
 * A file that cannot be read as a run: unknown schema version, truncated, corrupt, or a value of
 * the wrong type. The message starts with `file:line[:column]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileFormatError } from "./errors.ts";
 * const e = new FileFormatError({ file: "run.csv", line: 3, column: 2 }, "bad number");
 * assert.equal(e.message, "run.csv:3:2: bad number");
 * ```
 */
export class FileFormatError extends Error {
  /** The file that could not be read. */
  readonly file: string;
  /** 1-based line, when the problem is on one line. */
  readonly line?: number;
  /** 1-based column (CSV), when known. */
  readonly column?: number;
  /** The message without the position prefix. */
  readonly reason: string;

  /** An error at `at` (file, line, column, field) saying `message`. */
  constructor(at: FilePosition, message: string) {
    const where = at.line === undefined
      ? at.file
      : `${at.file}:${at.line}${at.column === undefined ? "" : `:${at.column}`}`;
    const field = at.field === undefined ? "" : ` (column "${at.field}")`;
    super(`${where}${field}: ${message}`);
    this.name = "FileFormatError";
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.reason = message;
  }
}

/**
 * A file that holds no run at all, in any format the loaders know (a config file, a package.json,
 * a YAML that is no GuideLLM report), as opposed to a run file that is damaged. `loadAll` skips
 * such files in a folder, with a warning, and throws for them when they are named.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileFormatError, NotARunFileError } from "./errors.ts";
 * const e = new NotARunFileError({ file: "config.yaml" }, "not a GuideLLM benchmarks report");
 * assert.ok(e instanceof FileFormatError);
 * assert.equal(e.message, "config.yaml: not a GuideLLM benchmarks report");
 * ```
 */
export class NotARunFileError extends FileFormatError {
  /** An error at `at` saying why the file is no run. */
  constructor(at: FilePosition, message: string) {
    super(at, message);
    this.name = "NotARunFileError";
  }
}
