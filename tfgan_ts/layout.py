"""Long and wide layouts of a sequence frame, and the order a ``SequenceSpec`` reads rows in.

* **long**: one row per example and step, with an example id column and (optionally) a time
  column; examples are taken in order of first appearance, steps in time order (stable);
* **wide**: one row per example, one column per step, holding a single feature; trailing
  missing values mark a shorter sequence.

Both are brought to a :class:`OrderedFrame`: a long frame sorted by (example, time) with each
row's example index and step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from .column_base import restore_dtype
from .spec_checks import check_columns, check_ids_and_times, check_wide_labels, check_wide_rows
from .time_codec import time_sort_key


class SequenceOrder(NamedTuple):
    """How a spec orders a long frame: row positions in order, the example index and step
    of each ordered row, each example's length, and the example ids (first appearance)."""

    order: np.ndarray
    example: np.ndarray
    position: np.ndarray
    lengths: np.ndarray
    ids: list


@dataclass
class OrderedFrame:
    """A long frame stably sorted by (example, time), with each row's example and step.

    ``fmt`` is the layout the rows came in ("long" or "wide"); ``wide_labels`` the step
    column labels of a wide frame.
    """

    frame: pd.DataFrame
    ex: np.ndarray
    pos: np.ndarray
    lengths: np.ndarray
    ids: list
    fmt: str
    wide_labels: list | None = None

    @property
    def n(self) -> int:
        """Number of examples."""
        return len(self.lengths)


