#!/usr/bin/env bash
# Builds Jaeger v2 (the module pinned by go.mod + go.sum here) with the Go toolchain from the Go
# module proxy, once per machine: the binary is cached as $CACHE/bin/jaeger-<hash of go.mod and
# go.sum> and reused while those files are unchanged. A fresh machine takes several minutes
# (module downloads plus compiling ~1000 packages). Prints the version used as a `version:` line.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"
bin="$CACHE/bin/jaeger-$(short_hash "$HERE/go.mod" "$HERE/go.sum")"
log="$CACHE/logs/jaeger-build.log"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "go not found: the Jaeger build needs Go (go.mod: $(grep -m1 '^go ' "$HERE/go.mod"))"; exit 1; }
  echo "building Jaeger into $bin (log: $log)"
  started=$(date +%s)
  if ! (cd "$HERE" && go build -o "$bin.partial" github.com/jaegertracing/jaeger/cmd/jaeger) \
    >"$log" 2>&1; then
    echo "Jaeger build failed:"; tail -n 30 "$log"; rm -f "$bin.partial"; exit 1
  fi
  mv "$bin.partial" "$bin"
  echo "built in $(($(date +%s) - started)) s"
fi
module=$(cd "$HERE" && go list -m -f '{{.Version}}' github.com/jaegertracing/jaeger 2>/dev/null || echo "?")
echo "version: jaeger v2 all-in-one, module github.com/jaegertracing/jaeger $module, built with $(go version | cut -d' ' -f3)"
