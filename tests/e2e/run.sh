#!/usr/bin/env bash
# `deno task e2e`: the tests with real parts in the loop (vLLM's Python OpenTelemetry exporter, a
# real Jaeger, ...). Runs every tests/e2e/*/setup.sh (each installs its part once per machine,
# cached under ~/.cache/vllm-metrics, and prints `version:` lines), prints the versions used,
# then runs every *_test.ts under tests/e2e/. A part whose setup fails is reported and its tests
# fail with a message naming what is missing; the other parts still run.
# A new part = a folder here with a setup.sh and its *_test.ts files.
# `run.sh --setup-only` runs the setups and stops: .ci/run starts it early, in the background, so
# that the Jaeger build and the venv downloads overlap the unit tests.
set -uo pipefail
cd "$(dirname "$0")/../.."
setup_failed=()
versions=()
# The setups run side by side: on a fresh machine the Jaeger build is CPU-bound and the venvs are
# mostly downloads, so together they take about as long as the slowest alone.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
parts=()
pids=()
for setup in tests/e2e/*/setup.sh; do
  part=$(basename "$(dirname "$setup")")
  parts+=("$part")
  bash "$setup" >"$logs/$part.out" 2>&1 &
  pids+=($!)
done
for i in "${!parts[@]}"; do
  part=${parts[$i]}
  wait "${pids[$i]}"
  status=$?
  echo "== e2e setup: $part (exit $status)"
  grep -v '^version: ' "$logs/$part.out"
  while IFS= read -r line; do versions+=("$part: ${line#version: }"); done \
    < <(grep '^version: ' "$logs/$part.out")
  [ "$status" -eq 0 ] || setup_failed+=("$part")
done
echo "== e2e versions"
echo "deno: $(deno --version | head -n 1)"
for line in "${versions[@]}"; do echo "$line"; done
for part in "${setup_failed[@]}"; do echo "setup FAILED: $part"; done
if [ "${1:-}" = "--setup-only" ]; then
  [ ${#setup_failed[@]} -eq 0 ]
  exit
fi
echo "== e2e tests"
deno test -A tests/e2e/ "$@"
status=$?
[ ${#setup_failed[@]} -eq 0 ] || status=1
exit $status
