"""Temporal dependence of discrete features (and continuous ones cut into bins with
:func:`~tfgan_ts.evaluation.discretize`): mutual information over time, the discrete
counterpart of the autocorrelation.

Codes come as an integer matrix ``codes`` of shape ``[n, T]``: codes ``>= 0`` are symbols,
``-1`` marks padding (or a missing step); ``lengths`` may mark the padding instead.

Pure numpy / pandas / scikit-learn; no TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import mutual_info_score

from ._inputs import check_lengths, check_max_lag

__all__ = [
    "lagged_mutual_information",
    "sequential_mutual_information",
    "temporal_mi_comparison",
]


def _as_codes(codes, lengths=None) -> np.ndarray:
    """``codes`` as an int64 [n, T] array with -1 wherever a step is not a valid symbol."""
    a = np.asarray(codes)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(
            f"codes must be a 2-D integer array [n_sequences, n_steps] (or one 1-D sequence), "
            f"got shape {a.shape}; take one feature at a time"
        )
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(f"codes is empty (shape {a.shape}); give at least one sequence")
    kind = a.dtype.kind
    if kind in "biu":
        a = a.astype(np.int64)
    elif kind == "f":
        nan = np.isnan(a)
        finite = a[~nan]
        if not np.isfinite(finite).all() or np.any(finite != np.round(finite)):
            raise ValueError(
                "codes must be whole numbers (integer symbols, -1 or NaN for padding); cut "
                "continuous values into codes with discretize()"
            )
        a = np.where(nan, -1, a).astype(np.int64)
    else:
        raise ValueError(
            f"codes must be integer symbols, got dtype {a.dtype}; turn categories into codes "
            "with pd.factorize (missing as -1) or continuous values with discretize()"
        )
    if a.size and a.min() < -1:
        raise ValueError(
            f"codes must be >= 0, with -1 marking padding; got {int(a.min())}"
        )
    if lengths is not None:
        lengths = check_lengths(lengths, a.shape, "codes")
        a = a.copy()
        a[np.arange(a.shape[1])[None, :] >= lengths[:, None]] = -1
    return a


def lagged_mutual_information(
    codes, lengths=None, max_lag: int | None = None, return_counts: bool = False
):
    """Mutual information between ``x_t`` and ``x_{t+k}`` for lags ``k = 1..max_lag``, in nats.

    The discrete counterpart of :func:`autocorrelation`. For each lag ``k`` the pairs
    ``(x_t, x_{t+k})`` of every sequence and every ``t`` where both steps are valid are pooled
    over all sequences, and the plug-in estimate
    ``I = sum_{a,b} p(a,b) * ln(p(a,b) / (p(a) p(b)))`` is taken on the pooled pairs
    (``sklearn.metrics.mutual_info_score``; ``p`` are the pooled pair frequencies, ``p(a)``
    and ``p(b)`` the marginals of the first and second element of the pairs). 0 means ``x_t``
    says nothing about ``x_{t+k}``; when ``x_{t+k}`` is a function of ``x_t`` it equals the
    entropy of ``x_{t+k}`` (and of ``x_t`` when the function is one-to-one), entropies taken
    over the pooled pairs. The plug-in estimate is biased upward by about
    ``(K_a - 1)(K_b - 1) / (2 N)`` for ``N`` pairs over ``K_a``, ``K_b`` symbols, so compare
    real and synthetic data at similar sample sizes. MI does not depend on which code a symbol
    gets, but it does on how continuous values are binned: use shared edges
    (:func:`quantile_edges`).

    Args:
        codes: ``[n, T]`` integer symbols (a 1-D array is one sequence); ``-1`` (or NaN in a
            float array) marks padding or a missing step, and pairs touching it are left out.
        lengths: optional ``[n]`` valid lengths; steps at or after a sequence's length are
            ignored whatever they hold.
        max_lag: largest lag (default ``T - 1``).
        return_counts: also return the number of pooled pairs at each lag.

    Returns:
        ``mi`` of shape ``[max_lag]`` (``mi[k - 1]`` is lag ``k``), NaN at lags with no valid
        pair; with ``return_counts=True``, ``(mi, n_pairs)``.
    """
    c = _as_codes(codes, lengths)
    T = c.shape[1]
    max_lag = check_max_lag(max_lag, T)
    out = np.full(max_lag, np.nan)
    counts = np.zeros(max_lag, dtype=np.int64)
    for k in range(1, min(max_lag, T - 1) + 1):
        a, b = c[:, :-k], c[:, k:]
        ok = (a >= 0) & (b >= 0)
        counts[k - 1] = int(ok.sum())
        if counts[k - 1]:
            out[k - 1] = mutual_info_score(a[ok], b[ok])
    if return_counts:
        return out, counts
    return out


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"order must be a positive integer (longest history), got {order!r}")
    return int(order)


def _sequential_mi_one(c: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Pooled MI between x_t and (x_{t-1}, ..., x_{t-k}) for k = 1..order, and pair counts."""
    T = c.shape[1]
    out = np.full(order, np.nan)
    counts = np.zeros(order, dtype=np.int64)
    for k in range(1, min(order, T - 1) + 1):
        target = c[:, k:]
        history = np.stack([c[:, k - j : T - j] for j in range(1, k + 1)], axis=-1)
        ok = (target >= 0) & np.all(history >= 0, axis=-1)
        counts[k - 1] = int(ok.sum())
        if counts[k - 1]:
            # each distinct history tuple becomes one joint symbol
            _, joint = np.unique(history[ok], axis=0, return_inverse=True)
            out[k - 1] = mutual_info_score(target[ok], joint.ravel())
    return out, counts


