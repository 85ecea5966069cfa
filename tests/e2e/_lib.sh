# Shared by the setup.sh scripts of tests/e2e/*: where installed parts are cached, and the hash
# that names an install after the files pinning it (tests/e2e/_parts.ts derives the same names).
CACHE=${VLLM_METRICS_CACHE:-$HOME/.cache/vllm-metrics}
mkdir -p "$CACHE/bin" "$CACHE/logs"

# First 12 hex chars of the SHA-256 of the files' bytes, concatenated.
short_hash() { cat "$@" | sha256sum | cut -c1-12; }
