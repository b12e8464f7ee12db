"""Column types of a data spec: how one column is encoded for a GAN and decoded back.

Columns encode 1-D values to a float32 block ``[n, dim]`` and decode such a block back to a
pandas Series with the original dtype. This module holds ``Continuous`` and ``Discrete`` and
the registry of every type; ``Binned`` lives in :mod:`tfgan_ts.binned_column` and the shared
base (``Column``, ``Output``, value helpers) in :mod:`tfgan_ts.column_base`. All are importable
from here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .binned_column import Binned
from .column_base import (
    Column,
    Output,
    check_numeric,
    is_integer_dtype,
    native_value,
    restore_dtype,
)

__all__ = [
    "COLUMN_TYPES",
    "NORMALIZATIONS",
    "Binned",
    "Column",
    "Continuous",
    "Discrete",
    "Output",
    "check_numeric",
]

NORMALIZATIONS = ("zero_one", "minus_one_one")


class Continuous(Column):
    """A numeric column scaled to [0, 1] (``"zero_one"``) or [-1, 1] (``"minus_one_one"``).

    ``bounds=(low, high)`` declares the range instead of fitting it from the data (needed for
    a differential-privacy guarantee that covers the schema). Integer columns come back
    rounded to their integer dtype. ``unit`` (e.g. ``"K"``) labels report rows and figures.
    """

    kind = "continuous"

    def __init__(
        self,
        name: str,
        normalization: str = "zero_one",
        bounds: tuple[float, float] | list[float] | None = None,
        unit: str | None = None,
    ):
        super().__init__(name)
        if unit is not None and (not isinstance(unit, str) or not unit.strip()):
            raise ValueError(f"column {name!r}: unit must be a non-empty string such as 'K' or "
                             f"'vehicles/hour', or None; got {unit!r}")
        self.unit = unit
        if normalization not in NORMALIZATIONS:
            raise ValueError(
                f"column {name!r}: normalization must be one of {NORMALIZATIONS}, "
                f"got {normalization!r}"
            )
        self.normalization = normalization
        if bounds is not None:
            try:
                low, high = (float(b) for b in bounds)
            except (TypeError, ValueError):
                raise ValueError(
                    f"column {name!r}: bounds must be a pair (low, high) of numbers, got {bounds!r}"
                ) from None
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                raise ValueError(
                    f"column {name!r}: bounds must be finite with low < high, got {bounds!r}"
                )
            bounds = [low, high]
        self.bounds = bounds
        self.min_: float | None = None
        self.max_: float | None = None

    @property
    def activation(self) -> str:
        """The output activation matching the normalization: sigmoid or tanh."""
        return "sigmoid" if self.normalization == "zero_one" else "tanh"

    @property
    def dim(self) -> int:
        """Encoded width: one unit."""
        return 1

    def outputs(self) -> list[Output]:
        """One block of one unit with the column's activation."""
        return [Output(self.name, 1, self.activation)]

    def fit(self, values: pd.Series) -> Continuous:
        """Learn the range (or check the declared bounds) and the dtype from ``values``."""
        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)
        if self.bounds is not None:
            self.check_bounds(x)
            self.min_, self.max_ = self.bounds
        else:
            self.min_, self.max_ = float(np.min(x)), float(np.max(x))
        self.dtype_ = str(values.dtype)
        return self

    def check_bounds(self, x: np.ndarray) -> None:
        """ValueError if a value lies outside the declared ``bounds`` (none declared: no-op)."""
        if self.bounds is None:
            return
        low, high = self.bounds
        bad = (x < low) | (x > high)
        if bad.any():
            raise ValueError(
                f"column {self.name!r}: {int(bad.sum())} value(s) lie outside the declared bounds "
                f"{low}..{high} (seen {x.min()}..{x.max()}); widen bounds=... or fix the data"
            )

    @property
    def scale(self) -> float:
        """Width of the fitted range (1 for a constant column)."""
        width = self.max_ - self.min_
        return width if width > 0 else 1.0

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        """Values → [0, 1] (or [-1, 1]) in the column's normalization, as float64."""
        u = (np.asarray(x, dtype=np.float64) - self.min_) / self.scale
        return u if self.normalization == "zero_one" else 2.0 * u - 1.0

    def from_unit(self, e: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_unit`, as float64."""
        e = np.asarray(e, dtype=np.float64)
        u = e if self.normalization == "zero_one" else (e + 1.0) / 2.0
        return self.min_ + u * self.scale

    def encode(self, values: pd.Series) -> np.ndarray:
        """Values → float32 ``[n, 1]`` in the column's normalization."""
        self._require_fitted()
        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)
        self.check_bounds(x)
        return self.to_unit(x)[:, None].astype(np.float32)

    def decode(
        self,
        block: np.ndarray,
        rng: np.random.Generator | None = None,  # noqa: ARG002 (Binned.decode's signature)
    ) -> pd.Series:
        """A ``[n, 1]`` block → values in the fitted dtype (``rng`` is unused here)."""
        self._require_fitted()
        return self.restore(self.from_unit(np.asarray(block)[:, 0]))

    def restore(self, x: np.ndarray) -> pd.Series:
        """Float values → the fitted dtype (integers are rounded)."""
        if is_integer_dtype(self.dtype_):
            x = np.round(x)
        return restore_dtype(x, self.dtype_, self.name)

    def get_config(self) -> dict:
        """Declaration (name, normalization, bounds) and, once fitted, range and dtype."""
        config = {
            "type": "Continuous",
            "name": self.name,
            "normalization": self.normalization,
            "bounds": self.bounds,
        }
        if self.unit is not None:  # only when declared: older configs stay as they were
            config["unit"] = self.unit
        if self.fitted:
            config["fitted"] = {"min_": self.min_, "max_": self.max_, "dtype_": self.dtype_}
        return config

    def data_derived(self) -> list[str]:
        """The range, unless declared with ``bounds``."""
        return [] if self.bounds is not None else [f"{self.name}: min/max"]


class Discrete(Column):
    """A categorical column, one-hot encoded. Missing values are a category of their own.

    Category order: as declared in ``categories``, else the pandas categorical order, else
    sorted (order of first appearance if values do not sort). Categorical, bool, int, float
    and string dtypes come back as they went in.
    """

    kind = "discrete"

    def __init__(self, name: str, categories: list | tuple | None = None):
        super().__init__(name)
        if categories is not None:
            categories = [native_value(c) for c in categories]
            if len(categories) == 0:
                raise ValueError(f"column {name!r}: categories must not be empty")
            if len(set(map(repr, categories))) != len(categories):
                raise ValueError(f"column {name!r}: categories contain duplicates: {categories}")
        self.categories = categories
        self.categories_: list | None = None
        self.ordered_: bool = False
        self.missing_from_data_: bool = False
        self.missing_is_none_: bool = False

    @property
    def dim(self) -> int:
        """Encoded width: the number of fitted categories."""
        self._require_fitted()
        return len(self.categories_)

    def outputs(self) -> list[Output]:
        """One softmax block over the categories."""
        return [Output(self.name, self.dim, "softmax")]

    def fit(self, values: pd.Series) -> Discrete:
        """Learn the categories (declared ones checked), their order and the dtype."""
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            raise ValueError(
                f"column {self.name!r} holds datetimes; a Discrete column needs strings or "
                "numbers (e.g. df[col].dt.strftime('%Y-%m-%d'))"
            )
        missing = values.isna()
        # order is part of the dtype (not of the data): kept with declared categories too
        self.ordered_ = isinstance(values.dtype, pd.CategoricalDtype) and bool(values.cat.ordered)
        if self.categories is not None:
            cats = list(self.categories)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            cats = [native_value(c) for c in values.cat.categories]
        elif pd.api.types.is_bool_dtype(values.dtype):
            cats = [False, True]
        else:
            uniques = [native_value(v) for v in pd.unique(values[~missing])]
            try:
                cats = sorted(uniques)
            except TypeError:
                cats = uniques
        self.missing_from_data_ = False
        # an object column whose gaps are all None gets None back (else NaN)
        self.missing_is_none_ = bool(
            missing.any() and values.dtype == object and all(v is None for v in values[missing])
        )
        if missing.any() and None not in cats:
            cats.append(None)
            self.missing_from_data_ = True
        self.categories_ = cats
        self.dtype_ = str(values.dtype)
        self.codes(values)  # raises on values outside declared categories
        return self

    def codes(self, values: pd.Series) -> np.ndarray:
        """Index of each value in ``categories_``; ValueError for an unseen category."""
        self._require_fitted()
        present = [c for c in self.categories_ if c is not None]
        raw = values.astype(object).to_numpy()
        codes = pd.Index(present, dtype=object).get_indexer(raw).astype(np.int64)
        missing = values.isna().to_numpy()
        unseen = (codes < 0) & ~missing
        if unseen.any():
            examples = pd.unique(values[unseen])[:5]
            raise ValueError(
                f"column {self.name!r}: {int(unseen.sum())} value(s) are not among the fitted "
                f"categories, e.g. {list(examples)}; known categories: {present[:20]}. Declare "
                f"them with Discrete({self.name!r}, categories=[...]) or refit the spec"
            )
        if missing.any():
            if None not in self.categories_:
                raise ValueError(
                    f"column {self.name!r}: {int(missing.sum())} missing value(s) but the column "
                    "was fitted without missing values; refit on data with them or fill them"
                )
            codes[missing] = self.categories_.index(None)
        # pd.Categorical maps positions in `present`; shift past a None placed before them
        if None in self.categories_:
            none_at = self.categories_.index(None)
            codes[(~missing) & (codes >= none_at)] += 1
        return codes

    def encode(self, values: pd.Series) -> np.ndarray:
        """Values → one-hot float32 ``[n, n_categories]``."""
        codes = self.codes(values)
        return np.eye(len(self.categories_), dtype=np.float32)[codes]

    def decode(
        self,
        block: np.ndarray,
        rng: np.random.Generator | None = None,  # noqa: ARG002 (Binned.decode's signature)
    ) -> pd.Series:
        """The argmax category of each row, in the fitted dtype (``rng`` is unused here)."""
        self._require_fitted()
        return self.from_codes(np.argmax(np.asarray(block), axis=-1))

    def from_codes(self, codes: np.ndarray) -> pd.Series:
        """Category indices → values in the fitted dtype (missing as None or NaN)."""
        lookup = np.empty(len(self.categories_), dtype=object)
        gap = None if self.missing_is_none_ else np.nan
        lookup[:] = [gap if c is None else c for c in self.categories_]
        values = lookup[np.asarray(codes, dtype=np.int64)]
        if self.dtype_ == "category":
            present = [c for c in self.categories_ if c is not None]
            cat = pd.Categorical(values, categories=present, ordered=self.ordered_)
            return pd.Series(cat, name=self.name)
        return restore_dtype(values, self.dtype_, self.name)

    def get_config(self) -> dict:
        """Declaration (name, categories) and, once fitted, categories and dtype."""
        config = {"type": "Discrete", "name": self.name, "categories": self.categories}
        if self.fitted:
            config["fitted"] = {
                "categories_": self.categories_,
                "ordered_": self.ordered_,
                "missing_from_data_": self.missing_from_data_,
                "missing_is_none_": self.missing_is_none_,
                "dtype_": self.dtype_,
            }
        return config

    def data_derived(self) -> list[str]:
        """The categories, unless declared or given by a bool dtype; a missing category."""
        # a bool column's categories come from its dtype, not from the data
        from_dtype = str(self.dtype_) in ("bool", "boolean") and self.categories_ == [False, True]
        out = [] if self.categories is not None or from_dtype else [f"{self.name}: categories"]
        if self.missing_from_data_:
            out.append(f"{self.name}: missing-value category")
        return out


COLUMN_TYPES: dict[str, type[Column]] = {
    "Continuous": Continuous,
    "Discrete": Discrete,
    "Binned": Binned,
}
