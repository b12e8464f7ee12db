"""Sequences in, windows out: the input reading and window cutting of
:class:`tfgan_ts.LSTMForecaster`.

Sequences can be given as

* a list of 2-D arrays ``[T_i, F]`` (variable lengths; 1-D arrays are one feature),
* a 3-D array ``[n, T, F]``, padded with NaN after each sequence's end or with ``lengths``,
* a 2-D array ``[n, T]`` (one feature), padded the same way — what
  :func:`tfgan_ts.evaluation.sequence_matrix` returns for one column of a long frame.

Windows never cross from one sequence into another nor into padding.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["as_sequences", "check_target", "cut_windows", "is_int", "report_skipped"]


def cut_windows(seqs: list[np.ndarray], window: int, horizon: int,
                target: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Stack the windows of every sequence: inputs ``[m, window, F]``, targets
    ``[m, horizon]`` of feature ``target``, and the number of sequences too short to give a
    window."""
    span = window + horizon
    n_features = seqs[0].shape[1]
    inputs, targets, skipped = [], [], 0
    for s in seqs:
        if len(s) < span:
            skipped += 1
            continue
        # [L - span + 1, F, span] -> [L - span + 1, span, F]
        w = np.lib.stride_tricks.sliding_window_view(s, span, axis=0).transpose(0, 2, 1)
        inputs.append(w[:, :window, :])
        targets.append(w[:, window:, target])
    if not inputs:
        return np.zeros((0, window, n_features)), np.zeros((0, horizon)), skipped
    return np.concatenate(inputs), np.concatenate(targets), skipped


def is_int(value) -> bool:
    """True for an integer that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_target(target: int, n_features: int) -> None:
    """Raise ValueError unless ``target`` indexes one of ``n_features`` features."""
    if not 0 <= target < n_features:
        raise ValueError(
            f"target={target} is out of range: the data have {n_features} feature(s), so "
            f"target must be in 0..{n_features - 1}"
        )


def report_skipped(n_skipped: int, n_seqs: int, window: int, horizon: int, name: str,
                   fitting: bool) -> None:
    """Raise if no sequence gave a window; warn how many were skipped otherwise."""
    span = window + horizon
    if n_skipped == n_seqs:
        raise ValueError(
            f"{name}: all {n_seqs} sequence(s) are shorter than window + horizon = "
            f"{window} + {horizon} = {span} steps, so no window can be cut; use a smaller "
            "window/horizon or longer sequences"
        )
    if n_skipped:
        where = " (counted in n_skipped_)" if fitting else ""
        warnings.warn(
            f"{name}: {n_skipped} of {n_seqs} sequence(s) are shorter than window + horizon = "
            f"{span} steps and were skipped{where}",
            UserWarning,
            stacklevel=3,
        )


def as_sequences(X: ArrayLike | Sequence[ArrayLike], lengths: ArrayLike | None,
                 name: str) -> list[np.ndarray]:
    """``X`` as a list of float64 ``[L_i, F]`` arrays without padding; NaN/inf inside a
    sequence raise."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        raise ValueError(
            f"{name} is a pandas {type(X).__name__}; pass arrays — for a long-format frame use "
            "tg.evaluation.sequence_matrix(df, spec, column) per feature and np.stack(..., "
            "axis=-1), or tg.evaluation.utility.forecast_utility"
        )
    if isinstance(X, (list, tuple)):
        if lengths is not None:
            raise ValueError(
                "lengths applies to a padded array X; a list of sequences carries its own "
                "lengths — drop lengths= or trim the sequences"
            )
        if len(X) == 0:
            raise ValueError(f"{name} is an empty list; pass at least one sequence")
        rows = []
        for i, s in enumerate(X):
            try:
                a = np.asarray(s, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{name}: sequence {i} cannot be read as a numeric array"
                ) from None
            if a.ndim == 1:
                a = a[:, None]
            if a.ndim != 2:
                raise ValueError(
                    f"{name}: sequence {i} has shape {a.shape}; each sequence must be "
                    "[T_i, F] (or 1-D for a single feature)"
                )
            rows.append(a)
        widths = sorted({a.shape[1] for a in rows})
        if len(widths) > 1:
            raise ValueError(
                f"{name}: sequences have different numbers of features {widths}; every "
                "sequence needs the same features in the same order"
            )
        return [_trim(a, i, None, name) for i, a in enumerate(rows)]

    try:
        x = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} cannot be read as a numeric array; pass a list of [T_i, F] arrays for "
            "sequences of different lengths"
        ) from None
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3:
        raise ValueError(
            f"{name} has shape {x.shape}; expected [n, T, F], [n, T] (one feature) or a list "
            "of [T_i, F] arrays"
        )
    if x.shape[0] == 0:
        raise ValueError(f"{name} holds no sequence (shape {x.shape})")
    if x.shape[2] == 0:
        raise ValueError(f"{name} has no feature (shape {x.shape})")
    if lengths is not None:
        lengths = np.asarray(lengths)
        if lengths.shape != (x.shape[0],):
            raise ValueError(
                f"lengths has shape {lengths.shape} but {name} has {x.shape[0]} sequence(s); "
                "pass one length per sequence"
            )
        if not np.issubdtype(lengths.dtype, np.integer):
            if not np.all(np.isfinite(lengths)) or not np.all(lengths == np.round(lengths)):
                raise ValueError("lengths must be whole numbers of steps")
            lengths = lengths.astype(np.int64)
        if lengths.min() < 0 or lengths.max() > x.shape[1]:
            raise ValueError(
                f"lengths must be in 0..{x.shape[1]} (the padded width of {name}), got "
                f"{int(lengths.min())}..{int(lengths.max())}"
            )
        return [_trim(x[i], i, int(lengths[i]), name) for i in range(x.shape[0])]
    return [_trim(x[i], i, None, name) for i in range(x.shape[0])]


def _trim(a: np.ndarray, i: int, length: int | None, name: str) -> np.ndarray:
    """Cut sequence ``i`` at ``length`` (or after its last step that is not all NaN) and check
    that what remains is finite."""
    if length is None:
        present = ~np.isnan(a).all(axis=1)
        length = int(np.flatnonzero(present)[-1]) + 1 if present.any() else 0
    s = a[:length]
    bad = ~np.isfinite(s)
    if bad.any():
        step, feature = (int(v) for v in np.argwhere(bad)[0])
        kind = "an infinite value" if np.isinf(s[step, feature]) else "NaN"
        raise ValueError(
            f"{name}: sequence {i} has {kind} at step {step} (feature {feature}) before its end "
            f"at step {length} ({int(bad.sum())} such value(s)); only trailing padding may be "
            "NaN — fill the gap (interpolate or impute) or split the sequence there"
        )
    return s
