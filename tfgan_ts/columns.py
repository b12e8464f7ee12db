"""Column types of a data spec: how one column is encoded for a GAN and decoded back.

Each column owns its fitted state (ranges, categories, bin edges) as plain JSON-able values,
so a model file can carry it (no pickle). Columns encode 1-D values to a float32 block
``[n, dim]`` and decode such a block back to a pandas Series with the original dtype.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

NORMALIZATIONS = ("zero_one", "minus_one_one")


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
        return self.activation == "softmax"


def _native(value):
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


def _restore_dtype(values: np.ndarray, dtype: str, name: str) -> pd.Series:
    """Cast decoded values back to the dtype the column had when fitted."""
    values = np.asarray(values)
    series = pd.Series(values, name=name, dtype=values.dtype)
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series


def _is_integer_dtype(dtype: str) -> bool:
    try:
        return pd.api.types.is_integer_dtype(pd.api.types.pandas_dtype(dtype))
    except TypeError:
        return False


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
        return self.dtype_ is not None

    def _require_fitted(self):
        if not self.fitted:
            raise ValueError(f"column {self.name!r} is not fitted yet: call spec.fit(df) first")

    def get_config(self) -> dict:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict) -> Column:
        config = dict(config)
        kind = config.pop("type")
        klass = COLUMN_TYPES.get(kind)
        if klass is None:
            raise ValueError(f"unknown column type {kind!r}; expected one of {sorted(COLUMN_TYPES)}")
        fitted = config.pop("fitted", None)
        col = klass(**config)
        if fitted is not None:
            col._set_fitted(fitted)
        return col

    def _set_fitted(self, fitted: dict):
        for key, value in fitted.items():
            setattr(self, key, value)

    def copy(self) -> Column:
        return Column.from_config(self.get_config())

    def data_derived(self) -> list[str]:
        """Which fitted facts of this column came from the data (not declared)."""
        return []

    def __repr__(self):
        args = {k: v for k, v in self.get_config().items() if k not in ("type", "fitted")}
        inner = ", ".join(f"{k}={v!r}" for k, v in args.items())
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = None


class Continuous(Column):
    """A numeric column scaled to [0, 1] (``"zero_one"``) or [-1, 1] (``"minus_one_one"``).

    ``bounds=(low, high)`` declares the range instead of fitting it from the data (needed for
    a differential-privacy guarantee that covers the schema). Integer columns come back
    rounded to their integer dtype.
    """

    kind = "continuous"

    def __init__(self, name: str, normalization: str = "zero_one", bounds=None):
        super().__init__(name)
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
        return "sigmoid" if self.normalization == "zero_one" else "tanh"

    @property
    def dim(self) -> int:
        return 1

    def outputs(self) -> list[Output]:
        return [Output(self.name, 1, self.activation)]

    def fit(self, values: pd.Series) -> Continuous:
        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)
        if self.bounds is not None:
            self.check_bounds(x)
            self.min_, self.max_ = self.bounds
        else:
            self.min_, self.max_ = float(np.min(x)), float(np.max(x))
        self.dtype_ = str(values.dtype)
        return self

    def check_bounds(self, x: np.ndarray):
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
        width = self.max_ - self.min_
        return width if width > 0 else 1.0

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        """Values → [0, 1] (or [-1, 1]) in the column's normalization, as float64."""
        u = (np.asarray(x, dtype=np.float64) - self.min_) / self.scale
        return u if self.normalization == "zero_one" else 2.0 * u - 1.0

    def from_unit(self, e: np.ndarray) -> np.ndarray:
        e = np.asarray(e, dtype=np.float64)
        u = e if self.normalization == "zero_one" else (e + 1.0) / 2.0
        return self.min_ + u * self.scale

    def encode(self, values: pd.Series) -> np.ndarray:
        self._require_fitted()
        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)
        self.check_bounds(x)
        return self.to_unit(x)[:, None].astype(np.float32)

    def decode(self, block: np.ndarray, rng=None) -> pd.Series:
        self._require_fitted()
        return self.restore(self.from_unit(np.asarray(block)[:, 0]))

    def restore(self, x: np.ndarray) -> pd.Series:
        """Float values → the fitted dtype (integers are rounded)."""
        if _is_integer_dtype(self.dtype_):
            x = np.round(x)
        return _restore_dtype(x, self.dtype_, self.name)

    def get_config(self) -> dict:
        config = {
            "type": "Continuous",
            "name": self.name,
            "normalization": self.normalization,
            "bounds": self.bounds,
        }
        if self.fitted:
            config["fitted"] = {"min_": self.min_, "max_": self.max_, "dtype_": self.dtype_}
        return config

    def data_derived(self) -> list[str]:
        return [] if self.bounds is not None else [f"{self.name}: min/max"]


