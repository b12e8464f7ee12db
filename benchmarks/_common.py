"""What every benchmark script records and prints the same way: the machine, plain JSON,
number formatting. Imported as ``_common`` (the scripts run as ``python benchmarks/x.py``)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd


def machine_info(**extra_versions) -> dict:
    """CPU, core count, library versions, git commit (marked when the tree is dirty) and GPUs;
    ``extra_versions`` adds versions of further libraries the script uses."""
    import keras
    import tensorflow as tf

    import tfgan_ts

    cpu = None
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from tfgan_ts.runtime import available_cores

    nproc = available_cores()
    commit = None
    try:
        root = Path(__file__).resolve().parent.parent
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
        commit += " (uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": cpu or platform.processor() or "unknown",
        "nproc": nproc,
        "cpu_count": os.cpu_count(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        **extra_versions,
        "tfgan_ts": tfgan_ts.__version__,
        "git_commit": commit,
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
    }


RESULTS_DIR = Path(__file__).resolve().parent / "results"


def results_path(text: str) -> Path:
    """Where ``--out-json`` goes: a bare file name into ``benchmarks/results/``, any path with
    a folder as given."""
    p = Path(text)
    return RESULTS_DIR / p if p.parent == Path(".") else p


def write_json(path: Path, result: dict) -> None:
    """Write a benchmark's figures as plain JSON (numpy scalars to Python, NaN to null)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_ready(result), indent=2, allow_nan=False) + "\n")
    print(f"wrote {path}")


def run_measured(cmd: list[str], env: dict, what: str) -> dict:
    """Run ``cmd`` under ``/usr/bin/time -v``: the JSON of its last output line plus
    ``peak_gb``, its peak resident memory. RuntimeError with the end of stderr if it fails."""
    import re

    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True,
                          env=env, check=False)
    if proc.returncode:
        raise RuntimeError(f"{what} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
    result["peak_gb"] = peak_kb / 1024**2
    return result


def main_job_model(work: Path, epochs: int = 2) -> Path:
    """``work/traffic.keras``: the main job's DoppelGANger (``tfgan-ts synthesize``, same
    architecture) trained ``epochs`` epochs, made once (speed does not depend on training)."""
    model = Path(work) / "traffic.keras"
    if not model.exists():
        root = Path(__file__).resolve().parent.parent
        subprocess.run(["tfgan-ts", "synthesize", "--epochs", str(epochs), "--no-report",
                        "--save", str(model), "--out", str(Path(work) / "train_syn.csv"),
                        "--quiet"], check=True, cwd=work,
                       env={**os.environ, "PYTHONPATH": str(root)})
    return model


def write_runs(path, runs: list[dict]) -> None:
    """The runs of a script with its command line, the date and the machine, as JSON."""
    import sys
    import time

    write_json(Path(path), {"command": " ".join([Path(sys.argv[0]).name] + sys.argv[1:]),
                            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                            "machine": machine_info(), "runs": runs})


def rss_mib() -> dict:
    """Current and peak resident set size of this process (MiB), from /proc/self/status."""
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[{"VmRSS": "rss_mib", "VmHWM": "peak_rss_mib"}[key]] = (
                    int(value.split()[0]) / 1024)
    return out


def fmt(value) -> str:
    """A table cell: 4 significant digits, thousands separators for large values."""
    if value is None:
        return "–"
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "nan"
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def json_ready(obj):
    """Plain JSON: numpy scalars to Python, NaN/inf to null."""
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
