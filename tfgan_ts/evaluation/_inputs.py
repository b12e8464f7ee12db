"""Input checks and conversions shared by the evaluation modules (one place, so no module
imports another's private helpers). Pure numpy / pandas; no TensorFlow."""

from __future__ import annotations

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------- numbers


def check_int(name: str, value, low: int) -> int:
    """``value`` as an int; ValueError unless it is an integer (not a bool) ``>= low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_bins(bins) -> int:
    """A number of quantile bins: a positive integer."""
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer (number of quantile bins), got {bins!r}")
    return int(bins)


def check_edges(edges, name: str = "edges") -> np.ndarray:
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


def bin_index(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each (non-NaN) value: ``i`` when ``edges[i] <= x < edges[i+1]``, the last bin
    closed on the right (as ``np.histogram``); values below the first or above the last edge
    go to the first or last bin. One bin when ``edges`` has fewer than two values."""
    n_bins = max(len(edges) - 1, 1)
    idx = np.searchsorted(edges, x, side="right") - 1
    return np.clip(idx, 0, n_bins - 1).astype(np.int64)


def check_lengths(lengths, shape, what: str) -> np.ndarray:
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


def check_max_lag(max_lag, n_steps: int) -> int:
    """The largest lag: ``max_lag`` checked, or ``n_steps - 1`` (at least 1) when None."""
    if max_lag is None:
        return max(n_steps - 1, 1)
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or max_lag < 1:
        raise ValueError(f"max_lag must be a positive integer, got {max_lag!r}")
    return int(max_lag)


# --------------------------------------------------------------------------- one column


class _Missing:
    """The category of missing values (NaN, None, pd.NA, NaT) in discrete comparisons."""

    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


def is_discrete(values: pd.Series) -> bool:
    """True for categorical, bool, string and object dtypes (compared by category)."""
    dtype = values.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or not pd.api.types.is_numeric_dtype(dtype)
    )


def as_column(values, name: str, func: str) -> pd.Series:
    """One column as a Series; ValueError (naming ``func``) for anything not 1-D."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.DataFrame) or np.ndim(values) != 1:
        raise ValueError(
            f"{func} compares two 1-D columns; {name} has shape "
            f"{np.shape(values)} — pass one column at a time"
        )
    return pd.Series(values)


def floats(values: pd.Series, column: str, func: str) -> np.ndarray:
    """A numeric column as float64 (missing as NaN); ValueError for text or infinite values."""
    try:
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(
            f"{func}: column {column!r} is not numeric; name it in discrete= to compare it "
            "by category"
        ) from None
    if np.isinf(x).any():
        raise ValueError(
            f"{func}: column {column!r} has {int(np.isinf(x).sum())} infinite value(s), which "
            "cannot be binned; replace them (e.g. with NaN, counted as missing) first"
        )
    return x


def category_codes(parts: list[pd.Series]) -> list[np.ndarray]:
    """Codes of the categories over the union of all parts; missing values share one code."""
    s = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    s = s.where(s.notna(), MISSING)
    codes, _ = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=False)
    bounds = np.cumsum([0] + [len(p) for p in parts])
    return [codes[bounds[i] : bounds[i + 1]].astype(np.int64) for i in range(len(parts))]


def binned_codes(xs: list[np.ndarray], edges) -> list[np.ndarray]:
    """Bin codes on ``edges``; NaN gets a code of its own (one past the last bin)."""
    n_bins = max(len(edges) - 1, 1) if edges is not None else 1
    out = []
    for x in xs:
        codes = np.full(x.shape, n_bins, dtype=np.int64)
        ok = ~np.isnan(x)
        if ok.any():
            codes[ok] = bin_index(x[ok], edges)
        out.append(codes)
    return out


# --------------------------------------------------------------------------- frames of columns


def check_columns(columns, func: str, at_least: int = 2) -> list[str]:
    """``columns`` as a list of distinct names, at least ``at_least`` of them."""
    if isinstance(columns, str) or not hasattr(columns, "__iter__"):
        raise ValueError(
            f"{func}: columns must be a list of column names, got {columns!r}; e.g. "
            f"columns=[{columns!r}, ...]"
        )
    columns = list(columns)
    dup = sorted({str(c) for c in columns if columns.count(c) > 1})
    if dup:
        raise ValueError(f"{func}: column(s) {dup} are listed more than once; list each once")
    if len(columns) < at_least:
        raise ValueError(
            f"{func} compares pairs of columns and needs at least {at_least} columns, got "
            f"{columns}"
        )
    return columns


def check_frame(df, columns: list[str], name: str, func: str) -> None:
    """ValueError unless ``df`` is a DataFrame holding ``columns`` and at least one row."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{func}: {name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{func}: column(s) {missing} missing from the {name} frame (it has "
            f"{list(df.columns)[:20]}); pass columns present on both sides"
        )
    if len(df) == 0:
        raise ValueError(f"{func}: the {name} frame has no rows; there is nothing to compare")


def discrete_names(discrete, columns: list[str], func: str) -> set:
    """The names in ``discrete`` (None, one name or several), each among ``columns``."""
    if discrete is None:
        return set()
    if isinstance(discrete, str):
        discrete = [discrete]
    if not hasattr(discrete, "__iter__"):
        raise ValueError(
            f"{func}: discrete must be a set of column names (e.g. {{'month'}}), got {discrete!r}"
        )
    names = set(discrete)
    unknown = sorted(str(c) for c in names - set(columns))
    if unknown:
        raise ValueError(
            f"{func}: discrete names {unknown}, which are not among the compared columns "
            f"{columns}; check the spelling"
        )
    return names


def column_kinds(frames: list[pd.DataFrame], columns: list[str], discrete, func: str) -> dict:
    """Column -> True when discrete (named in ``discrete`` or discrete by dtype on any side)."""
    names = discrete_names(discrete, columns, func)
    return {c: c in names or any(is_discrete(f[c]) for f in frames) for c in columns}


# --------------------------------------------------------------------------- specs


def check_spec(spec) -> None:
    """ValueError unless ``spec`` is a fitted SequenceSpec."""
    if spec is None:
        raise ValueError(
            "spec is required: pass the fitted tg.SequenceSpec that encodes the data (usually "
            "the generator's spec, e.g. spec=model.spec)"
        )
    if not all(hasattr(spec, a) for a in ("transform", "attribute_dim", "fitted_")):
        raise ValueError(f"spec must be a tg.SequenceSpec, got {type(spec).__name__}")
    if not spec.fitted_:
        raise ValueError("this SequenceSpec is not fitted yet: call spec.fit(df) first")
