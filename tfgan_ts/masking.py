"""Missing values added on purpose to a (nearly) complete table, to evaluate imputers on
entries whose true values are known.

* :func:`mcar` hides entries independently (missing completely at random);
* :func:`blocks` hides contiguous runs of rows per column, as when a sensor fails;
* :func:`added_mask` tells exactly which entries a masking hid — the ones to score with
  :func:`tfgan_ts.evaluation.imputation_scores`.

Both maskings take a DataFrame or a 2-D float ndarray and return a new object of the same
type (the input is never modified). Entries that were already missing stay missing and do not
count towards ``rate``. Pure numpy / pandas; randomness from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import TypeVar

import numpy as np
import pandas as pd

# a DataFrame in, a DataFrame out; an array in, an array out
Table = TypeVar("Table", pd.DataFrame, np.ndarray)
Seed = int | np.random.Generator | None
# column names (positions for an array), one of them, or None for every numeric column
Columns = Iterable | str | int | None

__all__ = ["added_mask", "blocks", "mcar"]


# --------------------------------------------------------------------------- checks


def _check_rate(rate, func: str) -> float:
    """``rate`` as a float in [0, 1); ValueError otherwise."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
        raise ValueError(
            f"{func}: rate must be a number in [0, 1) (the share of observed entries to hide), "
            f"got {rate!r}"
        )
    return float(rate)


def _check_mean_len(mean_len) -> float:
    """``mean_len`` as a finite float >= 1; ValueError otherwise."""
    ok = isinstance(mean_len, numbers.Real) and not isinstance(mean_len, bool)
    if not ok or not math.isfinite(mean_len) or mean_len < 1:
        raise ValueError(
            f"blocks: mean_len must be a finite number >= 1 (the mean gap length in rows), "
            f"got {mean_len!r}"
        )
    return float(mean_len)


