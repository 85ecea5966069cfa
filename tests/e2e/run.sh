#!/usr/bin/env bash
# `deno task e2e`: the tests with real parts in the loop (vLLM's Python OpenTelemetry exporter, a
# real Jaeger, ...). Runs every tests/e2e/*/setup.sh (each installs its part once per machine,
# cached under ~/.cache/vllm-metrics, and prints `version:` lines), prints the versions used,
# then runs every *_test.ts under tests/e2e/. A part whose setup fails is reported and its tests
# fail with a message naming what is missing; the other parts still run.
# A new part = a folder here with a setup.sh and its *_test.ts files.
set -uo pipefail
cd "$(dirname "$0")/../.."
setup_failed=()
versions=()
for setup in tests/e2e/*/setup.sh; do
  part=$(basename "$(dirname "$setup")")
  echo "== e2e setup: $part"
  output=$(bash "$setup" 2>&1)
  status=$?
  printf '%s\n' "$output" | grep -v '^version: '
  while IFS= read -r line; do versions+=("$part: ${line#version: }"); done \
    < <(printf '%s\n' "$output" | grep '^version: ')
  [ "$status" -eq 0 ] || setup_failed+=("$part")
done
echo "== e2e versions"
echo "deno: $(deno --version | head -n 1)"
for line in "${versions[@]}"; do echo "$line"; done
for part in "${setup_failed[@]}"; do echo "setup FAILED: $part"; done
echo "== e2e tests"
deno test -A tests/e2e/ "$@"
status=$?
[ ${#setup_failed[@]} -eq 0 ] || status=1
exit $status
