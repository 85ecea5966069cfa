#!/usr/bin/env bash
# Installs numpy (requirements.txt) into a venv cached as $CACHE/venv-numpy-<hash of
# requirements.txt>, the independent bootstrap that tests/e2e/numpy checks compareRuns against.
# Prints the version used as a `version:` line.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"
venv=$(venv_from_requirements venv-numpy "$HERE/requirements.txt")
echo "version: $("$venv/bin/python" --version 2>&1), numpy $("$venv/bin/python" -c 'import numpy; print(numpy.__version__)')"
