"""Checks of a ``SequenceSpec``'s declaration and of the frames and arrays it is given.

Each check raises a ``ValueError`` that names the column or argument, says what is wrong and
how to fix it, and where possible points at the first offending examples.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .column_base import Column, check_numeric, native_value
from .columns import Discrete
from .sequence_data import SequenceData
from .time_codec import TIME_ENCODINGS

if TYPE_CHECKING:
    from .layout import OrderedFrame


def show_value(value: Any) -> str:
    """A value as a user would write it in a message (no numpy reprs)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return str(value)
    return repr(value)


def _caller_stacklevel() -> int:
    """``stacklevel`` of the first frame outside this package, so a warning names the line of
    the user's code that led to it (``spec.fit``, ``model.fit`` or a helper calling them)."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def warn_ignored_columns(columns: list[str]) -> None:
    """UserWarning that these columns of the frame are not in the spec and are left out."""
    if columns:
        warnings.warn(f"columns {columns} are not in the spec and are left out of the model "
                      "(spec.ignored_columns_)", UserWarning, stacklevel=_caller_stacklevel())


def check_declaration(example_id: Any, time: Any, attributes: list, features: list,
                      max_length: Any, time_encoding: Any) -> None:
    """ValueError unless the arguments of ``SequenceSpec(...)`` describe a usable spec."""
    if not isinstance(example_id, str) or not example_id:
        raise ValueError(f"example_id must be a column name, got {example_id!r}")
    if time is not None and (not isinstance(time, str) or not time):
        raise ValueError(f"time must be a column name or None, got {time!r}")
    for role, cols in (("attributes", attributes), ("features", features)):
        for col in cols:
            if not isinstance(col, Column):
                raise ValueError(
                    f"{role} must be tg.Continuous/tg.Discrete/tg.Binned columns, got "
                    f"{col!r}; e.g. tg.Continuous({str(col)!r})"
                )
    if not features:
        raise ValueError("a SequenceSpec needs at least one feature column")
    names = [example_id] + ([time] if time else []) + [c.name for c in attributes + features]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"column(s) {dup} appear more than once in the spec; use each once")
    positive = isinstance(max_length, (int, np.integer)) and max_length >= 1
    if max_length is not None and not positive:
        raise ValueError(f"max_length must be a positive integer or None, got {max_length!r}")
    if time_encoding not in TIME_ENCODINGS:
        raise ValueError(
            f"time_encoding must be one of {TIME_ENCODINGS}, got {time_encoding!r}"
        )


def check_frame(df: Any) -> None:
    """ValueError unless ``df`` is a non-empty DataFrame."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise ValueError("the DataFrame is empty: there are no sequences to encode")


def check_columns(df: pd.DataFrame, needed: list[str], fmt: str) -> None:
    """ValueError naming the ``needed`` columns that ``df`` (in ``fmt`` format) lacks."""
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(
            f"column(s) {missing} missing from the {fmt}-format DataFrame (it has "
            f"{list(df.columns)[:20]}); rename the columns or change the spec"
        )


def check_ids_and_times(ids: pd.Series, t: pd.Series | None) -> None:
    """ValueError if an example id or (when there is a time column ``t``) a time is missing."""
    missing_ids = ids.isna()
    if missing_ids.any():
        raise ValueError(
            f"column {ids.name!r} (example id) has {int(missing_ids.sum())} missing "
            "value(s); every row needs the id of its sequence"
        )
    if t is None:
        return
    missing_times = t.isna()
    if missing_times.any():
        bad = ids[missing_times].unique()[:5]
        raise ValueError(
            f"time column {t.name!r} has {int(missing_times.sum())} missing value(s) "
            f"(examples {list(bad)}); fill or drop those rows first"
        )


def locate(prep: OrderedFrame | None, mask: np.ndarray, time: str | None, k: int = 3) -> str:
    """A short text naming the first ``k`` rows where ``mask`` holds (by example and time or
    step when ``prep`` knows them, else by row number)."""
    idx = np.flatnonzero(mask)[:k]
    if prep is None:
        return "rows " + ", ".join(str(i) for i in idx)
    parts = []
    for i in idx:
        where = f"example {show_value(prep.ids[prep.ex[i]])} "
        if time is not None:
            where += f"at {time}={show_value(prep.frame[time].iloc[i])}"
        else:
            where += f"at step {prep.pos[i]}"
        parts.append(where)
    return "; ".join(parts)


def check_finite(frame: pd.DataFrame, cols: list[Column], prep: OrderedFrame | None,
                 time: str | None) -> None:
    """ValueError unless the non-discrete columns ``cols`` of ``frame`` are numeric and finite.

    Args:
        frame: the rows to check.
        cols: the spec's columns to check (Discrete ones are skipped: missing is a category).
        prep: the prepared frame ``frame`` belongs to, to say where; None: by row number.
        time: the spec's time column, to say where.
    """
    for col in cols:
        if isinstance(col, Discrete):
            continue
        values = frame[col.name]
        check_numeric(values, col.name)
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(x)
        if bad.any():
            n_nan = int(np.isnan(x).sum())
            raise ValueError(
                f"column {col.name!r} has {n_nan} missing (NaN) and {int(bad.sum()) - n_nan} "
                f"infinite value(s), first at {locate(prep, bad, time)}; continuous columns "
                "must be finite — impute the gaps (e.g. tg.GANImputer) or drop those rows, "
                "or declare the column Discrete if missing is a category"
            )


