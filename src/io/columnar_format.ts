/**
 * Columnar run files: Parquet (`.parquet`) and Arrow IPC (`.arrow`). The main file is the request
 * table, one row per request; the run's meta is JSON in the file's key-value metadata. Beside it,
 * `<name>.chunks.<ext>` is the chunk table, one row per content chunk, for queries (DuckDB,
 * pandas); loading reads the main file only, which holds every field. Layout in docs/FILES.md.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import type { RequestRecord, Run } from "../types.ts";
import { flechette } from "../deps/arquero.ts";
import { parquetMetadata, parquetReadObjects, parquetWriteBuffer } from "../deps/hyparquet.ts";
import { RECORD_FIELDS, type RecordField } from "../table/record_fields.ts";
import { FileFormatError } from "./errors.ts";
import { parseJson } from "./json_text.ts";
import { checkFileSchemaVersion, checkMeta, checkRecord, SCHEMA_VERSION } from "./validate.ts";

/** The columnar formats. */
export type ColumnarFormat = "parquet" | "arrow";

/** Key of the run's meta (JSON) in the file's key-value metadata. */
export const META_KEY = "vllm_metrics.meta";
/** Key of the schema version in the file's key-value metadata. */
const VERSION_KEY = "vllm_metrics.schema_version";
/** Column holding, as JSON, the fields of a record no field list names (a newer writer's). */
const EXTRA_COLUMN = "extra_fields";

/**
 * The chunk table `save` writes beside a columnar run file: `runs/a.parquet` →
 * `runs/a.chunks.parquet` (one row per content chunk; see docs/FILES.md).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chunkTablePath } from "./columnar_format.ts";
 * assert.equal(chunkTablePath("runs/a.parquet"), "runs/a.chunks.parquet");
 * assert.equal(chunkTablePath("b.arrow"), "b.chunks.arrow");
 * ```
 */
export function chunkTablePath(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf(".");
  return join(dirname(path), `${name.slice(0, dot)}.chunks${name.slice(dot)}`);
}

/** Whether a file name is a chunk table (skipped by `loadAll`: it is part of its request table). */
export function isChunkTable(name: string): boolean {
  return /\.chunks\.(parquet|arrow)$/i.test(name);
}

/** How a record field is stored in a column: its type, and how a value becomes a cell. */
type ColumnKind = "string" | "double" | "boolean" | "json";

/** Objects, lists and optional fields are JSON text (null = absent), so every value round-trips. */
function kindOf(field: RecordField): ColumnKind {
  if (field.optional || field.kind === "json") return "json";
  if (field.kind === "number" || field.kind === "nullable_number") return "double";
  if (field.kind === "boolean") return "boolean";
  return "string";
}

/** A typed column of the request or chunk table. */
interface Column {
  name: string;
  kind: ColumnKind;
  values: unknown[];
}

/** The request table's columns: every record field in order, then the extra fields as JSON. */
function requestColumns(run: Run): Column[] {
  const known = new Set<string>(RECORD_FIELDS.map((f) => f.name));
  const columns: Column[] = RECORD_FIELDS.map((field) => {
    const kind = kindOf(field);
    const values = run.requests.map((record) => {
      const value = (record as unknown as Record<string, unknown>)[field.name];
      if (kind !== "json") return value;
      return value === undefined ? null : JSON.stringify(value);
    });
    return { name: field.name, kind, values };
  });
  const extras = run.requests.map((record) => {
    const extra = Object.entries(record).filter(([key]) => !known.has(key));
    return extra.length ? JSON.stringify(Object.fromEntries(extra)) : null;
  });
  columns.push({ name: EXTRA_COLUMN, kind: "json", values: extras });
  return columns;
}

/** The chunk table: one row per content chunk (as `toChunkTable`, without run settings). */
function chunkColumns(run: Run): Column[] {
  const c = {
    run_id: [] as string[],
    index: [] as number[],
    request_id: [] as string[],
    chunk: [] as number[],
    t_ms: [] as number[],
    wall_ms: [] as number[],
    gap_ms: [] as (number | null)[],
    tokens: [] as (number | null)[],
  };
  for (const r of run.requests) {
    r.chunk_times_ms.forEach((t, i) => {
      c.run_id.push(r.run_id);
      c.index.push(r.index);
      c.request_id.push(r.request_id);
      c.chunk.push(i);
      c.t_ms.push(t);
      c.wall_ms.push(r.start_ms + t);
      c.gap_ms.push(i === 0 ? null : t - r.chunk_times_ms[i - 1]);
      c.tokens.push(r.chunk_tokens?.[i] ?? null);
    });
  }
  return Object.entries(c).map(([name, values]) => ({
    name,
    kind: name === "run_id" || name === "request_id" ? "string" : "double",
    values,
  }));
}

