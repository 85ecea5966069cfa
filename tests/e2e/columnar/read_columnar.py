"""Reads run files saved as Parquet and Arrow IPC with pandas/pyarrow and with DuckDB, and prints
what each reader sees as JSON, for tests/e2e/columnar/columnar_test.ts to compare with the run.

Usage: read_columnar.py FOLDER (holding run.parquet, run.chunks.parquet, run.arrow,
run.chunks.arrow). Output: {"<file>": {"pandas": {...}, "duckdb": {...}}, "folder_query": [...]}
where each reader gives the row count, the column names, the columns as lists (NaN/None as null)
and the file's key-value metadata (Parquet) or schema metadata (Arrow).
"""

import json
import math
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def cell(value):
    """A JSON-able cell: NaN and pandas' missing values become None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return cell(value.item())
    return value


def columns_of(frame):
    return {name: [cell(v) for v in frame[name].tolist()] for name in frame.columns}


def decoded(metadata):
    return {k.decode(): v.decode() for k, v in (metadata or {}).items()}


def read_parquet(path):
    frame = pd.read_parquet(path, engine="pyarrow")
    metadata = decoded(pq.read_metadata(path).metadata)
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    names = [d[0] for d in con.description]
    kv = con.execute(
        f"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{path}')"
    ).fetchall()
    return {
        "pandas": {"rows": len(frame), "names": list(frame.columns), "columns": columns_of(frame), "metadata": metadata},
        "duckdb": {
            "rows": len(rows),
            "names": names,
            "columns": {n: [cell(r[i]) for r in rows] for i, n in enumerate(names)},
            "metadata": dict(kv),
        },
    }


def read_arrow(path):
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    frame = table.to_pandas()
    con = duckdb.connect()
    con.register("t", table)
    rows = con.execute("SELECT * FROM t").fetchall()
    names = [d[0] for d in con.description]
    return {
        "pandas": {"rows": len(frame), "names": list(frame.columns), "columns": columns_of(frame), "metadata": decoded(table.schema.metadata)},
        "duckdb": {"rows": len(rows), "names": names, "columns": {n: [cell(r[i]) for r in rows] for i, n in enumerate(names)}},
    }


def folder_query(folder):
    """The one-liner of docs/FILES.md: request tables of a folder, by run."""
    con = duckdb.connect()
    return con.execute(
        f"SELECT run_id, count(*) AS requests, median(ttft_ms) AS median_ttft_ms "
        f"FROM read_parquet('{folder}/*.parquet', filename = true, union_by_name = true) "
        f"WHERE filename NOT LIKE '%.chunks.parquet' GROUP BY run_id ORDER BY run_id"
    ).fetchall()


def main():
    folder = Path(sys.argv[1])
    out = {}
    for name in ["run.parquet", "run.chunks.parquet"]:
        out[name] = read_parquet(folder / name)
    for name in ["run.arrow", "run.chunks.arrow"]:
        out[name] = read_arrow(folder / name)
    out["folder_query"] = [list(row) for row in folder_query(folder)]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
