/**
 * The Parquet and Arrow run files read the same in other tools: pandas/pyarrow and DuckDB
 * (read_columnar.py, in the venv that ./setup.sh installs; `deno task e2e`) see the same row
 * count and the same values as the run that was saved, and DuckDB's folder query of
 * docs/FILES.md counts every run's requests.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { cacheDir, E2E_DIR, shortHash } from "../_parts.ts";
import { save } from "../../../src/io/save.ts";
import { RECORD_FIELDS } from "../../../src/table/record_fields.ts";
import { makeRecord, makeRun } from "../../../src/table/_fixtures.ts";
import type { Run } from "../../../src/types.ts";

const SCRIPT = fileURLToPath(new URL("./read_columnar.py", import.meta.url));

/** The Python of the venv ./setup.sh creates, or an error saying to run it. */
async function columnarPython(): Promise<string> {
  const hash = await shortHash([`${E2E_DIR}columnar/requirements.txt`]);
  const python = `${cacheDir()}/venv-columnar-${hash}/bin/python`;
  try {
    await Deno.stat(python);
  } catch {
    throw new Error(`${python} is missing: run bash tests/e2e/columnar/setup.sh`);
  }
  return python;
}

/** What one reader saw of one file. */
interface Seen {
  rows: number;
  names: string[];
  columns: Record<string, unknown[]>;
  metadata?: Record<string, string>;
}

/** A run with the awkward values: nulls, a failure, text with commas, quotes and non-ASCII. */
function awkwardRun(run_id: string, label: string): Run {
  return makeRun([
    makeRecord({ run_id, chunk_tokens: [1, 2, 1, 3], tag: 'a,"b"\nc', model: "modèle-ü" }),
    makeRecord({
      run_id,
      index: 1,
      request_id: "req-1",
      success: false,
      ttft_ms: null,
      e2e_ms: null,
      tpot_ms: null,
      chunk_times_ms: [],
      itl_ms: [],
      chunk_tokens: null,
      error: { kind: "http_error", message: "HTTP 500", status: 500 },
    }),
    makeRecord({ run_id, index: 2, request_id: "req-2", ttft_ms: 12.345678901234567 }),
  ], { run_id, label });
}

/** The column value a record field is stored as (JSON text for lists, objects, optional ones). */
function stored(record: Record<string, unknown>, name: string, json: boolean): unknown {
  const value = record[name];
  if (!json) return value ?? null;
  return value === undefined ? null : value;
}

function assertSameRequests(seen: Seen, run: Run, where: string): void {
  assert.equal(seen.rows, run.requests.length, `${where}: rows`);
  for (const field of RECORD_FIELDS) {
    const json = field.optional || field.kind === "json";
    const cells = seen.columns[field.name];
    assert.ok(cells, `${where}: column ${field.name}`);
    const values = cells.map((c) => (json && typeof c === "string" ? JSON.parse(c) : c));
    const expected = run.requests.map((r) =>
      stored(r as unknown as Record<string, unknown>, field.name, json)
    );
    assert.deepEqual(values, expected, `${where}: ${field.name}`);
  }
}

Deno.test("pandas/pyarrow and DuckDB read the saved Parquet and Arrow files with the same values", async () => {
  const python = await columnarPython();
  const dir = await Deno.makeTempDir();
  try {
    const run = awkwardRun("run-a", "a");
    await save(run, join(dir, "run.parquet"));
    await save(run, join(dir, "run.arrow"));
    const other = awkwardRun("run-b", "b");
    other.requests.pop();
    await save(other, join(dir, "other.parquet"));
    const out = await new Deno.Command(python, { args: [SCRIPT, dir] }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const seen = JSON.parse(new TextDecoder().decode(out.stdout));

    for (const file of ["run.parquet", "run.arrow"]) {
      for (const reader of ["pandas", "duckdb"]) {
        assertSameRequests(seen[file][reader], run, `${file} (${reader})`);
      }
      assert.deepEqual(JSON.parse(seen[file].pandas.metadata["vllm_metrics.meta"]), run.meta);
    }
    assert.deepEqual(
      JSON.parse(seen["run.parquet"].duckdb.metadata["vllm_metrics.meta"]),
      run.meta,
    );

    const times = run.requests.flatMap((r) => r.chunk_times_ms);
    for (const file of ["run.chunks.parquet", "run.chunks.arrow"]) {
      for (const reader of ["pandas", "duckdb"]) {
        const chunks: Seen = seen[file][reader];
        assert.equal(chunks.rows, times.length, `${file} (${reader})`);
        assert.deepEqual(chunks.columns.t_ms, times, `${file} (${reader})`);
        assert.deepEqual(chunks.columns.tokens.slice(0, 4), [1, 2, 1, 3]);
      }
    }

    // The folder query: each run once, with its own request count and median TTFT.
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const ttfts = (r: Run) => r.requests.flatMap((q) => (q.ttft_ms === null ? [] : [q.ttft_ms]));
    assert.deepEqual(seen.folder_query, [
      ["run-a", 3, median(ttfts(run))],
      ["run-b", 2, median(ttfts(other))],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