/** The key-value metadata of both files: schema version and the run's meta as JSON. */
function fileMetadata(run: Run): [string, string][] {
  return [[VERSION_KEY, String(SCHEMA_VERSION)], [META_KEY, JSON.stringify(run.meta)]];
}

const PARQUET_TYPES = { string: "STRING", double: "DOUBLE", boolean: "BOOLEAN", json: "STRING" };

function parquetBytes(columns: Column[], metadata: [string, string][]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({
      name: c.name,
      data: c.values,
      type: PARQUET_TYPES[c.kind] as "STRING",
    })),
    kvMetadata: metadata.map(([key, value]) => ({ key, value })),
  });
  return new Uint8Array(buffer);
}

function arrowBytes(columns: Column[], metadata: [string, string][]): Uint8Array {
  const types = {
    string: flechette.utf8(),
    json: flechette.utf8(),
    double: flechette.float64(),
    boolean: flechette.bool(),
  };
  const table = flechette.tableFromArrays(
    Object.fromEntries(columns.map((c) => [c.name, c.values])),
    { types: Object.fromEntries(columns.map((c) => [c.name, types[c.kind]])) },
  );
  table.schema.metadata = new Map(metadata);
  return flechette.tableToIPC(table, { format: "file" })!;
}

/**
 * The two files of a run in a columnar format: `[requests, chunks]`, each as bytes.
 */
export function encodeColumnar(run: Run, format: ColumnarFormat): [Uint8Array, Uint8Array] {
  const encode = format === "parquet" ? parquetBytes : arrowBytes;
  const metadata = fileMetadata(run);
  return [encode(requestColumns(run), metadata), encode(chunkColumns(run), metadata)];
}

/** Reads the request table of a columnar run file back into the run that was saved. */
export async function decodeColumnar(path: string, format: ColumnarFormat): Promise<Run> {
  const bytes = await Deno.readFile(path);
  let table: { metadata: Map<string, string>; rows: Record<string, unknown>[] };
  try {
    table = format === "parquet" ? await readParquet(bytes) : readArrow(bytes);
  } catch (error) {
    throw new FileFormatError(
      { file: path },
      `not a readable ${format} file: ${(error as Error).message}`,
    );
  }
  const at = { file: path };
  const version = table.metadata.get(VERSION_KEY);
  checkFileSchemaVersion(version === undefined ? undefined : Number(version), at);
  const metaText = table.metadata.get(META_KEY);
  if (metaText === undefined) throw new FileFormatError(at, `no ${META_KEY} in the file metadata`);
  const meta = checkMeta(parseJson(metaText, `${path} (${META_KEY})`), at);
  const fields = new Map(RECORD_FIELDS.map((f) => [f.name as string, kindOf(f)]));
  const requests = table.rows.map((row, i) =>
    checkRecord(recordOf(row, fields, path, i), { file: path, line: i + 1 })
  );
  return { meta, requests };
}

/** A record from a row: JSON cells parsed, an absent optional field left out. */
function recordOf(
  row: Record<string, unknown>,
  fields: Map<string, ColumnKind>,
  path: string,
  i: number,
): RequestRecord {
  const record: Record<string, unknown> = {};
  for (const [name, kind] of fields) {
    const cell = row[name];
    if (kind !== "json") {
      record[name] = cell === undefined ? null : cell;
      continue;
    }
    if (cell === null || cell === undefined) continue;
    record[name] = parseJson(String(cell), `${path} (row ${i + 1}, ${name})`);
  }
  const extra = row[EXTRA_COLUMN];
  if (typeof extra === "string") {
    Object.assign(record, parseJson(extra, `${path} (row ${i + 1}, ${EXTRA_COLUMN})`));
  }
  return record as unknown as RequestRecord;
}

async function readParquet(bytes: Uint8Array) {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file as ArrayBuffer);
  const kv = new Map(
    (metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? ""] as [string, string]),
  );
  const rows = await parquetReadObjects({ file: file as ArrayBuffer });
  return { metadata: kv, rows: rows as Record<string, unknown>[] };
}

function readArrow(bytes: Uint8Array) {
  const table = flechette.tableFromIPC(bytes, { useBigInt: false });
  const rows = table.toArray() as Record<string, unknown>[];
  return { metadata: table.schema.metadata ?? new Map<string, string>(), rows };
}
