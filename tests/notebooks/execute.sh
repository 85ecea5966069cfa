#!/usr/bin/env bash
# Executes every notebook through the real Deno Jupyter kernel, headless, and checks for errors,
# a table output and a chart output. Prints "notebooks: N passed, M failed"; exit code 0 only if
# all passed.
#
# Needs Debian's Jupyter client stack (under /usr/bin/python3, not a pyenv python):
#   apt-get install -y --no-install-recommends jupyter-client jupyter-core python3-nbclient \
#     python3-nbconvert jupyter-nbconvert python3-ipykernel
# Usage: tests/notebooks/execute.sh [--output-dir DIR] [notebooks/NAME.ipynb ...]
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=/usr/bin/python3
if ! "$PYTHON" -c "import nbformat, jupyter_client" 2>/dev/null; then
  echo "execute.sh: $PYTHON lacks nbformat/jupyter_client; install the Debian packages:" >&2
  echo "  apt-get install -y --no-install-recommends jupyter-client jupyter-core python3-nbclient python3-nbconvert jupyter-nbconvert python3-ipykernel" >&2
  echo "notebooks: 0 passed, 0 failed (not run: Jupyter client missing)"
  exit 1
fi
DENO="$(command -v deno || echo /usr/local/bin/deno)"
"$DENO" jupyter --install --force >/dev/null 2>&1
export NO_COLOR=1
exec "$PYTHON" tests/notebooks/execute.py "$@"
