#!/usr/bin/env bash
# Installs numpy (requirements.txt) into a venv cached as $CACHE/venv-numpy-<hash of
# requirements.txt>, the independent bootstrap that tests/e2e/numpy checks compareRuns against.
# Prints the version used as a `version:` line.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"
PYTHON=${E2E_PYTHON:-python3}
venv="$CACHE/venv-numpy-$(short_hash "$HERE/requirements.txt")"
log="$CACHE/logs/venv-numpy.log"

if [ ! -f "$venv/.installed" ]; then
  echo "creating $venv"
  rm -rf "$venv"
  if ! { "$PYTHON" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$HERE/requirements.txt"; } \
    >"$log" 2>&1; then
    echo "could not install the numpy venv ($log):"; tail -n 20 "$log"; exit 1
  fi
  touch "$venv/.installed"
fi
echo "version: $("$venv/bin/python" --version 2>&1), numpy $("$venv/bin/python" -c 'import numpy; print(numpy.__version__)')"
