"""Accuracy of imputed values on entries hidden on purpose (see :mod:`tfgan_ts.masking`).

Pure numpy / pandas / scikit-learn; no TensorFlow. Scores only the entries of a mask (the
hidden ones), per column and pooled, on the original scale and on min–max-scaled values so
that columns in different units can be compared and pooled.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

__all__ = ["imputation_scores"]

_METRICS = ("mae", "rmse", "r2")
_COLUMNS = ("n", *_METRICS, *(f"{m}_scaled" for m in _METRICS))
_OVERALL = "overall"


# --------------------------------------------------------------------------- inputs


def _frame(x, name: str) -> pd.DataFrame:
    """``x`` as a DataFrame (a 2-D array gets columns "0", "1", ...); ValueError otherwise."""
    if isinstance(x, pd.DataFrame):
        return x
    if isinstance(x, pd.Series) or np.ndim(x) != 2:
        raise ValueError(
            f"imputation_scores: {name} must be a DataFrame or a 2-D array, got "
            f"{type(x).__name__} of shape {np.shape(x)}"
        )
    a = np.asarray(x)
    return pd.DataFrame(a, columns=[str(j) for j in range(a.shape[1])])


def _check_same_labels(a: pd.DataFrame, b: pd.DataFrame, name: str):
    """ValueError unless two DataFrames have the same columns and index, in the same order —
    entries are compared by position, so a reordered frame would be scored wrongly."""
    if not a.columns.equals(b.columns):
        raise ValueError(
            f"imputation_scores: the columns of {name} ({list(b.columns)[:20]}) differ from those "
            f"of true ({list(a.columns)[:20]}); reorder them, e.g. {name}[true.columns]"
        )
    if not a.index.equals(b.index):
        raise ValueError(
            f"imputation_scores: the index of {name} differs from that of true (entries are "
            f"compared by position); align it, e.g. {name}.reindex(true.index), or pass "
            "arrays (.to_numpy()) if the rows are already in the same order"
        )


def _mask(mask, true: pd.DataFrame, labelled: bool) -> np.ndarray:
    """``mask`` as a bool array of true's shape; ValueError unless it is boolean-like
    (bools, or numbers that are all 0 or 1). A DataFrame mask must match the labels of a
    ``labelled`` (user-given DataFrame) true."""
    if isinstance(mask, pd.DataFrame):
        if labelled:
            _check_same_labels(true, mask, "mask")
        m = mask.to_numpy()
    else:
        m = np.asarray(mask)
    if m.shape != true.shape:
        raise ValueError(
            f"imputation_scores: mask has shape {m.shape} but true has shape {true.shape}; the "
            "mask marks the scored entries of true (e.g. tfgan_ts.masking.added_mask(...))"
        )
    if m.dtype == bool:
        return m
    try:
        f = m.astype(np.float64)
    except (TypeError, ValueError):
        f = None
    if f is None or not np.isin(f, (0.0, 1.0)).all():
        example = m.ravel()[:5].tolist()
        raise ValueError(
            f"imputation_scores: mask must be boolean (True = a hidden, imputed entry to score), "
            f"got dtype {m.dtype} with values like {example}; pass a bool array such as "
            "tfgan_ts.masking.added_mask(before, after)"
        )
    return f.astype(bool)


def _values(frame: pd.DataFrame, j: int, scored: np.ndarray, name: str) -> np.ndarray:
    """Column ``j`` as float64; ValueError for a non-numeric column or non-finite scored
    entries."""
    col = frame.iloc[:, j]
    label = frame.columns[j]
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise ValueError(
            f"imputation_scores: column {label!r} of {name} has dtype {dtype} but "
            f"{int(scored.sum())} of its entries are scored; only numeric (non-bool) columns "
            "can be scored — convert it with pd.to_numeric or leave it out of the mask"
        )
    x = col.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = int((~np.isfinite(x[scored])).sum())
    if bad:
        hint = (
            "the imputer left them missing or produced inf"
            if name == "imputed"
            else "the true values must be known where they are scored — drop these entries "
            "from the mask"
        )
        raise ValueError(
            f"imputation_scores: column {label!r}: {bad} scored "
            f"entr{'y is' if bad == 1 else 'ies are'} NaN or infinite in {name}; {hint}"
        )
    return x


# --------------------------------------------------------------------------- metrics


def _metrics(y: np.ndarray, p: np.ndarray, suffix: str = "") -> dict:
    """MAE, RMSE and R² (scikit-learn); R² is NaN when undefined (fewer than two values, or
    constant true values)."""
    r2 = r2_score(y, p) if len(y) >= 2 and y.max() > y.min() else np.nan
    return {
        f"mae{suffix}": float(mean_absolute_error(y, p)),
        f"rmse{suffix}": float(root_mean_squared_error(y, p)),
        f"r2{suffix}": float(r2),
    }


def _empty(n: int = 0) -> dict:
    return {"n": n, **{c: np.nan for c in _COLUMNS[1:]}}


def _unit(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Min–max scaling to [0, 1]; halves first so that ``hi - lo`` cannot overflow (exact
    otherwise: halving is exact for normal floats)."""
    return (x / 2 - lo / 2) / (hi / 2 - lo / 2)


