#!/usr/bin/env bash
# Installs pandas, pyarrow and DuckDB (requirements.txt) into a venv cached as
# $CACHE/venv-columnar-<hash of requirements.txt>: the independent readers that tests/e2e/columnar
# checks the Parquet and Arrow run files against. Prints the versions used as `version:` lines.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"
venv=$(venv_from_requirements venv-columnar "$HERE/requirements.txt")
"$venv/bin/python" -c 'import duckdb, pandas, pyarrow; print(f"version: pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, duckdb {duckdb.__version__}")'
