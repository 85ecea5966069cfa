#!/usr/bin/env bash
# Installs vLLM's OpenTelemetry Python packages (requirements.txt) into a venv cached as
# $CACHE/venv-otel-<hash of requirements.txt>; reused while requirements.txt is unchanged.
# Prints the versions used as `version:` lines.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"
venv=$(venv_from_requirements venv-otel "$HERE/requirements.txt")
sdk=$("$venv/bin/python" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null |
  grep -iE '^(opentelemetry-(sdk|exporter-otlp-proto-grpc|exporter-otlp-proto-http)|grpcio|protobuf)==' |
  tr '\n' ' ' | sed 's/ $//')
echo "version: $("$venv/bin/python" --version 2>&1), $sdk"
