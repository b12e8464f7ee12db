"""What every column type shares: network output blocks, value and dtype helpers, the base class.

The concrete types (``Continuous``, ``Discrete`` in :mod:`tfgan_ts.columns`, ``Binned`` in
:mod:`tfgan_ts.binned_column`, ``RunningTotal`` in :mod:`tfgan_ts.running_total`) build on
:class:`Column`, which keeps the fitted state as plain JSON-able values so a model file can
carry it (no pickle).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Output:
    """One block of a network's output: ``dim`` units with a given activation.

    ``activation`` is ``"softmax"`` (one-hot discrete), ``"sigmoid"`` (continuous in [0, 1])
    or ``"tanh"`` (continuous in [-1, 1]).
    """

    name: str
    dim: int
    activation: str

    @property
    def is_discrete(self) -> bool:
        """True for a one-hot (softmax) block."""
        return self.activation == "softmax"


def native_value(value: Any) -> str | int | float | bool | None:
    """A numpy/pandas scalar as a plain Python value (JSON-able); missing as None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(
        f"value {value!r} of type {type(value).__name__} cannot be a category; "
        "convert the column to strings or numbers first"
    )


def restore_dtype(values: np.ndarray, dtype: str, name: str) -> pd.Series:
    """Cast decoded values back to the dtype the column had when fitted."""
    values = np.asarray(values)
    series = pd.Series(values, name=name, dtype=values.dtype)
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series


def is_integer_dtype(dtype: str) -> bool:
    """True when the dtype name ``dtype`` is an integer dtype (numpy or nullable)."""
    try:
        return pd.api.types.is_integer_dtype(pd.api.types.pandas_dtype(dtype))
    except TypeError:
        return False


def check_numeric(values: pd.Series, name: str) -> None:
    """ValueError unless ``values`` is a numeric (not bool) column."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        try:
            text = pd.to_numeric(values, errors="coerce").isna() & values.notna()
        except (TypeError, ValueError):  # e.g. booleans or categories: no value is a number
            text = values.notna()
        bad = values[text] if not pd.api.types.is_bool_dtype(dtype) else values
        example = bad.iloc[0] if len(bad) else (values.iloc[0] if len(values) else None)
        where = f" (index {bad.index[0]!r})" if len(bad) else ""
        raise ValueError(
            f"column {name!r} is declared continuous but has dtype {dtype}: {example!r}{where} "
            f"is not a number ({len(bad)} such value(s)); fix or drop those rows, convert the "
            "column with pd.to_numeric, or declare it Discrete"
        )


class Column:
    """Base class of column types. Subclasses set ``kind`` and implement the codec."""

    kind = "column"

    def __init__(self, name: str):
        if not isinstance(name, str) or not name:
            raise ValueError(f"column name must be a non-empty string, got {name!r}")
        self.name = name
        self.dtype_: str | None = None

    # -- fitted state ---------------------------------------------------------------
    @property
    def fitted(self) -> bool:
        """True once :meth:`fit` has run (or fitted state was loaded)."""
        return self.dtype_ is not None

    def _require_fitted(self) -> None:
        if not self.fitted:
            raise ValueError(f"column {self.name!r} is not fitted yet: call spec.fit(df) first")

    def get_config(self) -> dict:
        """The declaration and, once fitted, the fitted state as plain JSON-able values."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict) -> Column:
        """Rebuild a column (fitted state included) from :meth:`get_config`'s output."""
        # the concrete types live in .columns and .running_total, which import this module
        from .columns import COLUMN_TYPES
        from .running_total import RunningTotal

        types = {**COLUMN_TYPES, "RunningTotal": RunningTotal}
        config = dict(config)
        kind = config.pop("type")
        klass = types.get(kind)
        if klass is None:
            raise ValueError(f"unknown column type {kind!r}; expected one of {sorted(types)}")
        fitted = config.pop("fitted", None)
        col = klass(**config)
        if fitted is not None:
            col._set_fitted(fitted)
        return col

    def _set_fitted(self, fitted: dict) -> None:
        for key, value in fitted.items():
            setattr(self, key, value)

    def copy(self) -> Column:
        """An independent column with the same declaration and fitted state."""
        return Column.from_config(copy.deepcopy(self.get_config()))

    def data_derived(self) -> list[str]:
        """Which fitted facts of this column came from the data (not declared)."""
        return []

    def __repr__(self) -> str:
        args = {k: v for k, v in self.get_config().items() if k not in ("type", "fitted")}
        inner = ", ".join(f"{k}={v!r}" for k, v in args.items())
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = None
