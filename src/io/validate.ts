/**
 * Checking that parsed values are a run's meta and records, with errors naming the file, the
 * line and the field.
 *
 * @module
 */

import type { RequestRecord, RunMeta } from "../types.ts";
import { RECORD_FIELDS } from "../table/record_fields.ts";
import { FileFormatError, type FilePosition, NotARunFileError } from "./errors.ts";
import type { ServerMetricsSample } from "./server_metrics_series.ts";

/** The file format version this code writes and reads. */
export const SCHEMA_VERSION = 1;

/** Throws unless `version` is {@link SCHEMA_VERSION}. */
export function checkSchemaVersion(version: unknown, at: FilePosition): void {
  if (version === undefined) {
    throw new FileFormatError(at, "no schema_version (not a vllm-metrics file?)");
  }
  if (version !== SCHEMA_VERSION) {
    throw new FileFormatError(
      at,
      `unsupported schema_version ${
        JSON.stringify(version)
      } (this version reads ${SCHEMA_VERSION})`,
    );
  }
}

/**
 * {@link checkSchemaVersion} for the version a file starts with: without one, the file holds no
 * run at all ({@link NotARunFileError}) rather than a damaged one.
 */
export function checkFileSchemaVersion(version: unknown, at: FilePosition): void {
  if (version === undefined) {
    throw new NotARunFileError(at, "no schema_version (not a vllm-metrics file?)");
  }
  checkSchemaVersion(version, at);
}

const META_FIELDS: [keyof RunMeta, string][] = [
  ["run_id", "string"],
  ["label", "string"],
  ["created_at", "string"],
  ["url", "string"],
  ["endpoint", "string"],
  ["model", "string"],
  ["load", "object"],
  ["started_ms", "number"],
  ["ended_ms", "number"],
  ["duration_ms", "number"],
  ["interrupted", "boolean"],
  ["client", "object"],
  ["trace_source", "string|null"],
  ["prometheus", "object|null"],
  ["extra", "object"],
];

/**
 * `value` as a {@link RunMeta}, or a {@link FileFormatError} at `at` naming the bad field.
 * With `partialTimes`, started_ms/ended_ms/duration_ms may be missing or null (a crash-safe JSONL
 * written before the run ended); they are then left as NaN for the caller to fill.
 */
export function checkMeta(value: unknown, at: FilePosition, partialTimes = false): RunMeta {
  if (!isObject(value)) {
    throw new FileFormatError(at, `meta must be an object, got ${describeValue(value)}`);
  }
  checkSchemaVersion(value.schema_version, at);
  for (const [name, type] of META_FIELDS) {
    const v = value[name];
    if (partialTimes && name.endsWith("_ms") && v == null) {
      value[name] = NaN;
      continue;
    }
    if (!hasType(v, type)) {
      throw new FileFormatError(
        at,
        `meta.${name} must be ${type.replace("|", " or ")}, got ${describeValue(v)}`,
      );
    }
  }
  if (value.server_metrics !== undefined) checkServerMetrics(value.server_metrics, at);
  if (value.metadata !== undefined) checkMetadataTags(value.metadata, at);
  if (value.dataset !== undefined) checkDatasetInfo(value.dataset, at);
  return value as unknown as RunMeta;
}

