#!/usr/bin/env bash
# Create the virtual environment of the PyPOTS imputation peers (SAITS, BRITS, USGAN) used by
# benchmarks/_pypots.py and benchmarks/peer_pypots.py. PyTorch and PyPOTS are not
# dependencies of tfgan_ts: they live only here.
#
#   bash benchmarks/setup_pypots.sh [VENV]      # default /work/bench_work/pypotsvenv
#
# Idempotent: an existing environment whose versions already match is left as it is.
# torch: the CPU-only wheel from PyTorch's CPU index when that index answers; otherwise plain
# pip (on these machines that resolves to the local torch 2.13.0+cpu wheel; elsewhere plain
# pip may bring the much larger default build).
set -euo pipefail

VENV="${1:-/work/bench_work/pypotsvenv}"
PYTHON="${PYTHON:-python3}"
TORCH_VERSION="2.13.0"
PYPOTS_VERSION="1.5"
CPU_INDEX="https://download.pytorch.org/whl/cpu"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

have() {  # have PACKAGE VERSION-PREFIX: is it installed at that version?
    local shown
    shown="$("$PY" -m pip show "$1" 2>/dev/null || true)"
    grep -q "^Version: $2" <<<"$shown"
}

if ! have torch "$TORCH_VERSION"; then
    if curl -fsS --max-time 10 -o /dev/null "$CPU_INDEX/torch/" 2>/dev/null; then
        "$PY" -m pip install -q "torch==$TORCH_VERSION" --index-url "$CPU_INDEX"
    else
        echo "setup_pypots: $CPU_INDEX not reachable; installing torch==$TORCH_VERSION with plain pip"
        "$PY" -m pip install -q "torch==$TORCH_VERSION"
    fi
fi
if ! have pypots "$PYPOTS_VERSION"; then
    "$PY" -m pip install -q "pypots==$PYPOTS_VERSION" numpy pandas
fi

"$PY" - <<'PY'
import numpy, pandas, torch
from importlib.metadata import version
print(f"pypots {version('pypots')}, torch {torch.__version__}, numpy {numpy.__version__}, "
      f"pandas {pandas.__version__}")
PY
echo "setup_pypots: ready: $PY"
