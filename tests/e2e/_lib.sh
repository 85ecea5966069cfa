# Shared by the setup.sh scripts of tests/e2e/*: where installed parts are cached, and the hash
# that names an install after the files pinning it (tests/e2e/_parts.ts derives the same names).
CACHE=${VLLM_METRICS_CACHE:-$HOME/.cache/vllm-metrics}
mkdir -p "$CACHE/bin" "$CACHE/logs"

# First 12 hex chars of the SHA-256 of the files' bytes, concatenated.
short_hash() { cat "$@" | sha256sum | cut -c1-12; }

# Creates (once) a venv named NAME-<hash of REQUIREMENTS> under $CACHE from a requirements file and
# prints its folder; a failed install says where its log is and exits the calling setup.
venv_from_requirements() { # name, requirements file
  local name=$1 requirements=$2
  local venv="$CACHE/$name-$(short_hash "$requirements")" log="$CACHE/logs/$name.log"
  if [ ! -f "$venv/.installed" ]; then
    echo "creating $venv" >&2
    rm -rf "$venv"
    if ! { "${E2E_PYTHON:-python3}" -m venv "$venv" &&
      "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"; } \
      >"$log" 2>&1; then
      echo "could not install $venv ($log):" >&2; tail -n 20 "$log" >&2; exit 1
    fi
    touch "$venv/.installed"
  fi
  echo "$venv"
}
