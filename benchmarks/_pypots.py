"""PyPOTS imputers (SAITS, BRITS, USGAN) as benchmark peers, called from the main environment.

PyTorch and PyPOTS live in their own virtual environment (``benchmarks/setup_pypots.sh``);
this module imports numpy and pandas only. :func:`run_pypots` writes the gapped values to an
.npz, runs ``peer_pypots.py`` with that environment's python and reads the imputation back.

Runs are cached in ``cache_dir`` under a SHA-256 of the gapped values (NaN pattern included),
the model, seed, window, epochs, patience, threads and the peer script's own bytes: a second
call with identical inputs reuses the earlier run (``info["cached"]`` is then True, and
``info["seconds"]`` is still the one measured inside the peer when it ran).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PEER = HERE / "peer_pypots.py"
MODELS = ("saits", "brits", "usgan")
DEFAULT_VENV = "/work/bench_work/pypotsvenv"


def _key(values: np.ndarray, model: str, seed: int, window: int, epochs: int, patience: int,
         threads: int) -> str:
    h = hashlib.sha256()
    missing = np.isnan(values)
    h.update(repr(values.shape).encode())
    h.update(np.packbits(missing).tobytes())
    h.update(np.where(missing, 0.0, values).astype("<f8").tobytes())  # one NaN payload
    params = dict(model=model, seed=seed, window=window, epochs=epochs, patience=patience,
                  threads=threads)
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(hashlib.sha256(PEER.read_bytes()).digest())
    return h.hexdigest()


def run_pypots(model: str, gapped: pd.DataFrame, seed: int, *, venv: str = DEFAULT_VENV,
               cache_dir: str | Path, window: int = 24, epochs: int = 100, patience: int = 10,
               threads: int = 1, timeout: float | None = None) -> tuple[pd.DataFrame, dict]:
    """Impute ``gapped`` (NaN = missing, rows consecutive steps) with a PyPOTS model.

    Returns the imputed frame (same index and columns; observed entries unchanged) and an info
    dict: ``seconds`` (fit + impute, measured inside the peer), ``fit_seconds``,
    ``impute_seconds``, ``epochs_run``, ``best_epoch``, ``versions``, ``params``, ``cached``
    and ``key``. Raises RuntimeError if the venv is missing or the peer fails (with the tail of
    its stderr) or times out (``timeout`` seconds, None: no limit).
    """
    model = model.lower()
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    python = Path(venv) / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"no PyPOTS environment at {venv} (no {python}): "
                           f"run benchmarks/setup_pypots.sh {venv}")
    values = np.ascontiguousarray(gapped.to_numpy(dtype=np.float64))
    key = _key(values, model, seed, window, epochs, patience, threads)
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    stem = cache / f"pypots_{model}_s{seed}_{key[:20]}"
    data, out = stem.with_suffix(".in.npz"), stem.with_suffix(".out.npz")
    sidecar, log = out.with_suffix(".json"), stem.with_suffix(".log")

    cached = out.exists() and sidecar.exists()
    if not cached:
        np.savez(data, gapped=values)
        cmd = [str(python), str(PEER), "--data", str(data), "--model", model,
               "--seed", str(seed), "--window", str(window), "--epochs", str(epochs),
               "--patience", str(patience), "--threads", str(threads), "--out", str(out)]
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"PyPOTS {model} (seed {seed}) timed out after {timeout} s: "
                               f"{' '.join(cmd)}") from exc
        log.write_text(f"$ {' '.join(cmd)}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        if proc.returncode != 0 or not out.exists():
            tail = "\n".join(proc.stderr.strip().splitlines()[-25:])
            raise RuntimeError(f"PyPOTS {model} (seed {seed}) failed with exit code "
                               f"{proc.returncode}; log {log}; stderr tail:\n{tail}")

    imputed = np.load(out)["imputed"]
    if imputed.shape != values.shape:
        raise RuntimeError(f"{out}: imputed shape {imputed.shape} != gapped {values.shape}")
    observed = ~np.isnan(values)
    if not np.array_equal(imputed[observed], values[observed]):
        raise RuntimeError(f"{out}: observed entries were changed")
    info = json.loads(sidecar.read_text())
    info.update(cached=cached, key=key, output=str(out))
    frame = pd.DataFrame(imputed, index=gapped.index, columns=gapped.columns)
    return frame, info