/** Throws a {@link FileFormatError} unless `value` is a {@link DatasetInfo} (meta.dataset). */
function checkDatasetInfo(value: unknown, at: FilePosition): void {
  const bad = (what: string) => {
    throw new FileFormatError(at, `meta.dataset${what}, got ${describeValue(value)}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    bad(" must be an object");
  }
  const info = value as Record<string, unknown>;
  if (typeof info.name !== "string") bad(".name must be a string");
  for (const key of ["path", "sha256"]) {
    if (info[key] !== undefined && typeof info[key] !== "string") bad(`.${key} must be a string`);
  }
  const settings = info.settings;
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
    bad(".settings must be an object");
  }
  for (const [key, setting] of Object.entries(settings as Record<string, unknown>)) {
    const ok = setting === null || ["string", "number", "boolean"].includes(typeof setting);
    if (!ok) bad(`.settings.${key} must be a string, number, boolean or null`);
  }
}

/** Throws a {@link FileFormatError} unless `value` is an object of string tags (meta.metadata). */
function checkMetadataTags(value: unknown, at: FilePosition): void {
  if (!isObject(value)) {
    throw new FileFormatError(at, `meta.metadata must be an object, got ${describeValue(value)}`);
  }
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== "string") {
      throw new FileFormatError(
        at,
        `meta.metadata.${key} must be a string, got ${describeValue(tag)}`,
      );
    }
  }
}

/** Throws a {@link FileFormatError} unless `value` is a ServerMetricsSeries (by column). */
function checkServerMetrics(value: unknown, at: FilePosition): void {
  const bad = (what: string) =>
    new FileFormatError(at, `meta.server_metrics${what}, got ${describeValue(value)}`);
  if (!isObject(value)) throw bad(" must be an object");
  const times = value.at_ms;
  if (!Array.isArray(times) || !times.every((t) => typeof t === "number")) {
    throw bad(".at_ms must be a list of numbers");
  }
  if (!isObject(value.values) || !isObject(value.types)) {
    throw bad(".values and .types must be objects");
  }
  for (const [series, column] of Object.entries(value.values)) {
    const ok = Array.isArray(column) && column.length === times.length &&
      column.every((v) => v === null || typeof v === "number");
    if (!ok) {
      throw new FileFormatError(
        at,
        `meta.server_metrics.values[${
          JSON.stringify(series)
        }] must be ${times.length} numbers or nulls (one per scrape), got ${describeValue(column)}`,
      );
    }
  }
}

/**
 * Throws a {@link FileFormatError} unless `value` is one scrape of a `.jsonl` log's
 * `{"type":"metrics"}` line.
 */
export function checkServerMetricsSample(value: unknown, at: FilePosition): ServerMetricsSample {
  const bad = (what: string) =>
    new FileFormatError(at, `metrics line: ${what}, got ${describeValue(value)}`);
  if (!isObject(value)) throw bad("must be an object");
  if (typeof value.url !== "string") throw bad("url must be a string");
  if (!isFiniteNumber(value.interval_ms) || !isFiniteNumber(value.at_ms)) {
    throw bad("interval_ms and at_ms must be numbers");
  }
  const { values, types } = value;
  if (!isObject(values) || !Object.values(values).every((v) => v === null || isFiniteNumber(v))) {
    throw bad("values must be an object of numbers or nulls");
  }
  if (!isObject(types) || !Object.values(types).every((t) => typeof t === "string")) {
    throw bad("types must be an object of strings");
  }
  return value as unknown as ServerMetricsSample;
}

/**
 * `value` as a {@link RequestRecord}, or a {@link FileFormatError} at `at` naming the field.
 * Every field of the record type is required; extra fields are kept as they are.
 */
export function checkRecord(value: unknown, at: FilePosition): RequestRecord {
  if (!isObject(value)) {
    throw new FileFormatError(at, `request must be an object, got ${describeValue(value)}`);
  }
  for (const field of RECORD_FIELDS) {
    const v = value[field.name];
    if (field.optional && v === undefined) continue;
    let ok: boolean;
    switch (field.kind) {
      case "string":
        ok = typeof v === "string";
        break;
      case "nullable_string":
        ok = v === null || typeof v === "string";
        break;
      case "number":
        ok = isFiniteNumber(v);
        break;
      case "nullable_number":
        ok = v === null || isFiniteNumber(v);
        break;
      case "boolean":
        ok = typeof v === "boolean";
        break;
      case "json":
        ok = checkJsonField(field.name, v);
        break;
    }
    if (!ok) {
      throw new FileFormatError(
        at,
        `request field "${field.name}" must be ${
          EXPECTED[field.name] ?? field.kind.replace("nullable_", "null or ")
        }, got ${describeValue(v)}`,
      );
    }
  }
  return value as unknown as RequestRecord;
}

const EXPECTED: Record<string, string> = {
  params: "an object",
  itl_ms: "a list of numbers",
  chunk_times_ms: "a list of numbers",
  non_content_chunk_times_ms: "a list of numbers",
  chunk_tokens: "null or a list of numbers",
  error: "null or an object with kind and message",
  server_spans: "a list of objects",
  value_notes: "a list of strings",
  stream_notes: "a list of strings",
};

function checkJsonField(name: string, v: unknown): boolean {
  switch (name) {
    case "params":
      return isObject(v);
    case "itl_ms":
    case "chunk_times_ms":
    case "non_content_chunk_times_ms":
      return Array.isArray(v) && v.every(isFiniteNumber);
    case "chunk_tokens":
      return v === null || (Array.isArray(v) && v.every(isFiniteNumber));
    case "error":
      return v === null ||
        (isObject(v) && typeof v.kind === "string" && typeof v.message === "string");
    case "server_spans":
      return Array.isArray(v) && v.every(isObject);
    case "value_notes":
    case "stream_notes":
      return Array.isArray(v) && v.every((note) => typeof note === "string");
    default:
      return true;
  }
}

/** A plain object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function hasType(v: unknown, type: string): boolean {
  return type.split("|").some((t) => {
    switch (t) {
      case "null":
        return v === null;
      case "object":
        return isObject(v);
      case "number":
        return isFiniteNumber(v);
      case "string":
        return typeof v === "string";
      case "boolean":
        return typeof v === "boolean";
      default:
        return false;
    }
  });
}

/** A short description of a bad value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing (missing)";
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}
