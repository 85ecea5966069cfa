/**
 * Keeping runs storable: a value that JSON and CSV cannot hold as it is (a non-finite number from
 * a hostile stream or span, a string with a lone surrogate) is replaced on the way in, with a note
 * on the record saying what was replaced. So every run `collect`/`enrich` produce saves and loads
 * back unchanged, in all three formats.
 *
 * @module
 */

import type { PrometheusSnapshot, RequestRecord, Run, RunMeta } from "../types.ts";
import { RECORD_FIELDS } from "../table/record_fields.ts";

const KIND = new Map(RECORD_FIELDS.map((f) => [f.name as string, f.kind]));
/** Lists of numbers whose items are positions in time: a bad item is dropped. */
const NUMBER_LISTS = new Set(["itl_ms", "chunk_times_ms", "non_content_chunk_times_ms"]);

/**
 * `record` with every value made storable: a non-finite number in a nullable number field
 * becomes null (in a required one, 0); a `chunk_tokens` list holding one becomes null; items of
 * the time lists are dropped; inside params, error, spans and extra fields it becomes null (what
 * JSON writes for it). `-0` becomes 0 and lone surrogates U+FFFD, as the files would store them.
 * Each replacement adds a note to `value_notes`. Returns `record` itself when nothing changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finiteRecord } from "./finite.ts";
 * import { makeRecord } from "../table/_fixtures.ts";
 * const record = finiteRecord(makeRecord({ server_queue_ms: Infinity }));
 * assert.equal(record.server_queue_ms, null);
 * assert.deepEqual(record.value_notes, ["server_queue_ms: Infinity is not a finite number; stored as null"]);
 * ```
 */
export function finiteRecord(record: RequestRecord): RequestRecord {
  // Fast path: a check that allocates nothing; almost every record passes it.
  if (isStorable(record)) return record;
  const notes: string[] = [];
  const fields = record as unknown as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(fields)) {
    const fixed = fixField(name, value, notes);
    if (!Object.is(fixed, value)) {
      copy ??= { ...fields };
      copy[name] = fixed;
    }
  }
  if (copy === null) return record;
  if (notes.length > 0) copy.value_notes = [...(record.value_notes ?? []), ...notes];
  return copy as unknown as RequestRecord;
}

/**
 * `run` with {@link finiteRecord} applied to every record and its meta made storable too:
 * Prometheus samples that are NaN or ±Inf (legal in the exposition format) are left out of
 * `meta.prometheus`; any other non-finite meta value becomes null with a note in `meta.warnings`.
 */
export function finiteRun(run: Run): Run {
  if (isStorable(run.meta) && run.requests.every(isStorable)) return run;
  const notes: string[] = [];
  const meta = storable(withFinitePrometheus(run.meta), "meta", notes) as RunMeta;
  let changed = meta !== run.meta;
  const requests = run.requests.map((record) => {
    const fixed = finiteRecord(record);
    if (fixed !== record) changed = true;
    return fixed;
  });
  if (!changed) return run;
  if (notes.length > 0) meta.warnings = [...(meta.warnings ?? []), ...notes];
  return { ...run, meta, requests };
}

/** `meta` without the non-finite samples of its Prometheus snapshots (same object if none). */
function withFinitePrometheus(meta: RunMeta): RunMeta {
  const scrapes = meta.prometheus;
  if (scrapes === null || typeof scrapes !== "object") return meta;
  const finite = (snapshot: PrometheusSnapshot | undefined) => {
    if (!snapshot?.values || Object.values(snapshot.values).every(Number.isFinite)) return snapshot;
    const values = Object.fromEntries(
      Object.entries(snapshot.values).filter(([, v]) => Number.isFinite(v)),
    );
    return { ...snapshot, values };
  };
  const before = finite(scrapes.before);
  const after = finite(scrapes.after);
  if (before === scrapes.before && after === scrapes.after) return meta;
  return { ...meta, prometheus: { ...scrapes, before: before!, after: after! } };
}

function fixField(name: string, value: unknown, notes: string[]): unknown {
  const kind = KIND.get(name) ?? "json";
  if (typeof value === "number") {
    if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
    const replacement = kind === "number" ? 0 : null;
    notes.push(`${name}: ${value} is not a finite number; stored as ${replacement}`);
    return replacement;
  }
  if (name === "chunk_tokens" && Array.isArray(value) && value.some(notFinite)) {
    notes.push(`chunk_tokens: held ${value.find(notFinite)}, not a finite number; stored as null`);
    return null;
  }
  if (NUMBER_LISTS.has(name) && Array.isArray(value) && value.some(notFinite)) {
    const kept = value.filter((x) => !notFinite(x));
    notes.push(`${name}: ${value.length - kept.length} non-finite items dropped`);
    return storable(kept, name, notes);
  }
  return storable(value, name, notes);
}

/** Whether JSON and CSV hold `value` exactly as it is (finite numbers but −0, well-formed text). */
function isStorable(value: unknown): boolean {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
    case "string":
      return value.isWellFormed();
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isStorable(value[i])) return false;
        return true;
      }
      for (const key in value) {
        if (!key.isWellFormed() || !isStorable((value as Record<string, unknown>)[key])) {
          return false;
        }
      }
      return true;
    }
    default:
      return true;
  }
}

function notFinite(x: unknown): boolean {
  return typeof x === "number" && !Number.isFinite(x);
}

/**
 * `value` with non-finite numbers (→ null, noted), -0 (→ 0) and lone surrogates (→ U+FFFD)
 * replaced at any depth; the same object when nothing needed it.
 */
function storable(value: unknown, path: string, notes: string[]): unknown {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
    notes.push(`${path}: ${value} is not a finite number; stored as null`);
    return null;
  }
  if (typeof value === "string") return value.isWellFormed() ? value : value.toWellFormed();
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const fixed = storable(item, `${path}[${i}]`, notes);
      if (!Object.is(fixed, item)) (copy ??= [...value])[i] = fixed;
    });
    return copy ?? value;
  }
  if (typeof value === "object" && value !== null) {
    let copy: Record<string, unknown> | null = null;
    for (const [key, item] of Object.entries(value)) {
      const goodKey = key.isWellFormed() ? key : key.toWellFormed();
      const fixed = storable(item, `${path}.${goodKey}`, notes);
      if (!Object.is(fixed, item) || goodKey !== key) {
        copy ??= { ...value as Record<string, unknown> };
        if (goodKey !== key) delete copy[key];
        // defineProperty: a key named __proto__ stays data.
        Object.defineProperty(copy, goodKey, {
          value: fixed,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return copy ?? value;
  }
  return value;
}
