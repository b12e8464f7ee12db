"""Fidelity of marginal distributions: per-column histograms and sequence lengths.

Pure numpy / pandas / scipy; no TensorFlow. Inputs are plain arrays or pandas Series, so the
same functions serve real-vs-synthetic comparisons of any model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._inputs import MISSING, as_column, is_discrete
from .prepared import PreparedFrame, prepare

__all__ = [
    "histogram_similarity",
    "length_distribution",
    "sequence_lengths",
    "sequence_matrix",
]


# --------------------------------------------------------------------------- long frame → arrays


def sequence_matrix(
    df: pd.DataFrame | PreparedFrame, spec, column: str, n_steps: int | None = None
) -> np.ndarray:
    """One numeric column of a long-format frame as a NaN-padded ``[n_examples, T]`` array.

    Rows are grouped by ``spec.example_id`` (examples in order of first appearance, as the spec
    orders them) and sorted by ``spec.time`` within an example (stable; row order when the
    spec has no time column). No scaling: the values are the frame's own. ``spec`` need not be
    fitted. Missing values of the column stay NaN (and then count as missing points in
    :func:`~tfgan_ts.evaluation.autocorrelation`); use :func:`sequence_lengths` for the lengths.

    Args:
        df: long-format DataFrame (one row per example and step), or a
            :class:`~tfgan_ts.evaluation.PreparedFrame` of it.
        spec: a :class:`tfgan_ts.SequenceSpec` naming the example id and time columns.
        column: the column to lay out (numeric or bool).
        n_steps: width ``T`` (default: the spec's fitted ``max_length_`` when it is fitted and
            at least the longest sequence, else the longest sequence).
    """
    return prepare(df, spec).matrix(column, n_steps).copy()


def sequence_lengths(df: pd.DataFrame | PreparedFrame, spec) -> np.ndarray:
    """Number of rows of each example of a long-format frame (or PreparedFrame), in the order
    of :func:`sequence_matrix` (first appearance of ``spec.example_id``)."""
    return prepare(df, spec).lengths.copy()


# --------------------------------------------------------------------------- marginals


def _frequencies(values: pd.Series) -> dict:
    s = values.astype(object)
    s = s.where(s.notna(), MISSING)
    counts = s.value_counts(dropna=False)
    return {k: v / len(values) for k, v in counts.items() if v}


def histogram_similarity(real, synthetic, bins=50, discrete: bool | None = None) -> float:
    """``1 - total variation distance`` between the distributions of one column, in [0, 1].

    * Continuous values: histograms on shared bin edges,
      ``np.histogram_bin_edges(concat(real, synthetic), bins)``, as probabilities.
    * Discrete values (categorical, bool, string/object — or any dtype with ``discrete=True``):
      category frequencies over the union of the categories seen on either side; a category
      present on one side only counts fully towards the distance.

    Missing values (NaN/None) are one more bin or category of their own, so a different share
    of missing values lowers the similarity. 1 means the same histogram; 0 disjoint supports.

    Args:
        real, synthetic: 1-D array-likes or Series (lengths may differ).
        bins: number of bins or any ``np.histogram_bin_edges`` rule (continuous only).
        discrete: force discrete (True) or continuous (False) handling; default: from dtype
            (numbers are continuous — pass ``discrete=True`` for integer codes like a month).
    """
    a = as_column(real, "real", "histogram_similarity")
    b = as_column(synthetic, "synthetic", "histogram_similarity")
    if len(a) == 0 or len(b) == 0:
        raise ValueError(
            f"histogram_similarity needs values on both sides, got {len(a)} real and {len(b)} "
            "synthetic"
        )
    if discrete is None:
        discrete = is_discrete(a) or is_discrete(b)
    if discrete:
        p, q = _frequencies(a), _frequencies(b)
        tvd = 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))
        return float(min(max(1.0 - tvd, 0.0), 1.0))
    try:
        x = a.to_numpy(dtype=np.float64, na_value=np.nan)
        y = b.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(
            "histogram_similarity: values are not numeric; pass discrete=True to compare "
            "them as categories"
        ) from None
    if np.isinf(x).any() or np.isinf(y).any():
        raise ValueError("histogram_similarity: infinite values cannot be binned")
    fx, fy = x[~np.isnan(x)], y[~np.isnan(y)]
    both = np.concatenate([fx, fy])
    p_nan = np.isnan(x).mean()
    q_nan = np.isnan(y).mean()
    tvd = 0.5 * abs(p_nan - q_nan)
    if both.size:
        edges = np.histogram_bin_edges(both, bins=bins)
        p = np.histogram(fx, bins=edges)[0] / len(x)
        q = np.histogram(fy, bins=edges)[0] / len(y)
        tvd += 0.5 * np.abs(p - q).sum()
    return float(min(max(1.0 - tvd, 0.0), 1.0))


def length_distribution(real_lengths, synthetic_lengths) -> dict:
    """Compare two samples of sequence lengths.

    Returns a dict of floats: ``wasserstein`` (earth mover's distance in steps,
    ``scipy.stats.wasserstein_distance``), ``ks_statistic`` and ``ks_pvalue`` (two-sample
    Kolmogorov–Smirnov, ``scipy.stats.ks_2samp``; with integer lengths the ties make the p-value
    approximate), ``real_mean``, ``synthetic_mean``, ``real_median``, ``synthetic_median``,
    ``n_real`` and ``n_synthetic``.
    """
    a = np.asarray(real_lengths, dtype=np.float64).ravel()
    b = np.asarray(synthetic_lengths, dtype=np.float64).ravel()
    if a.size == 0 or b.size == 0:
        raise ValueError(
            f"length_distribution needs lengths on both sides, got {a.size} real and {b.size} "
            "synthetic"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("length_distribution: lengths must be finite numbers")
    ks = stats.ks_2samp(a, b)
    return {
        "wasserstein": float(stats.wasserstein_distance(a, b)),
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
        "real_mean": float(a.mean()),
        "synthetic_mean": float(b.mean()),
        "real_median": float(np.median(a)),
        "synthetic_median": float(np.median(b)),
        "n_real": int(a.size),
        "n_synthetic": int(b.size),
    }
