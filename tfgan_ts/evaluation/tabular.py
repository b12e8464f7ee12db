"""Fidelity of a synthetic table against a real one (one row per record, mixed columns).

Pure numpy / pandas; no TensorFlow. Serves tabular generators (``TabularGAN``, the
virtual-experiment benchmark) the way :mod:`.fidelity` and :mod:`.dependence` serve sequences.
"""

from __future__ import annotations

from math import gcd

import numpy as np
import pandas as pd

from ._inputs import is_discrete
from .dependence import correlation_difference, mutual_information_difference
from .fidelity import histogram_similarity

__all__ = ["tabular_fidelity"]

_FUNC = "tabular_fidelity"
_COLUMN_FIELDS = (
    "kind",
    "similarity",
    "histogram_similarity",
    "real_mean",
    "synthetic_mean",
    "real_std",
    "synthetic_std",
)


# --------------------------------------------------------------------------- input checks


def _check_frames(real, synthetic) -> list:
    """The real frame's columns, after checking both are non-empty DataFrames with the same
    (unique) column names."""
    for name, f in (("real", real), ("synthetic", synthetic)):
        if not isinstance(f, pd.DataFrame):
            raise ValueError(f"{_FUNC}: {name} must be a pandas DataFrame, got {type(f).__name__}")
        dup = sorted({str(c) for c in f.columns[f.columns.duplicated()]})
        if dup:
            raise ValueError(
                f"{_FUNC}: column(s) {dup} appear more than once in the {name} frame; rename "
                "them so each name is unique"
            )
    missing = [c for c in real.columns if c not in synthetic.columns]
    extra = [c for c in synthetic.columns if c not in real.columns]
    if missing or extra:
        raise ValueError(
            f"{_FUNC}: the frames have different columns — missing from synthetic: {missing}, "
            f"extra in synthetic: {extra}; select the same columns on both sides, e.g. "
            "synthetic[real.columns]"
        )
    for name, f in (("real", real), ("synthetic", synthetic)):
        if f.shape[0] == 0 or f.shape[1] == 0:
            raise ValueError(
                f"{_FUNC}: the {name} frame is empty ({f.shape[0]} rows × {f.shape[1]} "
                "columns); pass at least one row and one column on each side"
            )
    return list(real.columns)


def _discrete_set(discrete, columns: list) -> set:
    """Names given in ``discrete``, checked against the frame's columns."""
    if discrete is None:
        return set()
    if isinstance(discrete, str) or not hasattr(discrete, "__iter__"):
        discrete = [discrete]
    names = set(discrete)
    unknown = sorted(str(c) for c in names - set(columns))
    if unknown:
        raise ValueError(
            f"{_FUNC}: discrete names {unknown}, which are not columns of the frames "
            f"({[str(c) for c in columns][:20]}); check the spelling"
        )
    return names


def _kinds(real: pd.DataFrame, synthetic: pd.DataFrame, columns: list, names: set) -> dict:
    """Column -> "discrete" or "continuous", decided on the real frame (the reference): named in
    ``discrete`` or a bool/category/object/string dtype is discrete. The synthetic side of a
    continuous column must be numeric too."""
    kinds = {}
    for c in columns:
        if c in names or is_discrete(real[c]):
            kinds[c] = "discrete"
            continue
        if is_discrete(synthetic[c]):
            raise ValueError(
                f"{_FUNC}: column {c!r} is continuous (numeric in the real frame) but has dtype "
                f"{synthetic[c].dtype} in the synthetic frame; cast the synthetic column to a "
                f"number, or name it in discrete=[{c!r}] to compare it by category"
            )
        kinds[c] = "continuous"
    return kinds


def _continuous_values(values: pd.Series, column, name: str) -> np.ndarray:
    """A continuous column as float64; ValueError when values are missing or infinite."""
    try:
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(
            f"{_FUNC}: column {column!r} is not numeric in the {name} frame; name it in "
            f"discrete=[{column!r}] to compare it by category"
        ) from None
    n_nan, n_inf = int(np.isnan(x).sum()), int(np.isinf(x).sum())
    if n_nan or n_inf:
        what = ", ".join(
            s for s in (f"{n_nan} missing (NaN)" if n_nan else "",
                        f"{n_inf} infinite" if n_inf else "") if s
        )
        raise ValueError(
            f"{_FUNC}: continuous column {column!r} has {what} value(s) in the {name} frame "
            f"out of {len(x)}; drop or fill those rows first, or name it in "
            f"discrete=[{column!r}] to count missing values as a category"
        )
    return x


