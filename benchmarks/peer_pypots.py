"""Impute one gapped series with a PyPOTS model (SAITS, BRITS or USGAN): a benchmark peer.

Runs in its own virtual environment (``benchmarks/setup_pypots.sh`` creates it; PyTorch and
PyPOTS are not dependencies of tfgan_ts) and imports numpy, torch and pypots only — never
tfgan_ts or TensorFlow. ``benchmarks/_pypots.py`` (main environment) writes the input, starts
this script and caches the output; it can also be run by hand:

    /work/bench_work/pypotsvenv/bin/python benchmarks/peer_pypots.py \\
        --data in.npz --model saits --seed 0 --out out.npz

Input ``--data``: an .npz with ``gapped`` float64 [T, C], NaN = missing, rows consecutive time
steps. Output ``--out``: an .npz with ``imputed`` float64 [T, C] (observed entries copied back
bit-identical) and a JSON next to it (same name, ``.json``) with the seconds, epochs, versions
and parameters.

Procedure:

* each column is z-scored with the mean and standard deviation of its observed values
  (a column with fewer than two distinct observed values gets standard deviation 1);
* the series is cut into non-overlapping windows of ``--window`` rows; if T is not a multiple,
  one more window holds the last ``window`` rows (it overlaps the one before it), and overlapping
  imputations are averaged when mapping back to [T, C];
* early stopping needs a validation set with known hidden values: 10% of the observed entries
  of the windows (MCAR, drawn from ``default_rng([seed, 0x7A15])`` — not ``default_rng(seed)``,
  which may be what the gaps were drawn with) are hidden from the training input as well; the
  validation set is ``dict(X=windows with those entries hidden, X_ori=windows)`` and the model
  is trained on ``dict(X=windows with those entries hidden)``, so the validation metric (MSE
  on the hidden entries, z-scored units) scores values the model never saw;
* the best epoch by that metric (``model_saving_strategy="best"``, kept in memory) imputes the
  full gapped windows (every observed value as input);
* training: Adam, learning rate 1e-3 (PyPOTS's default), batch ``--batch-size`` (32), at most
  ``--epochs`` (100) epochs, stopping after ``--patience`` (10) epochs without a better
  validation metric; ``torch.set_num_threads(--threads)`` (1).

Hyper-parameters (standard sizes from the SAITS / BRITS / USGAN papers and PyPOTS examples,
scaled to a few-column series):

| model | hyper-parameters |
|---|---|
| SAITS | n_layers 2, d_model 128, n_heads 4, d_k = d_v 32, d_ffn 128, dropout 0.1, attn_dropout 0.1, diagonal attention mask, ORT and MIT weights 1 |
| BRITS | rnn_hidden_size 128 |
| USGAN | rnn_hidden_size 128, lambda_mse 1, hint_rate 0.7, dropout 0, one G and one D step |
"""  # noqa: E501

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