def sequential_mutual_information(
    codes, lengths=None, order: int = 3, groups=None, return_counts: bool = False
):
    """Mutual information between ``x_t`` and its history ``(x_{t-1}, ..., x_{t-k})`` for
    ``k = 1..order``, in nats.

    For each ``k``, every step ``t`` whose ``k + 1`` values ``x_{t-k}..x_t`` are all valid
    gives one pair (``x_t``, history tuple); the tuple is encoded as one joint symbol and the
    plug-in MI (``sklearn.metrics.mutual_info_score``, as in
    :func:`lagged_mutual_information`) is taken on the pairs pooled over sequences. ``k = 1``
    equals the lag-1 value of :func:`lagged_mutual_information`. The true value cannot
    decrease with ``k`` (a longer history carries at least as much information) and is bounded
    by the entropy of ``x_t``; note each ``k`` uses the steps ``t >= k`` only.

    **Bias:** the plug-in estimate is biased upward, roughly by ``(K - 1)(H - 1) / (2 N)`` for
    ``K`` symbols, ``H`` distinct histories and ``N`` pairs. ``H`` grows like ``K**k``, so for
    large ``k`` and small samples every history is nearly unique and the estimate approaches
    the entropy of ``x_t`` whatever the true dependence. Compare real and synthetic data at
    equal sample sizes (same number of sequences and lengths), and read large ``k`` with care.

    Args:
        codes: ``[n, T]`` integer symbols; ``-1`` (or NaN in a float array) marks padding or a
            missing step, and every pair whose window touches it is left out.
        lengths: optional ``[n]`` valid lengths.
        order: longest history ``k``.
        groups: optional label per sequence (e.g. an attribute value; missing labels form a
            group of their own). The MI is then computed within each group and the group
            values are averaged with equal weight. At each ``k``, a group with no valid pair
            (all its sequences shorter than ``k + 1``) is skipped — left out of that ``k``'s
            average — and the number of groups averaged is returned with
            ``return_counts=True``. Note that small groups have larger upward bias.
        return_counts: also return the number of pooled pairs (summed over groups) and the
            number of groups averaged at each ``k`` (without ``groups``: 1, or 0 where no pair
            exists).

    Returns:
        ``mi`` of shape ``[order]`` (``mi[k - 1]`` is history length ``k``), NaN where no
        pair exists; with ``return_counts=True``, ``(mi, n_pairs, n_groups)``.
    """
    c = _as_codes(codes, lengths)
    order = _check_order(order)
    if groups is None:
        mi, counts = _sequential_mi_one(c, order)
        return (mi, counts, (counts > 0).astype(np.int64)) if return_counts else mi
    labels = np.asarray(groups, dtype=object) if not isinstance(groups, pd.Series) else groups
    if np.ndim(labels) != 1 or len(labels) != c.shape[0]:
        raise ValueError(
            f"groups must hold one label per sequence ({c.shape[0]}), got shape "
            f"{np.shape(labels)}"
        )
    ids, _ = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=False)
    per_group = []
    total = np.zeros(order, dtype=np.int64)
    for g in range(ids.max() + 1):
        mi, counts = _sequential_mi_one(c[ids == g], order)
        per_group.append(mi)
        total += counts
    per_group = np.array(per_group)
    have = ~np.isnan(per_group)
    n_groups = have.sum(axis=0).astype(np.int64)
    out = np.full(order, np.nan)
    np.divide(np.where(have, per_group, 0.0).sum(axis=0), n_groups, out=out, where=n_groups > 0)
    if return_counts:
        return out, total, n_groups
    return out


