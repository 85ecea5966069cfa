#!/usr/bin/env bash
# Installs vLLM's OpenTelemetry Python packages (requirements.txt) into a venv cached as
# $CACHE/venv-otel-<hash of requirements.txt>; reused while requirements.txt is unchanged.
# Prints the versions used as `version:` lines.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"
PYTHON=${E2E_PYTHON:-python3}
venv="$CACHE/venv-otel-$(short_hash "$HERE/requirements.txt")"
log="$CACHE/logs/venv-otel.log"

if [ ! -f "$venv/.installed" ]; then
  echo "creating $venv"
  rm -rf "$venv"
  if ! { "$PYTHON" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$HERE/requirements.txt"; } \
    >"$log" 2>&1; then
    echo "could not install the OpenTelemetry venv ($log):"; tail -n 20 "$log"; exit 1
  fi
  touch "$venv/.installed"
fi
sdk=$("$venv/bin/python" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null |
  grep -iE '^(opentelemetry-(sdk|exporter-otlp-proto-grpc|exporter-otlp-proto-http)|grpcio|protobuf)==' |
  tr '\n' ' ' | sed 's/ $//')
echo "version: $("$venv/bin/python" --version 2>&1), $sdk"