VAL_RATE = 0.1
VAL_STREAM = 0x7A15  # second entropy word of the validation mask's generator
HYPER = {
    "saits": dict(n_layers=2, d_model=128, n_heads=4, d_k=32, d_v=32, d_ffn=128, dropout=0.1,
                  attn_dropout=0.1, diagonal_attention_mask=True, ORT_weight=1, MIT_weight=1),
    "brits": dict(rnn_hidden_size=128),
    "usgan": dict(rnn_hidden_size=128, lambda_mse=1, hint_rate=0.7, dropout=0.0,
                  G_steps=1, D_steps=1),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Impute a gapped series with a PyPOTS model")
    p.add_argument("--data", required=True, help=".npz with `gapped` float64 [T, C]")
    p.add_argument("--model", required=True, choices=sorted(HYPER))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--window", type=int, default=24)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--patience", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    p.add_argument("--out", required=True, help=".npz to write (a .json goes next to it)")
    return p.parse_args(argv)


def window_starts(n_rows: int, window: int) -> list[int]:
    """Non-overlapping windows; the tail window (if any) is the last `window` rows."""
    if n_rows < window:
        raise ValueError(f"series of {n_rows} rows is shorter than the window {window}")
    starts = list(range(0, n_rows - window + 1, window))
    if starts[-1] + window < n_rows:
        starts.append(n_rows - window)
    return starts


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set (pool started)
        pass
    import pypots
    from pypots import imputation
    from pypots.utils.random import set_random_seed

    gapped = np.load(args.data)["gapped"].astype(np.float64)
    if gapped.ndim != 2:
        raise ValueError(f"`gapped` must be [T, C], got shape {gapped.shape}")
    n_rows, n_cols = gapped.shape
    observed = ~np.isnan(gapped)
    if not observed.any(axis=0).all():
        raise ValueError("a column has no observed value")

    mean = np.array([gapped[observed[:, j], j].mean() for j in range(n_cols)])
    std = np.array([gapped[observed[:, j], j].std() for j in range(n_cols)])
    std = np.where(np.isfinite(std) & (std > 0), std, 1.0)
    z = (gapped - mean) / std

    starts = window_starts(n_rows, args.window)
    windows = np.stack([z[s:s + args.window] for s in starts]).astype(np.float32)

    # a stream of its own: default_rng(seed) itself is what a caller may have drawn its gaps
    # with, and the same draws over the same shape would hide only entries already missing
    rng = np.random.default_rng([args.seed, VAL_STREAM])
    obs_w = ~np.isnan(windows)
    hide = obs_w & (rng.random(windows.shape) < VAL_RATE)
    if hide.sum() < 0.5 * VAL_RATE * obs_w.sum():
        raise RuntimeError(f"validation mask hides {hide.sum()} of {obs_w.sum()} observed "
                           f"entries, expected about {VAL_RATE:.0%}")
    x_train = windows.copy()
    x_train[hide] = np.nan

    set_random_seed(args.seed)
    cls = {"saits": imputation.SAITS, "brits": imputation.BRITS, "usgan": imputation.USGAN}
    model = cls[args.model](
        n_steps=args.window, n_features=n_cols, batch_size=args.batch_size,
        epochs=args.epochs, patience=args.patience, device="cpu", saving_path=None,
        model_saving_strategy="best", **HYPER[args.model],
    )

    t0 = time.perf_counter()
    model.fit(train_set={"X": x_train}, val_set={"X": x_train, "X_ori": windows})
    fit_seconds = time.perf_counter() - t0
    # epochs since the best one = original patience - what is left of it
    epochs_run = int(model.best_epoch + model.original_patience - model.patience)

    t1 = time.perf_counter()
    out_w = model.predict({"X": windows})["imputation"]
    impute_seconds = time.perf_counter() - t1
    out_w = np.asarray(out_w, dtype=np.float64)
    if out_w.shape != windows.shape:
        raise RuntimeError(f"imputation shape {out_w.shape} != windows {windows.shape}")

    total = np.zeros((n_rows, n_cols))
    count = np.zeros((n_rows, 1))
    for s, w in zip(starts, out_w, strict=True):
        total[s:s + args.window] += w
        count[s:s + args.window] += 1
    imputed_z = total / count
    imputed = np.where(observed, gapped, imputed_z * std + mean)
    if not np.isfinite(imputed).all():
        raise RuntimeError("the imputation holds non-finite values")

    info = {
        "model": args.model,
        "seed": args.seed,
        "seconds": fit_seconds + impute_seconds,
        "fit_seconds": fit_seconds,
        "impute_seconds": impute_seconds,
        "epochs_run": epochs_run,
        "best_epoch": int(model.best_epoch),
        "best_val_mse_z": float(model.best_loss),
        "params": {
            "window": args.window, "epochs": args.epochs, "patience": args.patience,
            "batch_size": args.batch_size, "threads": args.threads, "val_rate": VAL_RATE,
            "n_windows": len(starts), "optimizer": "Adam lr 1e-3", **HYPER[args.model],
        },
        "shape": [n_rows, n_cols],
        "versions": {"pypots": pypots.__version__, "torch": torch.__version__,
                     "numpy": np.__version__, "python": platform.python_version()},
        "torch_threads": torch.get_num_threads(),
    }
    out = Path(args.out)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez(tmp, imputed=imputed)
    json_path = out.with_suffix(".json")
    json_path.write_text(json.dumps(info, indent=2))
    os.replace(tmp, out)  # the .npz last: its presence means the run finished
    return 0


if __name__ == "__main__":
    sys.exit(main())