def temporal_mi_comparison(
    real_codes,
    synthetic_codes,
    real_lengths=None,
    synthetic_lengths=None,
    max_lag: int | None = None,
    order: int = 3,
    real_groups=None,
    synthetic_groups=None,
) -> dict:
    """Compare the temporal dependence of a discrete feature in real and synthetic sequences.

    Both sides must code the feature the same way in spirit (same symbols; for a continuous
    feature, the same bins — ``discretize`` both with ``quantile_edges(real, synthetic)``).
    The plug-in MI is biased upward for small samples, so compare at equal sample sizes.

    Args:
        real_codes, synthetic_codes: ``[n, T]`` integer codes, ``-1`` for padding.
        real_lengths, synthetic_lengths: optional valid lengths per sequence.
        max_lag: largest lag of :func:`lagged_mutual_information` (default: the shorter
            side's ``T - 1``).
        order: longest history of :func:`sequential_mutual_information`.
        real_groups, synthetic_groups: optional group label per sequence for
            :func:`sequential_mutual_information` (give both or neither).

    Returns:
        dict with ``real_lagged_mi`` and ``synthetic_lagged_mi`` (``[max_lag]`` arrays, nats),
        ``lagged_mi_mae`` (mean over lags of the absolute difference), ``real_sequential_mi``
        and ``synthetic_sequential_mi`` (``[order]`` arrays), ``sequential_mi_mae``, and the
        counts behind them: ``real_lagged_pairs``, ``synthetic_lagged_pairs``,
        ``real_sequential_pairs``, ``synthetic_sequential_pairs``, ``real_sequential_groups``
        and ``synthetic_sequential_groups`` (groups averaged at each ``k``). A mean absolute
        error is NaN when either curve is NaN somewhere (no valid pair at that lag or order):
        lower ``max_lag`` / ``order``.
    """
    if (real_groups is None) != (synthetic_groups is None):
        raise ValueError(
            "give groups for both sides (real_groups and synthetic_groups) or for neither"
        )
    a = _as_codes(real_codes, real_lengths)
    b = _as_codes(synthetic_codes, synthetic_lengths)
    if max_lag is None:
        max_lag = max(min(a.shape[1], b.shape[1]) - 1, 1)
    real_lag, real_lag_n = lagged_mutual_information(a, max_lag=max_lag, return_counts=True)
    syn_lag, syn_lag_n = lagged_mutual_information(b, max_lag=max_lag, return_counts=True)
    real_seq, real_seq_n, real_seq_g = sequential_mutual_information(
        a, order=order, groups=real_groups, return_counts=True
    )
    syn_seq, syn_seq_n, syn_seq_g = sequential_mutual_information(
        b, order=order, groups=synthetic_groups, return_counts=True
    )
    return {
        "real_lagged_mi": real_lag,
        "synthetic_lagged_mi": syn_lag,
        "lagged_mi_mae": float(np.mean(np.abs(real_lag - syn_lag))),
        "real_sequential_mi": real_seq,
        "synthetic_sequential_mi": syn_seq,
        "sequential_mi_mae": float(np.mean(np.abs(real_seq - syn_seq))),
        "real_lagged_pairs": real_lag_n,
        "synthetic_lagged_pairs": syn_lag_n,
        "real_sequential_pairs": real_seq_n,
        "synthetic_sequential_pairs": syn_seq_n,
        "real_sequential_groups": real_seq_g,
        "synthetic_sequential_groups": syn_seq_g,
    }
