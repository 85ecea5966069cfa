/**
 * The `.json` run file: `{"schema_version":1,"meta":{...},"requests":[...]}`, written with the
 * header on line 1, one request per line after it and `]}` on the last line. That layout is valid
 * JSON and lets the loader stream requests line by line and name the line of a bad one; JSON in
 * any other layout is read whole (up to V8's string limit).
 *
 * @module
 */

import type { RequestRecord, Run } from "../types.ts";
import { FileFormatError } from "./errors.ts";
import { parseJson } from "./json_text.ts";
import { readLines } from "./lines.ts";
import type { Salvager } from "./salvage.ts";
import {
  checkFileSchemaVersion,
  checkMeta,
  checkRecord,
  isObject,
  SCHEMA_VERSION,
} from "./validate.ts";

const HEADER_PREFIX = '{"schema_version":';
const HEADER_SUFFIX = '"requests":[';

/** The pieces of a `.json` run file, in the line layout described above. */
export function* encodeJson(run: Run): Generator<string> {
  yield `{"schema_version":${SCHEMA_VERSION},"meta":${JSON.stringify(run.meta)},"requests":[\n`;
  const n = run.requests.length;
  for (let i = 0; i < n; i++) {
    yield JSON.stringify(run.requests[i]) + (i < n - 1 ? ",\n" : "\n");
  }
  yield "]}\n";
}

/** Reads a `.json` run file (any layout); salvaging skips bad request lines of the line layout. */
export async function decodeJson(path: string, salvager: Salvager): Promise<Run> {
  const lines = readLines(path);
  const first = await lines.next();
  if (first.done) throw new FileFormatError({ file: path, line: 1 }, "empty file");
  const header = first.value.text;
  if (!(header.startsWith(HEADER_PREFIX) && header.endsWith(HEADER_SUFFIX))) {
    await lines.return(undefined);
    return decodeWholeJson(path);
  }
  const top = parseJson(header + "]}", path, 1) as Record<string, unknown>;
  checkFileSchemaVersion(top.schema_version, { file: path, line: 1 });
  const meta = checkMeta(top.meta, { file: path, line: 1 });
  const requests: RequestRecord[] = [];
  let closed = false;
  let lastLine = 1;
  let expectEnd = false;
  for await (const { text, line, terminated } of lines) {
    lastLine = line;
    if (closed) {
      if (text.trim() !== "") {
        throw new FileFormatError({ file: path, line }, "text after the closing ]}");
      }
      continue;
    }
    if (text === "]}") {
      closed = true;
      continue;
    }
    try {
      if (expectEnd && !salvager.enabled) {
        throw new FileFormatError(
          { file: path, line: line - 1 },
          "missing comma after this request",
        );
      }
      const comma = text.endsWith(",");
      const value = parseJson(comma ? text.slice(0, -1) : text, path, line);
      if (!terminated) throw new FileFormatError({ file: path, line }, "truncated last line");
      requests.push(checkRecord(value, { file: path, line }));
      expectEnd = !comma;
    } catch (error) {
      salvager.skip(error);
    }
  }
  if (!closed && !salvager.enabled) {
    throw new FileFormatError(
      { file: path, line: lastLine },
      "truncated: the file ends without the closing ]}",
    );
  }
  return { meta, requests };
}

async function decodeWholeJson(path: string): Promise<Run> {
  const top = parseJson(await Deno.readTextFile(path), path);
  if (!isObject(top)) throw new FileFormatError({ file: path, line: 1 }, "not a JSON object");
  checkFileSchemaVersion(top.schema_version, { file: path, line: 1 });
  const meta = checkMeta(top.meta, { file: path });
  if (!Array.isArray(top.requests)) {
    throw new FileFormatError({ file: path }, '"requests" must be a list');
  }
  const requests = top.requests.map((value, i) => {
    try {
      return checkRecord(value, { file: path });
    } catch (error) {
      throw new FileFormatError(
        { file: path },
        `requests[${i}]: ${(error as Error).message.replace(`${path}: `, "")}`,
      );
    }
  });
  return { meta, requests };
}
