"""``Binned``: a continuous column modelled as one-hot bins, sampled within its bin on decoding."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from .column_base import Column, Output, check_numeric, is_integer_dtype, restore_dtype


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
        """Encoded width: the number of fitted bins."""
        self._require_fitted()
        return len(self.edges_) - 1

    @property
    def n_bins_(self) -> int:
        """Number of fitted bins (zero-width bins merged)."""
        return self.dim

    def outputs(self) -> list[Output]:
        """One softmax block over the bins."""
        return [Output(self.name, self.dim, "softmax")]

    def fit(self, values: pd.Series) -> Binned:
        """Learn the bin edges from ``values`` with scikit-learn's ``KBinsDiscretizer``."""
        from sklearn.preprocessing import KBinsDiscretizer

        check_numeric(values, self.name)
        x = values.to_numpy(dtype=np.float64)[:, None]
        if np.min(x) == np.max(x):
            edges = np.array([x[0, 0], x[0, 0]])
        else:
            kwargs = {}
            if self.strategy == "quantile":
                kwargs["quantile_method"] = "averaged_inverted_cdf"
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
        """Bin index of each value; ValueError for values outside the fitted edges."""
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
        """Values → one-hot bins, float32 ``[n, n_bins_]``."""
        return np.eye(self.dim, dtype=np.float32)[self.codes(values)]

    def decode(self, block: np.ndarray, rng: np.random.Generator | None = None) -> pd.Series:
        """The argmax bin of each row → a value drawn uniformly within that bin (``rng``)."""
        self._require_fitted()
        rng = rng if rng is not None else np.random.default_rng()
        codes = np.argmax(np.asarray(block), axis=-1)
        edges = np.asarray(self.edges_)
        x = rng.uniform(edges[codes], edges[codes + 1])
        if is_integer_dtype(self.dtype_):
            x = np.clip(np.round(x), math.ceil(edges[0]), math.floor(edges[-1]))
        return restore_dtype(x, self.dtype_, self.name)

    def get_config(self) -> dict:
        """Declaration (name, n_bins, strategy) and, once fitted, the edges and dtype."""
        config = {"type": "Binned", "name": self.name, "n_bins": self.n_bins,
                  "strategy": self.strategy}
        if self.fitted:
            config["fitted"] = {"edges_": self.edges_, "dtype_": self.dtype_}
        return config

    def data_derived(self) -> list[str]:
        """Bin edges always come from the data."""
        return [f"{self.name}: bin edges"]
