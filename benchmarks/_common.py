"""What every benchmark script records and prints the same way: the machine, plain JSON,
number formatting. Imported as ``_common`` (the scripts run as ``python benchmarks/x.py``)."""

from __future__ import annotations

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
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
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