def _is_maskable(dtype) -> bool:
    """Numeric and not bool: the columns a masking may hide entries of."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _positions(data, columns, func: str) -> list[int]:
    """Positions of the columns to mask; ValueError for empty data or bad column choices."""
    if isinstance(data, pd.DataFrame):
        shape = data.shape
    elif isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(f"{func} takes a DataFrame or a 2-D array, got shape {data.shape}")
        if not np.issubdtype(data.dtype, np.floating):
            raise ValueError(
                f"{func}: the array has dtype {data.dtype}, which cannot hold NaN; pass "
                "x.astype(float)"
            )
        shape = data.shape
    else:
        raise ValueError(
            f"{func} takes a DataFrame or a 2-D float array, got {type(data).__name__}"
        )
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"{func}: the data is empty (shape {shape}); there is nothing to hide")

    if isinstance(data, np.ndarray):
        if columns is None:
            return list(range(shape[1]))
        if isinstance(columns, (numbers.Integral, np.integer)):
            columns = [columns]
        out = []
        for c in columns:
            if isinstance(c, bool) or not isinstance(c, (numbers.Integral, np.integer)) or not (
                -shape[1] <= c < shape[1]
            ):
                raise ValueError(
                    f"{func}: column {c!r} is not a column index of an array with {shape[1]} "
                    "columns; for arrays, columns are integer positions"
                )
            out.append(int(c) % shape[1])
        if not out:
            raise ValueError(f"{func}: columns is empty; name at least one column to mask")
        return out

    dtypes = data.dtypes
    if columns is None:
        out = [j for j in range(shape[1]) if _is_maskable(dtypes.iloc[j])]
        if not out:
            raise ValueError(
                f"{func}: the frame has no numeric (non-bool) columns to mask (dtypes: "
                f"{dict(dtypes.astype(str).iloc[:20])}); convert them with pd.to_numeric"
            )
        return out
    if isinstance(columns, str) or not isinstance(columns, (list, tuple, pd.Index, np.ndarray)):
        columns = [columns]
    out = []
    for c in columns:
        where = np.flatnonzero(data.columns == c)
        if len(where) == 0:
            raise ValueError(
                f"{func}: column {c!r} is not in the frame (it has {list(data.columns)[:20]})"
            )
        if len(where) > 1:
            raise ValueError(
                f"{func}: column {c!r} appears {len(where)} times in the frame; rename the "
                "duplicates first"
            )
        j = int(where[0])
        if not _is_maskable(dtypes.iloc[j]):
            raise ValueError(
                f"{func}: column {c!r} has dtype {dtypes.iloc[j]}; only numeric (non-bool) "
                "columns can be masked — leave it out of columns=..."
            )
        out.append(j)
    if not out:
        raise ValueError(f"{func}: columns is empty; name at least one column to mask")
    return out


def _observed(data, positions: list[int]) -> np.ndarray:
    """``[n_rows, len(positions)]`` bool: entries of the chosen columns that are not missing."""
    if isinstance(data, pd.DataFrame):
        return data.iloc[:, positions].notna().to_numpy(dtype=bool)
    return ~np.isnan(data[:, positions])


def _apply(data, positions: list[int], hide: np.ndarray):
    """A copy of ``data`` with the entries ``hide`` (over the chosen columns) missing.

    numpy integer columns among the chosen ones become float64 (so they can hold NaN, whatever
    the draw); nullable pandas dtypes keep their dtype, missing as ``pd.NA``.
    """
    if isinstance(data, np.ndarray):
        out = data.copy()
        full = np.zeros(out.shape, dtype=bool)
        full[:, positions] = hide
        out[full] = np.nan
        return out
    out = data.copy()
    for k, j in enumerate(positions):
        col = out.iloc[:, j]
        if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iu":
            col = col.astype(np.float64)
        if hide[:, k].any():
            col = col.mask(hide[:, k])
        out.isetitem(j, col)
    return out


# --------------------------------------------------------------------------- maskings


def mcar(df: Table, rate: float, seed: Seed = None, columns: Columns = None) -> Table:
    """Hide each observed entry of the chosen columns with probability ``rate``, independently
    (missing completely at random) — the simplest test an imputer must pass.

    Args:
        df: a DataFrame or a 2-D float ndarray (returned as the same type, as a new object).
        rate: probability in [0, 1) that an observed entry becomes missing (0 gives a copy).
        seed: int, None or ``numpy.random.Generator`` for ``numpy.random.default_rng``; the
            same seed and shape give the same draw, so a larger rate hides a superset.
        columns: column names (positions for an array) to mask; default all numeric, non-bool
            columns. Others are returned untouched.

    numpy integer columns among the chosen ones come back as float64 (to hold NaN); nullable
    dtypes (``Int64``, ``Float64``) keep their dtype with ``pd.NA``.
    """
    rate = _check_rate(rate, "mcar")
    positions = _positions(df, columns, "mcar")
    observed = _observed(df, positions)
    rng = np.random.default_rng(seed)
    # drawn for every entry (observed or not), so the pattern does not depend on earlier gaps
    hide = observed & (rng.random(observed.shape) < rate)
    return _apply(df, positions, hide)


def _block_column(observed: np.ndarray, rate: float, mean_len: float, rng) -> np.ndarray:
    """Gaps for one column: random starts, geometric lengths, until ``round(rate * observed)``
    new entries are hidden (the last gap is cut short at the target)."""
    n = len(observed)
    target = int(round(rate * int(observed.sum())))
    free = observed.copy()  # observed and not hidden yet
    hide = np.zeros(n, dtype=bool)
    count = 0
    p = 1.0 / mean_len
    while count < target:
        k = max(16, int((target - count) / mean_len) + 1)  # about enough gaps for the rest
        for start, length in zip(
            rng.integers(0, n, size=k).tolist(), rng.geometric(p, size=k).tolist(), strict=True
        ):
            rows = start + np.flatnonzero(free[start : start + length])
            rows = rows[: target - count]
            hide[rows] = True
            free[rows] = False
            count += len(rows)
            if count >= target:
                break
    return hide


def blocks(df: Table, rate: float, mean_len: float, seed: Seed = None,
           columns: Columns = None) -> Table:
    """Hide contiguous runs of rows per column (as when a sensor fails), the harder test for
    imputers of time series: neighbouring values are missing too.

    Per column, gaps start at uniformly random rows and have geometric lengths with mean
    ``mean_len`` (cut at the last row); gaps are added until ``round(rate * n_observed)`` of the
    column's observed entries are newly missing — the last gap is cut short at that target, and
    entries already missing or already hidden do not count twice. Overlapping or touching gaps
    merge, so the runs seen in the result are somewhat longer on average than ``mean_len`` at
    high rates. A gap over entries that were already missing hides the observed entries around
    them (one outage).

    Args:
        df: a DataFrame or a 2-D float ndarray (returned as the same type, as a new object),
            rows in time order.
        rate: share in [0, 1) of each column's observed entries to hide (0 gives a copy).
        mean_len: mean gap length in rows, a number >= 1 (1: single entries, like MCAR but with
            an exact count).
        seed: int, None or ``numpy.random.Generator`` for ``numpy.random.default_rng``.
        columns: as for :func:`mcar`; columns are masked independently, in order.

    Dtypes as for :func:`mcar`.
    """
    rate = _check_rate(rate, "blocks")
    mean_len = _check_mean_len(mean_len)
    positions = _positions(df, columns, "blocks")
    observed = _observed(df, positions)
    rng = np.random.default_rng(seed)
    hide = np.zeros_like(observed)
    for k in range(observed.shape[1]):
        hide[:, k] = _block_column(observed[:, k], rate, mean_len, rng)
    return _apply(df, positions, hide)


def added_mask(before: pd.DataFrame | np.ndarray, after: pd.DataFrame | np.ndarray) -> np.ndarray:
    """``[n_rows, n_columns]`` bool, True where ``after`` is missing but ``before`` was observed:
    the entries a masking hid, which are the ones an imputation should be scored on.

    ``before`` and ``after`` are DataFrames (same columns, in the same order) or 2-D arrays of
    the same shape; missing means NaN, None, ``pd.NA`` or NaT (``pd.isna``).
    """
    shapes = []
    for name, x in (("before", before), ("after", after)):
        if not isinstance(x, pd.DataFrame) and np.ndim(x) != 2:
            raise ValueError(
                f"added_mask: {name} must be a DataFrame or a 2-D array, got shape {np.shape(x)}"
            )
        shapes.append(np.shape(x))
    if shapes[0] != shapes[1]:
        raise ValueError(
            f"added_mask: before has shape {shapes[0]} but after has shape {shapes[1]}; pass the "
            "frame before masking and the masked frame"
        )
    if isinstance(before, pd.DataFrame) and isinstance(after, pd.DataFrame):
        if not before.columns.equals(after.columns):
            raise ValueError(
                f"added_mask: the columns differ (before {list(before.columns)[:20]}, after "
                f"{list(after.columns)[:20]}); align them, e.g. after[before.columns]"
            )
    missing_before = np.asarray(pd.isna(before), dtype=bool)
    missing_after = np.asarray(pd.isna(after), dtype=bool)
    return missing_after & ~missing_before
