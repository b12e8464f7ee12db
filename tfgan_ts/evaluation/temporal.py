"""Temporal fidelity: autocorrelation of real and synthetic sequences.

Sequences come as a float matrix ``x`` of shape ``[n, T]``: one row per sequence, padded with
NaN after its end (what :func:`tfgan_ts.evaluation.sequence_matrix` returns), or any padding
together with ``lengths`` (steps ``>= lengths[i]`` of row ``i`` are ignored).

Discrete features (and continuous ones cut into bins with :func:`discretize`) come as an
integer code matrix ``codes`` of shape ``[n, T]``: codes ``>= 0`` are symbols, ``-1`` marks
padding (or a missing step); ``lengths`` may mark the padding instead. Their temporal
dependence is measured with mutual information (:func:`lagged_mutual_information`, the
discrete counterpart of the ACF, and :func:`sequential_mutual_information`).

Pure numpy / pandas / scikit-learn; no TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import mutual_info_score

__all__ = [
    "acf_mse",
    "acf_score",
    "autocorrelation",
    "discretize",
    "lagged_mutual_information",
    "per_sample_autocorrelation",
    "quantile_edges",
    "sequential_mutual_information",
    "temporal_mi_comparison",
]



def _check_lengths(lengths, shape, what: str) -> np.ndarray:
    """``lengths`` as int64, one per sequence of an [n, T] array, each in 0..T."""
    lengths = np.asarray(lengths)
    if lengths.shape != (shape[0],):
        raise ValueError(
            f"lengths must hold one length per sequence ({shape[0]}), got shape {lengths.shape}"
        )
    if not np.issubdtype(lengths.dtype, np.integer):
        if not np.all(np.isfinite(lengths)) or np.any(lengths != np.round(lengths)):
            raise ValueError("lengths must be whole numbers of steps")
        lengths = lengths.astype(np.int64)
    if lengths.size and (lengths.min() < 0 or lengths.max() > shape[1]):
        raise ValueError(
            f"lengths must lie in 0..{shape[1]} (the number of columns of {what}), got "
            f"{int(lengths.min())}..{int(lengths.max())}"
        )
    return lengths

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
        lengths = _check_lengths(lengths, x.shape, "x")
        x[np.arange(x.shape[1])[None, :] >= lengths[:, None]] = np.nan
    return x


def _check_max_lag(max_lag, n_steps: int) -> int:
    if max_lag is None:
        return max(n_steps - 1, 1)
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or max_lag < 1:
        raise ValueError(f"max_lag must be a positive integer, got {max_lag!r}")
    return int(max_lag)


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
    max_lag = _check_max_lag(max_lag, T)
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
    return float(np.mean((a - b) ** 2))


def acf_score(real, synthetic, max_lag: int, real_lengths=None, synthetic_lengths=None) -> float:
    """``1 - sum_k (A_real(k) - A_syn(k))^2 / sum_k A_real(k)^2`` over lags ``1..max_lag``.

    1 means the averaged ACF curves agree; 0 is as far off as a flat zero curve; it is
    unbounded below. NaN when either curve is NaN at some lag or the real curve is all zero.
    """
    a, b = _two_curves(real, synthetic, max_lag, real_lengths, synthetic_lengths)
    ref = float(np.sum(a**2))
    if not np.isfinite(ref) or ref == 0.0:
        return float("nan")
    return float(1.0 - np.sum((a - b) ** 2) / ref)


# --------------------------------------------------------------------------- discrete: codes


def _check_bins(bins) -> int:
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer (number of quantile bins), got {bins!r}")
    return int(bins)


def _check_edges(edges, name: str = "edges") -> np.ndarray:
    """Bin edges as a sorted finite float64 1-D array (at least one value)."""
    try:
        e = np.asarray(edges, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of numbers, got {edges!r}") from None
    if e.ndim != 1 or e.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of bin edges, got shape {e.shape}")
    if not np.isfinite(e).all():
        raise ValueError(f"{name} must be finite numbers")
    if np.any(np.diff(e) < 0):
        raise ValueError(f"{name} must be sorted in increasing order")
    return e


def _bin_index(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each (non-NaN) value: ``i`` when ``edges[i] <= x < edges[i+1]``, the last bin
    closed on the right (as ``np.histogram``); values below the first or above the last edge
    go to the first or last bin. One bin when ``edges`` has fewer than two values."""
    n_bins = max(len(edges) - 1, 1)
    idx = np.searchsorted(edges, x, side="right") - 1
    return np.clip(idx, 0, n_bins - 1).astype(np.int64)


def quantile_edges(*arrays, bins: int = 10) -> np.ndarray:
    """Bin edges at the quantiles ``0, 1/bins, ..., 1`` of the finite values of all ``arrays``
    pooled (NaN ignored), with repeated edges merged — so heavily tied data gets fewer bins.

    Pass the real and the synthetic values together to get edges shared by both sides, then
    :func:`discretize` each side with them. Raises ValueError when no array holds a finite
    value.
    """
    bins = _check_bins(bins)
    if not arrays:
        raise ValueError("quantile_edges needs at least one array of values")
    parts = []
    for a in arrays:
        v = np.asarray(a, dtype=np.float64).ravel()
        if np.isinf(v).any():
            raise ValueError("quantile_edges: infinite values cannot be binned")
        parts.append(v[~np.isnan(v)])
    pooled = np.concatenate(parts)
    if pooled.size == 0:
        raise ValueError("quantile_edges: no finite values to compute quantiles from")
    return np.unique(np.quantile(pooled, np.linspace(0.0, 1.0, bins + 1)))


def discretize(values, edges=None, bins: int = 10) -> np.ndarray:
    """Cut continuous values (e.g. a NaN-padded ``[n, T]`` matrix) into integer codes.

    Code ``i`` means ``edges[i] <= value < edges[i+1]`` (the last bin also holds the top
    edge); values outside ``[edges[0], edges[-1]]`` go to the first or last bin; NaN becomes
    ``-1`` (padding / missing, skipped by the mutual-information functions). The output has
    the shape of ``values``.

    Args:
        values: array of numbers, NaN for padding.
        edges: sorted bin edges. For a real-vs-synthetic comparison use edges shared by both
            sides — ``edges = quantile_edges(real, synthetic, bins=10)`` — because mutual
            information grows with the number of occupied bins.
        bins: number of quantile bins when ``edges`` is None (edges then come from
            ``values`` alone, via :func:`quantile_edges`).
    """
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "discretize takes numbers; discrete values are already symbols — turn them into "
            "codes with pd.factorize"
        ) from None
    if np.isinf(x).any():
        raise ValueError(f"discretize: {int(np.isinf(x).sum())} infinite value(s) cannot be binned")
    codes = np.full(x.shape, -1, dtype=np.int64)
    ok = ~np.isnan(x)
    if not ok.any():
        if edges is not None:
            _check_edges(edges)
        return codes
    e = quantile_edges(x, bins=bins) if edges is None else _check_edges(edges)
    codes[ok] = _bin_index(x[ok], e)
    return codes


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
        lengths = _check_lengths(lengths, a.shape, "codes")
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
    max_lag = _check_max_lag(max_lag, T)
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