class Discrete(Column):
    """A categorical column, one-hot encoded. Missing values are a category of their own.

    Category order: as declared in ``categories``, else the pandas categorical order, else
    sorted (order of first appearance if values do not sort). Categorical, bool, int, float
    and string dtypes come back as they went in.
    """

    kind = "discrete"

    def __init__(self, name: str, categories=None):
        super().__init__(name)
        if categories is not None:
            categories = [_native(c) for c in categories]
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
        self._require_fitted()
        return len(self.categories_)

    def outputs(self) -> list[Output]:
        return [Output(self.name, self.dim, "softmax")]

    def fit(self, values: pd.Series) -> Discrete:
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
            cats = [_native(c) for c in values.cat.categories]
        elif pd.api.types.is_bool_dtype(values.dtype):
            cats = [False, True]
        else:
            uniques = [_native(v) for v in pd.unique(values[~missing])]
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
        codes = self.codes(values)
        return np.eye(len(self.categories_), dtype=np.float32)[codes]

    def decode(self, block: np.ndarray, rng=None) -> pd.Series:
        self._require_fitted()
        return self.from_codes(np.argmax(np.asarray(block), axis=-1))

    def from_codes(self, codes: np.ndarray) -> pd.Series:
        lookup = np.empty(len(self.categories_), dtype=object)
        gap = None if self.missing_is_none_ else np.nan
        lookup[:] = [gap if c is None else c for c in self.categories_]
        values = lookup[np.asarray(codes, dtype=np.int64)]
        if self.dtype_ == "category":
            present = [c for c in self.categories_ if c is not None]
            cat = pd.Categorical(values, categories=present, ordered=self.ordered_)
            return pd.Series(cat, name=self.name)
        return _restore_dtype(values, self.dtype_, self.name)

    def get_config(self) -> dict:
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
        # a bool column's categories come from its dtype, not from the data
        from_dtype = str(self.dtype_) in ("bool", "boolean") and self.categories_ == [False, True]
        out = [] if self.categories is not None or from_dtype else [f"{self.name}: categories"]
        if self.missing_from_data_:
            out.append(f"{self.name}: missing-value category")
        return out


class Binned(Column):
    """A continuous column modelled as discrete bins (one-hot); decoding samples uniformly
    within the chosen bin, so values stay continuous.

    Helps with skewed columns such as transaction amounts. ``strategy`` is passed to
    scikit-learn's ``KBinsDiscretizer`` (``"quantile"``, ``"uniform"`` or ``"kmeans"``); bins
    of zero width (repeated values) are merged, so ``n_bins_`` may be smaller than ``n_bins``.
    """

    kind = "binned"

    def __init__(self, name: str, n_bins: int = 20, strategy: str = "quantile"):
        super().__init__(name)
        if not isinstance(n_bins, (int, np.integer)) or n_bins < 2:
            raise ValueError(f"column {name!r}: n_bins must be an integer >= 2, got {n_bins!r}")
        if strategy not in ("quantile", "uniform", "kmeans"):
            raise ValueError(
                f"column {name!r}: strategy must be 'quantile', 'uniform' or 'kmeans', "
                f"got {strategy!r}"
            )
        self.n_bins = int(n_bins)
        self.strategy = strategy
        self.edges_: list[float] | None = None

    @property
    def dim(self) -> int:
        self._require_fitted()
        return len(self.edges_) - 1

    @property
    def n_bins_(self) -> int:
        return self.dim

    def outputs(self) -> list[Output]:
        return [Output(self.name, self.dim, "softmax")]

    def fit(self, values: pd.Series) -> Binned:
        from sklearn.preprocessing import KBinsDiscretizer

        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)[:, None]
        if np.min(x) == np.max(x):
            edges = np.array([x[0, 0], x[0, 0]])
        else:
            kwargs = {"quantile_method": "averaged_inverted_cdf"} if self.strategy == "quantile" else {}
            kbins = KBinsDiscretizer(
                n_bins=min(self.n_bins, len(x)), encode="ordinal", strategy=self.strategy, **kwargs
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # merged zero-width bins
                kbins.fit(x)
            edges = np.asarray(kbins.bin_edges_[0], dtype=np.float64)
        self.edges_ = [float(e) for e in edges]
        self.dtype_ = str(values.dtype)
        return self

    def codes(self, values: pd.Series) -> np.ndarray:
        self._require_fitted()
        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)
        low, high = self.edges_[0], self.edges_[-1]
        bad = (x < low) | (x > high)
        if bad.any():
            raise ValueError(
                f"column {self.name!r}: {int(bad.sum())} value(s) outside the fitted bin range "
                f"{low}..{high} (seen {x.min()}..{x.max()}); refit the spec on data covering them"
            )
        inner = np.asarray(self.edges_[1:-1])
        return np.searchsorted(inner, x, side="right").astype(np.int64)

    def encode(self, values: pd.Series) -> np.ndarray:
        return np.eye(self.dim, dtype=np.float32)[self.codes(values)]

    def decode(self, block: np.ndarray, rng=None) -> pd.Series:
        self._require_fitted()
        rng = rng if rng is not None else np.random.default_rng()
        codes = np.argmax(np.asarray(block), axis=-1)
        edges = np.asarray(self.edges_)
        x = rng.uniform(edges[codes], edges[codes + 1])
        if _is_integer_dtype(self.dtype_):
            x = np.clip(np.round(x), math.ceil(edges[0]), math.floor(edges[-1]))
        return _restore_dtype(x, self.dtype_, self.name)

    def get_config(self) -> dict:
        config = {"type": "Binned", "name": self.name, "n_bins": self.n_bins,
                  "strategy": self.strategy}
        if self.fitted:
            config["fitted"] = {"edges_": self.edges_, "dtype_": self.dtype_}
        return config

    def data_derived(self) -> list[str]:
        return [f"{self.name}: bin edges"]


COLUMN_TYPES = {"Continuous": Continuous, "Discrete": Discrete, "Binned": Binned}


def check_numeric(values: pd.Series, name: str):
    """ValueError unless ``values`` is a numeric (not bool) column."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        example = values.iloc[0] if len(values) else None
        raise ValueError(
            f"column {name!r} is declared continuous but has dtype {dtype} (e.g. {example!r}); "
            "convert it with pd.to_numeric or declare it Discrete"
        )
