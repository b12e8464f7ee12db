"""Temporal fidelity: autocorrelation of real and synthetic sequences.

Sequences come as a float matrix ``x`` of shape ``[n, T]``: one row per sequence, padded with
NaN after its end (what :func:`tfgan_ts.evaluation.sequence_matrix` returns), or any padding
together with ``lengths`` (steps ``>= lengths[i]`` of row ``i`` are ignored). The discrete
counterpart, mutual information over time, is in :mod:`.temporal_mi`.

Pure numpy; no TensorFlow.
"""

from __future__ import annotations

import numpy as np

from ._inputs import check_lengths, check_max_lag

__all__ = [
    "acf_mse",
    "acf_score",
    "autocorrelation",
    "per_sample_autocorrelation",
]


def _as_matrix(x, lengths=None) -> np.ndarray:
    """``x`` as a float64 [n, T] array with NaN wherever a step is not a valid point."""
    x = np.array(x, dtype=np.float64)  # a copy: the padding is overwritten below
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(
            f"x must be a 2-D array [n_sequences, n_steps] (or one 1-D sequence), got shape "
            f"{x.shape}; for several features take one column at a time"
        )
    if np.isinf(x).any():
        raise ValueError(
            f"x has {int(np.isinf(x).sum())} infinite value(s); autocorrelation needs finite "
            "values (NaN marks padding or missing steps)"
        )
    if lengths is not None:
        lengths = check_lengths(lengths, x.shape, "x")
        x[np.arange(x.shape[1])[None, :] >= lengths[:, None]] = np.nan
    return x


def per_sample_autocorrelation(x, lengths=None, max_lag: int | None = None) -> np.ndarray:
    """Autocorrelation of each sequence at lags ``1..max_lag``: an ``[n, max_lag]`` array.

    For a sequence with valid points ``x_0..x_{L-1}`` and mean ``m``::

        ACF(k) = sum_{t=0}^{L-1-k} (x_t - m)(x_{t+k} - m)  /  sum_{t=0}^{L-1} (x_t - m)^2

    the standard biased estimator (``statsmodels.tsa.stattools.acf`` with ``adjusted=False``).
    The entry is NaN where the sequence has zero variance or fewer than ``k + 1`` valid points.

    NaN marks a step that is not a valid point. Trailing NaNs (padding) give exactly the
    estimator above on the shorter sequence; an interior NaN is treated as a missing point:
    the mean and the denominator use the valid points, and pairs touching the gap are left
    out of the numerator.

    Args:
        x: ``[n, T]`` values (a 1-D array is one sequence).
        lengths: optional ``[n]`` valid lengths; steps at or after a sequence's length are
            ignored whatever they hold.
        max_lag: largest lag (default ``T - 1``). Lags with no valid pair are NaN.
    """
    x = _as_matrix(x, lengths)
    n, T = x.shape
    max_lag = check_max_lag(max_lag, T)
    valid = ~np.isnan(x)
    count = valid.sum(axis=1)
    total = np.where(valid, x, 0.0).sum(axis=1)
    mean = np.divide(total, count, out=np.zeros(n), where=count > 0)
    z = np.where(valid, x - mean[:, None], 0.0)
    denom = np.einsum("nt,nt->n", z, z)
    # variance numerically zero (a constant sequence up to rounding) counts as zero
    scale = np.where(valid, np.abs(x), 0.0).max(axis=1, initial=0.0)
    flat = denom <= (1e-12 * scale) ** 2 * np.maximum(count, 1)
    out = np.full((n, max_lag), np.nan)
    for k in range(1, min(max_lag, T - 1) + 1):
        num = np.einsum("nt,nt->n", z[:, :-k], z[:, k:])
        pairs = (valid[:, :-k] & valid[:, k:]).sum(axis=1)
        ok = (pairs > 0) & ~flat
        out[ok, k - 1] = num[ok] / denom[ok]
    return out


def autocorrelation(x, lengths=None, max_lag: int | None = None, return_counts: bool = False):
    """Autocorrelation at lags ``1..max_lag`` averaged over sequences (DoppelGANger's measure).

    Each sequence's ACF is computed on its own (:func:`per_sample_autocorrelation`: centred by
    its own mean, standard biased estimator) and the curves are averaged over the sequences.
    A sequence that has zero variance, or fewer than ``k + 1`` valid points, has no value at
    lag ``k`` and is left out of that lag's average; a lag no sequence reaches is NaN.

    Args:
        x: ``[n, T]`` values, NaN-padded after each sequence's end.
        lengths: optional ``[n]`` valid lengths instead of (or on top of) NaN padding.
        max_lag: largest lag (default ``T - 1``).
        return_counts: also return how many sequences went into each lag's average.

    Returns:
        ``acf`` of shape ``[max_lag]`` (``acf[k - 1]`` is lag ``k``); with
        ``return_counts=True``, ``(acf, counts)`` where ``counts[k - 1]`` is the number of
        sequences averaged at lag ``k`` (``n - counts`` were skipped there).
    """
    per = per_sample_autocorrelation(x, lengths=lengths, max_lag=max_lag)
    have = ~np.isnan(per)
    counts = have.sum(axis=0)
    total = np.where(have, per, 0.0).sum(axis=0)
    acf = np.full(per.shape[1], np.nan)
    np.divide(total, counts, out=acf, where=counts > 0)
    if return_counts:
        return acf, counts.astype(np.int64)
    return acf


def _two_curves(real, synthetic, max_lag, real_lengths, synthetic_lengths):
    if max_lag is None:
        raise ValueError("give max_lag (the largest lag to compare), e.g. max_lag=24")
    a = autocorrelation(real, lengths=real_lengths, max_lag=max_lag)
    b = autocorrelation(synthetic, lengths=synthetic_lengths, max_lag=max_lag)
    return a, b


def acf_mse(real, synthetic, max_lag: int, real_lengths=None, synthetic_lengths=None) -> float:
    """Mean over lags ``1..max_lag`` of the squared difference between the averaged ACF curves
    of ``real`` and ``synthetic`` (each ``[n, T]``, NaN-padded; lengths optional).

    0 means the curves agree. NaN when either curve is NaN at some lag (no sequence long
    enough): lower ``max_lag``.
    """
    a, b = _two_curves(real, synthetic, max_lag, real_lengths, synthetic_lengths)
    return curve_mse(a, b)


def acf_score(real, synthetic, max_lag: int, real_lengths=None, synthetic_lengths=None) -> float:
    """``1 - sum_k (A_real(k) - A_syn(k))^2 / sum_k A_real(k)^2`` over lags ``1..max_lag``.

    1 means the averaged ACF curves agree; 0 is as far off as a flat zero curve; it is
    unbounded below. NaN when either curve is NaN at some lag or the real curve is all zero.
    """
    a, b = _two_curves(real, synthetic, max_lag, real_lengths, synthetic_lengths)
    return curve_score(a, b)


def curve_mse(real_curve: np.ndarray, synthetic_curve: np.ndarray) -> float:
    """:func:`acf_mse` of two averaged ACF curves already computed."""
    return float(np.mean((real_curve - synthetic_curve) ** 2))


def curve_score(real_curve: np.ndarray, synthetic_curve: np.ndarray) -> float:
    """:func:`acf_score` of two averaged ACF curves already computed."""
    ref = float(np.sum(real_curve**2))
    if not np.isfinite(ref) or ref == 0.0:
        return float("nan")
    return float(1.0 - np.sum((real_curve - synthetic_curve) ** 2) / ref)