def _differs(values: pd.Series, first_row: np.ndarray) -> np.ndarray:
    """Where each value differs from the value at ``first_row`` (all missing values count as
    one value, as in ``nunique(dropna=False)``)."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        x = values.to_numpy()
        changed = x != x[first_row]
        if dtype.kind == "f":
            changed &= ~(np.isnan(x) & np.isnan(x[first_row]))
        return changed
    if isinstance(dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()  # -1 for every missing value
    else:
        codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes != codes[first_row]


def check_constant_attributes(prep: OrderedFrame, attributes: list[Column],
                              example_id: str) -> None:
    """ValueError naming the first examples in which an attribute takes several values."""
    # rows are grouped by example: constant means equal to the example's first value
    first_row = np.flatnonzero(prep.pos == 0)[prep.ex]
    for col in attributes:
        changed = _differs(prep.frame[col.name], first_row)
        if changed.any():
            bad = np.unique(prep.ex[changed])
            ids = ", ".join(show_value(prep.ids[i]) for i in bad[:5])
            raise ValueError(
                f"attribute {col.name!r} is not constant within {len(bad)} example(s), "
                f"e.g. {example_id}={ids}; attributes hold one value per sequence — "
                "declare it as a feature instead"
            )


def check_max_length(prep: OrderedFrame, limit: int, example_id: str) -> None:
    """ValueError naming the first sequences longer than ``limit`` steps."""
    bad = np.flatnonzero(prep.lengths > limit)
    if len(bad) == 0:
        return
    ids = ", ".join(show_value(prep.ids[i]) for i in bad[:5])
    raise ValueError(
        f"{len(bad)} sequence(s) are longer than max_length={limit} (e.g. "
        f"{example_id}={ids}, length {int(prep.lengths[bad[0]])}); raise max_length "
        "or cut the sequences into windows"
    )


def check_layout(data: Any, widths: dict[str, int], max_length: int,
                 name: str = "SequenceData") -> None:
    """ValueError unless ``data`` is a SequenceData with these part ``widths`` and
    ``max_length`` (``name`` says which input is meant in the message)."""
    if not isinstance(data, SequenceData):
        raise ValueError(f"{name}: expected a tg.SequenceData, got {type(data).__name__}")
    for part, dim in widths.items():
        got = getattr(data, part).shape[-1]
        if got != dim:
            raise ValueError(
                f"{name}: SequenceData.{part} has width {got} but this spec encodes {dim}; "
                "was it made by a different spec? Encode it with spec.transform(df)"
            )
    if data.max_length != max_length:
        raise ValueError(
            f"{name}: SequenceData has {data.max_length} steps but the spec's max_length "
            f"is {max_length}"
        )


def check_wide_labels(step_cols: list, fitted_labels: list | None, example_id: str) -> list:
    """The step column labels as plain values; ValueError when there are none, for labels that
    are not strings or numbers, or (``fitted_labels`` given) that differ from the fitted ones."""
    if not step_cols:
        raise ValueError(
            f"wide-format DataFrame has no step columns besides {example_id!r} and the "
            "attributes; wide format is one row per example and one column per step"
        )
    labels = []
    for c in step_cols:
        try:
            labels.append(native_value(c))
        except ValueError:
            raise ValueError(
                f"wide-format step column label {c!r} must be a string or number"
            ) from None
    if fitted_labels is not None and labels != fitted_labels[: len(labels)]:
        raise ValueError(
            "wide-format step columns differ from the fitted ones (first fitted: "
            f"{fitted_labels[:3]}, got {labels[:3]}); use the same columns in order"
        )
    return labels


def check_wide_rows(ids: pd.Series, valid: np.ndarray, lengths: np.ndarray) -> None:
    """ValueError for wide rows with no values, gaps before their last value or ids that are
    missing or repeated.

    Args:
        ids: the example id column, one row per example.
        valid: ``[rows, steps]`` True where a step value is present.
        lengths: present values per row.
    """
    prefix = np.arange(valid.shape[1])[None, :] < lengths[:, None]
    if (lengths == 0).any():
        rows = list(ids[lengths == 0][:5])
        raise ValueError(f"wide-format row(s) with ids {rows} have no values; drop them first")
    if (valid != prefix).any():
        rows = list(ids[(valid != prefix).any(axis=1)][:5])
        raise ValueError(
            f"wide-format rows {rows} have missing values before their last value; in wide "
            "format only trailing NaNs (a shorter sequence) are allowed — impute or cut them"
        )
    if ids.isna().any() or ids.duplicated().any():
        raise ValueError(f"wide-format column {ids.name!r} must hold one distinct id per row")