# --------------------------------------------------------------------------- per column


def _ks_statistic(x: np.ndarray, y: np.ndarray) -> float:
    """The two-sample Kolmogorov–Smirnov statistic, computed as ``scipy.stats.ks_2samp`` does
    but without its p-value (an exact computation that took most of the time). D is a multiple
    of 1/lcm(n1, n2); rounding to it removes float error, as scipy's exact mode does."""
    a, b = np.sort(x), np.sort(y)
    both = np.concatenate([a, b])
    d = np.searchsorted(a, both, side="right") / a.size
    d = d - np.searchsorted(b, both, side="right") / b.size
    stat = max(float(np.clip(-d.min(), 0, 1)), float(d.max()))
    lcm = a.size // gcd(a.size, b.size) * b.size
    return round(stat * lcm) / lcm


def _continuous_row(x: np.ndarray, y: np.ndarray, bins) -> dict:
    """1 − KS statistic, the binned histogram similarity, and means/stds of both sides."""
    return {
        "kind": "continuous",
        "similarity": 1.0 - _ks_statistic(x, y),
        "histogram_similarity": histogram_similarity(x, y, bins=bins, discrete=False),
        "real_mean": float(x.mean()),
        "synthetic_mean": float(y.mean()),
        "real_std": float(x.std(ddof=1)) if x.size > 1 else np.nan,
        "synthetic_std": float(y.std(ddof=1)) if y.size > 1 else np.nan,
    }


def _discrete_row(a: pd.Series, b: pd.Series) -> dict:
    """1 − total variation distance of the category frequencies (missing values a category)."""
    row = dict.fromkeys(_COLUMN_FIELDS, np.nan)
    row["kind"] = "discrete"
    row["similarity"] = histogram_similarity(a, b, discrete=True)
    return row


# --------------------------------------------------------------------------- dependence


def _correlation(real, synthetic, continuous: list, notes: list) -> tuple:
    """Mean |Δ Pearson| over the continuous pairs, and the full comparison (None, None when
    fewer than two continuous columns)."""
    if len(continuous) < 2:
        notes.append(
            f"correlation_difference is None: it needs at least 2 continuous columns, got "
            f"{len(continuous)} ({continuous})"
        )
        return None, None
    corr = correlation_difference(real, synthetic, continuous)
    if corr["undefined_pairs"]:
        notes.append(
            f"correlation_difference leaves out {len(corr['undefined_pairs'])} pair(s) with a "
            f"column constant on one side: {corr['undefined_pairs'][:10]}"
        )
    return corr["mean_abs_difference"], corr


def _association(real, synthetic, columns: list, discrete: set, bins, notes: list) -> tuple:
    """Mean |Δ normalized mutual information| over all pairs, discrete and continuous mixed;
    None when the table has a single column."""
    if len(columns) < 2:
        notes.append("association_difference is None: the table has a single column")
        return None, None
    mi = mutual_information_difference(real, synthetic, columns, bins=bins, discrete=discrete)
    return mi["mean_abs_difference"], mi


# --------------------------------------------------------------------------- public


