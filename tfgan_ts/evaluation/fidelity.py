"""Fidelity of marginal distributions: per-column histograms and sequence lengths.

Pure numpy / pandas / scipy; no TensorFlow. Inputs are plain arrays or pandas Series, so the
same functions serve real-vs-synthetic comparisons of any model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "histogram_similarity",
    "length_distribution",
    "sequence_lengths",
    "sequence_matrix",
]


# --------------------------------------------------------------------------- long frame → arrays


def _order(df: pd.DataFrame, spec) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row order, example index and step of each ordered row, and lengths — as the spec orders
    a long frame: examples in order of first appearance, steps by time (stable; row order when
    the spec has no time column)."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if spec.example_id not in df.columns:
        raise ValueError(
            f"example id column {spec.example_id!r} missing from the DataFrame (it has "
            f"{list(df.columns)[:20]}); sequence_matrix takes long-format frames — for a "
            "wide frame the step columns already are the [n, T] matrix"
        )
    order, ex, pos, lengths, _ = spec.sequence_order(df)
    return order, ex, pos, lengths


def sequence_matrix(df: pd.DataFrame, spec, column: str, n_steps: int | None = None) -> np.ndarray:
    """One numeric column of a long-format frame as a NaN-padded ``[n_examples, T]`` array.

    Rows are grouped by ``spec.example_id`` (examples in order of first appearance, as the spec
    orders them) and sorted by ``spec.time`` within an example (stable; row order when the
    spec has no time column). No scaling: the values are the frame's own. ``spec`` need not be
    fitted. Missing values of the column stay NaN (and then count as missing points in
    :func:`~tfgan_ts.evaluation.autocorrelation`); use :func:`sequence_lengths` for the lengths.

    Args:
        df: long-format DataFrame (one row per example and step).
        spec: a :class:`tfgan_ts.SequenceSpec` naming the example id and time columns.
        column: the column to lay out (numeric or bool).
        n_steps: width ``T`` (default: the spec's fitted ``max_length_`` when it is fitted and
            at least the longest sequence, else the longest sequence).
    """
    if column not in df.columns:
        raise ValueError(
            f"column {column!r} missing from the DataFrame (it has {list(df.columns)[:20]})"
        )
    values = df[column]
    if not (pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype)):
        raise ValueError(
            f"column {column!r} has dtype {values.dtype}; sequence_matrix lays out numeric "
            "columns — compare discrete columns with histogram_similarity instead"
        )
    order, ex, pos, lengths = _order(df, spec)
    longest = int(lengths.max()) if len(lengths) else 0
    if n_steps is None:
        fitted = getattr(spec, "max_length_", None)
        n_steps = fitted if fitted is not None and fitted >= longest else longest
    elif n_steps < longest:
        raise ValueError(
            f"n_steps={n_steps} is shorter than the longest sequence ({longest} steps)"
        )
    x = values.to_numpy(dtype=np.float64, na_value=np.nan)[order]
    out = np.full((len(lengths), int(n_steps)), np.nan)
    out[ex, pos] = x
    return out


def sequence_lengths(df: pd.DataFrame, spec) -> np.ndarray:
    """Number of rows of each example of a long-format frame, in the order of
    :func:`sequence_matrix` (first appearance of ``spec.example_id``)."""
    return _order(df, spec)[3]


# --------------------------------------------------------------------------- marginals


class _Missing:
    """The category of missing values (NaN, None, pd.NA, NaT) in discrete comparisons."""

    def __repr__(self):
        return "<missing>"


_MISSING = _Missing()


def _is_discrete(values: pd.Series) -> bool:
    dtype = values.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or not pd.api.types.is_numeric_dtype(dtype)
    )


def _frequencies(values: pd.Series) -> dict:
    s = values.astype(object)
    s = s.where(s.notna(), _MISSING)
    counts = s.value_counts(dropna=False)
    return {k: v / len(values) for k, v in counts.items() if v}


def _column(values, name: str, func: str = "histogram_similarity") -> pd.Series:
    """One column as a Series; ValueError (naming ``func``) for anything not 1-D."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.DataFrame) or np.ndim(values) != 1:
        raise ValueError(
            f"{func} compares two 1-D columns; {name} has shape "
            f"{np.shape(values)} — pass one column at a time"
        )
    return pd.Series(values)


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
    a, b = _column(real, "real"), _column(synthetic, "synthetic")
    if len(a) == 0 or len(b) == 0:
        raise ValueError(
            f"histogram_similarity needs values on both sides, got {len(a)} real and {len(b)} "
            "synthetic"
        )
    if discrete is None:
        discrete = _is_discrete(a) or _is_discrete(b)
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