def rows_of_lengths(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Example index and step of each row when examples of these lengths follow each other."""
    lengths = np.asarray(lengths, dtype=np.int64)
    ex = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    return ex, np.arange(len(ex)) - np.repeat(starts, lengths)


def _example_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(ids, sort=False)``: each row's example code (order of first appearance)
    and the ids. Numeric ids that come in one run per example (the usual layout) are
    factorized on the first row of each run only, which is much faster."""
    dtype = ids.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf" and len(ids) > 1:
        v = ids.to_numpy()
        change = v[1:] != v[:-1]
        if 2 * (1 + np.count_nonzero(change)) <= len(v):  # runs of two rows or more on average
            starts = np.flatnonzero(np.concatenate([[True], change]))
            run_codes, uniques = pd.factorize(ids.iloc[starts], sort=False)
            if len(uniques) == len(starts):  # no id comes back after another one
                return np.repeat(run_codes, np.diff(np.append(starts, len(v)))), uniques
    return pd.factorize(ids, sort=False)


def _grouped_order(codes: np.ndarray, key: np.ndarray | None) -> np.ndarray | None:
    """Row positions sorted by (example code, time key, row), a stable sort; None when the
    rows are in that order already (the usual case for prepared data)."""
    grouped = bool(np.all(codes[1:] >= codes[:-1]))
    if key is None:
        return None if grouped else np.argsort(codes, kind="stable")
    # numbers compare in one total order; Python objects may not, so they always sort
    if grouped and key.dtype != object:
        if np.all((codes[1:] != codes[:-1]) | (key[1:] >= key[:-1])):
            return None
    order = np.argsort(key, kind="stable")  # TypeError for keys that do not order
    return order[np.argsort(codes[order], kind="stable")]


def sequence_order(df: pd.DataFrame, example_id: str, time: str | None) -> SequenceOrder:
    """Order the rows of a long frame: examples by first appearance, steps by time (stable,
    so rows sharing a timestamp keep their order; row order without a time column).

    Only the ``example_id`` and ``time`` columns are read.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
    check_columns(df, [example_id] + ([time] if time else []), "long")
    ids = df[example_id]
    t = None if time is None else df[time]
    check_ids_and_times(ids, t)
    codes, uniques = _example_codes(ids)
    try:
        order = _grouped_order(codes, None if t is None else time_sort_key(t))
    except TypeError:
        raise ValueError(
            f"time column {time!r} mixes types that cannot be ordered; convert it "
            "to numbers or datetimes"
        ) from None
    if order is None:
        order, ex = np.arange(len(codes)), codes.astype(np.int64, copy=False)
    else:
        ex = codes[order].astype(np.int64)
    lengths = np.bincount(ex, minlength=len(uniques)).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(len(ex)) - np.repeat(starts, lengths)  # ex is sorted
    return SequenceOrder(order, ex, pos, lengths, list(uniques))


def detect_format(df: pd.DataFrame, format: str, example_id: str, time: str | None,
                  feature_names: list[str], fitted_format: str | None) -> str:
    """"long" or "wide": ``format`` when given, else read off the columns of ``df``.

    Args:
        df: the frame.
        format: "auto", "long" or "wide".
        example_id: the spec's id column.
        time: the spec's time column.
        feature_names: the spec's feature columns.
        fitted_format: the layout the spec was fitted on (None before fitting).
    """
    if format in ("long", "wide"):
        return format
    if format != "auto":
        raise ValueError(f"format must be 'auto', 'long' or 'wide', got {format!r}")
    if fitted_format == "wide" and feature_names[0] not in df.columns:
        return "wide"
    long_cols = list(feature_names) + ([time] if time else [])
    if all(c in df.columns for c in long_cols):
        return "long"
    one_row_per_example = example_id in df.columns and not df[example_id].duplicated().any()
    if len(feature_names) == 1 and feature_names[0] not in df.columns and (
        time is None or time not in df.columns
    ) and one_row_per_example:
        return "wide"
    return "long"


def long_frame(df: pd.DataFrame, example_id: str, time: str | None, names: list[str],
               arrange: Callable[[pd.DataFrame, SequenceOrder], SequenceOrder] | None = None,
               ) -> OrderedFrame:
    """The spec's columns of a long frame (id, time, attribute and feature ``names``), sorted
    by :func:`sequence_order`, then by ``arrange`` when given (it may reorder rows within an
    example, e.g. rows sharing a time)."""
    needed = [example_id] + ([time] if time else []) + list(names)
    check_columns(df, needed, "long")
    seq = sequence_order(df, example_id, time)
    order, ex, pos, lengths, ids = seq if arrange is None else arrange(df, seq)
    if len(df.columns) > len(needed):
        df = df[needed]  # other columns are never read: leave them out of the copy
    if np.array_equal(order, np.arange(len(order))):
        frame = df.reset_index(drop=True)
    else:
        frame = df.iloc[order].reset_index(drop=True)
    return OrderedFrame(frame, ex, pos, lengths, ids, "long")


def wide_frame(df: pd.DataFrame, example_id: str, time: str | None,
               attribute_names: list[str], feature_name: str,
               fitted_labels: list | None) -> OrderedFrame:
    """A wide frame (one row per example, one column per step) as long rows.

    Args:
        df: the wide frame.
        example_id: the id column, one distinct id per row.
        time: the time column to create from the step labels (None: none).
        attribute_names: the attribute columns; every other column is a step.
        feature_name: the name of the one feature the steps hold.
        fitted_labels: the step labels seen when fitting (None while fitting).
    """
    check_columns(df, [example_id] + list(attribute_names), "wide")
    step_cols = [c for c in df.columns if c != example_id and c not in attribute_names]
    labels = check_wide_labels(step_cols, fitted_labels, example_id)
    values = df[step_cols]
    valid = values.notna().to_numpy()
    lengths = valid.sum(axis=1).astype(np.int64)
    ids = df[example_id]
    check_wide_rows(ids, valid, lengths)
    ex, pos = rows_of_lengths(lengths)
    flat = values.to_numpy()[valid]
    dtypes = set(map(str, values.dtypes))
    if all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes):
        column = pd.Series(flat.astype(np.float64))
        if len(dtypes) == 1 and valid.all():
            column = column.astype(dtypes.pop())
    else:
        column = pd.Series(flat, dtype=object).infer_objects()
    out = {example_id: ids.iloc[ex].reset_index(drop=True)}
    for name in attribute_names:
        out[name] = df[name].iloc[ex].reset_index(drop=True)
    if time is not None:
        out[time] = pd.Series(np.asarray(labels, dtype=object)[pos]).infer_objects()
    out[feature_name] = column
    frame = pd.DataFrame(out)
    return OrderedFrame(frame, ex, pos, lengths, list(ids), "wide", wide_labels=labels)


def wide_step_labels(wide_labels: list | None, time_grid: list | None,
                     max_length: int) -> list:
    """Column labels of the steps of a wide output: the fitted step labels, else the time
    grid as text, else 0..T-1; ``step_<k>`` for steps beyond them."""
    labels = wide_labels or [str(v) for v in (time_grid or range(max_length))]
    return labels + [f"step_{k}" for k in range(len(labels), max_length)]


def to_wide(ids: pd.Series, attributes: dict[str, pd.Series], values: pd.Series,
            ex: np.ndarray, pos: np.ndarray, labels: list, example_id: str) -> pd.DataFrame:
    """Decoded long rows of one feature → one row per example, one column per step.

    Args:
        ids: one id per example.
        attributes: decoded attribute values by column, one per example.
        values: the feature's value of each row.
        ex: example index of each row.
        pos: step of each row.
        labels: the step column labels (:func:`wide_step_labels`).
        example_id: the id column's name.
    """
    n, max_length = len(ids), len(labels)
    values = pd.Series(values).reset_index(drop=True)
    grid = np.full((n, max_length), np.nan, dtype=object)
    grid[ex, pos] = values.to_numpy(dtype=object)
    out = pd.DataFrame({example_id: ids.reset_index(drop=True)})
    for name, column in attributes.items():
        out[name] = column.reset_index(drop=True)
    steps = pd.DataFrame(grid, columns=labels).infer_objects()
    if len(ex) == n * max_length:
        steps = steps.astype(values.dtype)
    return pd.concat([out, steps], axis=1)


def decode_ids(example_ids: np.ndarray | None, n: int, id_dtype: str,
               example_id: str, first: int = 0) -> pd.Series:
    """The ids of ``n`` decoded examples in the fitted id dtype: ``example_ids`` when known,
    else first..first+n-1 (as text for a text id column)."""
    if example_ids is not None:
        values = np.asarray(example_ids, dtype=object)
    else:
        values = np.arange(first, first + n)
        if not pd.api.types.is_numeric_dtype(pd.api.types.pandas_dtype(id_dtype)):
            values = values.astype(str)
    return restore_dtype(values, id_dtype, example_id)