def imputation_scores(true, imputed, mask) -> pd.DataFrame:
    """Error of imputed values against the true ones on the scored (hidden) entries, per column
    and overall — to compare imputers on data whose gaps were added on purpose.

    Returns a DataFrame indexed by column name plus a last row ``"overall"``, with columns

    * ``n``: number of scored entries;
    * ``mae``, ``rmse``, ``r2``: on the original scale (scikit-learn's
      ``mean_absolute_error``, ``root_mean_squared_error``, ``r2_score``);
    * ``mae_scaled``, ``rmse_scaled``, ``r2_scaled``: the same on min–max-scaled values, each
      column scaled by the min and max of its finite ``true`` values over the whole column
      (scored or not), so 0.1 means 10 % of the column's range. Per column ``r2_scaled`` equals
      ``r2`` (R² does not change under scaling).

    The ``"overall"`` row pools the scored entries of all columns on the scaled values; its
    original-scale metrics are NaN unless the frame has a single column (units may differ).
    Pooled R² also counts the differences between the columns' scaled levels.

    NaN metrics (not errors): a column with no scored entries (n = 0, also for non-numeric
    columns); R² of fewer than two scored entries or of constant true values at the scored
    entries (undefined); scaled metrics of a column whose true values are constant (max == min,
    no range to scale by) — its entries are then left out of the overall scaled metrics, with
    a warning naming the column.

    Args:
        true: DataFrame or 2-D array of the true values (NaN allowed where not scored).
        imputed: same shape (and, for DataFrames, the same columns and index) — the imputer's
            output; entries outside the mask are ignored.
        mask: bool array or DataFrame of the same shape, True = a hidden entry to score (e.g.
            :func:`tfgan_ts.masking.added_mask`); 0/1 numbers are accepted too.
    """
    t = _frame(true, "true")
    i = _frame(imputed, "imputed")
    if t.shape != i.shape:
        raise ValueError(
            f"imputation_scores: true has shape {t.shape} but imputed has shape {i.shape}; they "
            "must hold the same entries"
        )
    if isinstance(true, pd.DataFrame) and isinstance(imputed, pd.DataFrame):
        _check_same_labels(t, i, "imputed")
    elif isinstance(imputed, pd.DataFrame):  # names from whichever side has them
        t = t.set_axis(i.columns, axis=1).set_axis(i.index, axis=0)
    labelled = isinstance(true, pd.DataFrame) or isinstance(imputed, pd.DataFrame)
    m = _mask(mask, t, labelled)
    names = list(t.columns)
    if _OVERALL in names:
        raise ValueError(
            f"imputation_scores: a column is named {_OVERALL!r}, which is the name of the pooled "
            "row; rename it"
        )
    if t.columns.has_duplicates:
        dup = list(t.columns[t.columns.duplicated()].unique())[:20]
        raise ValueError(
            f"imputation_scores: column name(s) {dup} appear more than once; rename the "
            "duplicates so that each gets its own row"
        )

    rows: dict = {}
    pooled_y, pooled_p, unscaled = [], [], []
    for j, label in enumerate(names):
        scored = m[:, j]
        n = int(scored.sum())
        if n == 0:
            rows[label] = _empty()
            continue
        x = _values(t, j, scored, "true")
        y, p = x[scored], _values(i, j, scored, "imputed")[scored]
        row = {"n": n, **_metrics(y, p)}
        finite = x[np.isfinite(x)]
        lo, hi = float(finite.min()), float(finite.max())
        if hi / 2 - lo / 2 > 0:
            ys, ps = _unit(y, lo, hi), _unit(p, lo, hi)
            row.update(_metrics(ys, ps, "_scaled"))
            pooled_y.append(ys)
            pooled_p.append(ps)
        else:
            row.update({f"{c}_scaled": np.nan for c in _METRICS})
            unscaled.append((label, n))
        rows[label] = row

    total = sum(r["n"] for r in rows.values())
    overall = _empty(total)
    if len(names) == 1:
        overall.update({c: rows[names[0]][c] for c in _METRICS})
    if pooled_y:
        overall.update(_metrics(np.concatenate(pooled_y), np.concatenate(pooled_p), "_scaled"))
    if unscaled:
        warnings.warn(
            f"imputation_scores: column(s) {[c for c, _ in unscaled]} are constant in true, so "
            f"their scaled metrics are NaN and their {sum(n for _, n in unscaled)} scored "
            "entries are left out of the overall scaled metrics",
            UserWarning,
            stacklevel=2,
        )
    rows[_OVERALL] = overall

    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(_COLUMNS))
    out["n"] = out["n"].astype(np.int64)
    out.index.name = "column"
    return out
