#!/usr/bin/env bash
# Installs Debian's headless Chromium (/usr/bin/chromium), the real browser that
# report_browser_test.ts opens the HTML report in (driven by playwright-core from npm, pinned in
# playwright_core.ts). Prints the version used as a `version:` line.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  log=$(mktemp)
  if ! { apt-get update -q && apt-get install -y -q chromium; } >"$log" 2>&1; then
    echo "could not install chromium ($log):" >&2; tail -n 20 "$log" >&2; exit 1
  fi
fi
echo "version: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