def tabular_fidelity(
    real: pd.DataFrame, synthetic: pd.DataFrame, discrete=None, *, bins: int = 10,
    train: pd.DataFrame | None = None, seed: int = 0,
) -> dict:
    """Compare a synthetic table with a real one, column by column and pair by pair.

    Column kinds are decided on the real frame: a column named in ``discrete`` or with a
    bool, category, object or string dtype is discrete; every other (numeric) column is
    continuous — pass integer codes (a sex, a class id) in ``discrete``.

    * discrete column: ``similarity`` = ``histogram_similarity(..., discrete=True)``, 1 − total
      variation distance of the category frequencies (missing values are a category);
    * continuous column: ``similarity`` = 1 − the two-sample Kolmogorov–Smirnov statistic
      (``scipy.stats.ks_2samp``), which needs no binning; ``histogram_similarity`` on
      ``bins`` shared bins is reported beside it, with the means and standard deviations.

    Dependence: ``correlation_difference`` is the mean absolute difference of the Pearson
    matrices of the continuous columns (:func:`~tfgan_ts.evaluation.correlation_difference`).
    ``association_difference`` covers every pair, mixed kinds included: it is
    :func:`~tfgan_ts.evaluation.mutual_information_difference`, which compares normalized
    mutual information with discrete columns taken by category and continuous ones cut on
    ``bins`` quantile bins shared by both sides. Plug-in mutual information is biased upward
    on few rows, so compare it between methods evaluated on the same number of rows.

    Args:
        real: the reference table.
        synthetic: the table to judge; the same column names (any order), any number of rows.
        discrete: column names to treat as discrete whatever their dtype.
        bins: bins of the continuous columns for ``histogram_similarity`` and for the mutual
            information (default 10, suited to tables of a few hundred rows).

    Returns:
        dict with ``columns`` (DataFrame indexed by column name: ``kind``, ``similarity``,
        ``histogram_similarity``, ``real_mean``, ``synthetic_mean``, ``real_std``,
        ``synthetic_std`` (ddof 1); the last five NaN for discrete columns),
        ``column_similarity`` (mean of ``similarity`` over the columns, in [0, 1]),
        ``correlation_difference`` (float in [0, 2], or None with fewer than 2 continuous
        columns), ``association_difference`` (float in [0, 1], or None for a single column),
        ``correlation`` and ``association`` (the full results of the two functions, or None),
        ``n_real``, ``n_synthetic`` and ``notes`` (list of strings: why a figure is None or
        what it left out), and with ``train`` a ``copula`` dict (the three summary figures of
        the yardstick).

    ``train``: the rows the synthetic table's generator was fitted on. A
    :class:`tfgan_ts.GaussianCopula` (empirical marginals, one correlation; ``seed``) is then
    fitted on them, draws as many rows as ``synthetic`` and is scored the same way: the
    simple model a generator has to beat, reported beside it.

    Raises:
        ValueError: the frames' columns differ, a frame is empty, a name in ``discrete`` is
            not a column, a continuous column holds NaN or inf, or a column continuous in the
            real frame is not numeric in the synthetic one.
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"{_FUNC}: bins must be a positive integer, got {bins!r}")
    columns = _check_frames(real, synthetic)
    kinds = _kinds(real, synthetic, columns, _discrete_set(discrete, columns))
    rows = {}
    for c in columns:
        if kinds[c] == "discrete":
            rows[c] = _discrete_row(real[c], synthetic[c])
        else:
            x = _continuous_values(real[c], c, "real")
            y = _continuous_values(synthetic[c], c, "synthetic")
            rows[c] = _continuous_row(x, y, bins)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(_COLUMN_FIELDS))
    table.index.name = "column"
    notes: list[str] = []
    continuous = [c for c in columns if kinds[c] == "continuous"]
    disc = {c for c in columns if kinds[c] == "discrete"}
    corr_mean, corr = _correlation(real, synthetic, continuous, notes)
    assoc_mean, assoc = _association(real, synthetic, columns, disc, bins, notes)
    out = {
        "columns": table,
        "column_similarity": float(table["similarity"].mean()),
        "correlation_difference": corr_mean,
        "association_difference": assoc_mean,
        "correlation": corr,
        "association": assoc,
        "n_real": len(real),
        "n_synthetic": len(synthetic),
        "notes": notes,
    }
    if train is not None:
        out["copula"] = _copula_yardstick(real, train, columns, disc, len(synthetic), bins, seed)
    return out


def _copula_yardstick(real, train, columns, discrete, n, bins, seed) -> dict:
    """The summary figures of a Gaussian copula fitted on ``train`` and scored like the
    synthetic table."""
    from ..copula import GaussianCopula

    if not isinstance(train, pd.DataFrame) or not set(columns) <= set(train.columns):
        raise ValueError(f"{_FUNC}: train must be a DataFrame with the real frame's columns "
                         f"{[str(c) for c in columns][:20]}")
    rows = GaussianCopula(discrete=sorted(str(c) for c in discrete), seed=seed).fit(
        train[columns]).generate(n, seed=seed)
    ref = tabular_fidelity(real, rows, sorted(discrete), bins=bins)
    return {k: ref[k] for k in ("column_similarity", "correlation_difference",
                                "association_difference")}
