"""Tables (one row per record) ⇄ arrays for tabular GANs (layer 1).

A :class:`TabularSpec` holds the foundation's column types: ``Discrete`` columns are one-hot
encoded as everywhere else; ``Continuous`` columns get mode-specific normalization (Xu et al.,
"Modeling Tabular Data using Conditional GAN", NeurIPS 2019): a variational Gaussian mixture
per column, each value as (its offset within a mode, scaled to about [-1, 1]; the one-hot mode).
Multi-modal and skewed columns then become easy targets for tanh and softmax outputs.
Fitted state is plain JSON, saved inside a model file.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .columns import Column, Continuous, Discrete, Output, check_numeric
from .mode_normalizer import ModeNormalizer
from .spec_checks import warn_ignored_columns

__all__ = ["ModeNormalizer", "TabularSpec"]


def _infer_column(name: str, values: pd.Series, discrete: set) -> Column:
    """The column type a table column gets when none is declared."""
    if name in discrete:
        return Discrete(name)
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise ValueError(
            f"column {name!r} holds {dtype} values; a tabular GAN models numbers and "
            "categories: convert it (e.g. to days as a number) or declare it "
            "tg.Discrete after converting to strings")
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return Discrete(name)
    return Continuous(name)


def _decimals(x: np.ndarray, most: int = 6) -> int | None:
    """The fewest decimals (0..``most``) that write every value of ``x`` exactly (to 1e-9
    relative), or None: generated values are rounded to them, as the data were recorded."""
    tol = 1e-9 * max(1.0, float(np.max(np.abs(x))) if len(x) else 1.0)
    for d in range(most + 1):
        if np.all(np.abs(np.round(x, d) - x) <= tol):
            return d
    return None


def _atoms(x: np.ndarray, share: float = 0.01, most: int = 20) -> list[float]:
    """Values that at least ``share`` of the rows hold exactly (e.g. 0 mm of rain; at most
    ``most``, the commonest): a prior-refining generator keeps such a value where a tiny
    correction would move it a hair off (see ``models.tabular_prior``)."""
    if len(x) == 0:
        return []
    values, counts = np.unique(x, return_counts=True)
    common = counts >= max(2, share * len(x))
    order = np.argsort(-counts[common])[:most]
    return sorted(float(v) for v in values[common][order])


class TabularSpec:
    """Columns of a table and their encoding for a tabular GAN.

    Args:
        columns: ``tg.Continuous`` / ``tg.Discrete`` (or ``tg.Binned``) columns, in the order
            generated tables will have. ``None``: every column of the table given to
            :meth:`fit`, numeric ones continuous, bool/category/string ones discrete.
        discrete: names to make ``Discrete`` when inferring (e.g. a numeric factor level or
            class label).
        max_modes, weight_threshold: the Gaussian mixture of each continuous column.
        mode_specific: ``False`` scales continuous columns to [-1, 1] by min/max instead.
        seed: seeds the mixtures and the mode draws of :meth:`transform`.

    Continuous columns must be complete (no NaN or ±inf); a missing value in a discrete column
    is a category of its own and comes back missing. Generated continuous values stay within
    the fitted (or declared ``bounds``) range; integer columns come back rounded, and float
    columns recorded to a few decimals (at most 6) come back rounded to them (``decimals_``):
    a GAN's float32 output would otherwise sit a hair off every recorded value.
    """

    def __init__(self, columns: Iterable[Column] | None = None,
                 discrete: str | Iterable[str] = (), max_modes: int = 10,
                 weight_threshold: float = 0.005, mode_specific: bool = True, seed: int = 0):
        if columns is not None:
            columns = list(columns)
            for c in columns:
                if not isinstance(c, Column):
                    raise ValueError(
                        f"columns must be tg.Continuous / tg.Discrete / tg.Binned objects, got "
                        f"{c!r}; pass columns=None to infer them from the table")
            names = [c.name for c in columns]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"columns {dupes} are declared more than once")
            if not columns:
                raise ValueError("columns must not be empty (None infers them from the table)")
        if isinstance(discrete, str):
            discrete = [discrete]
        self.columns = columns
        self.discrete = [str(d) for d in discrete]
        ModeNormalizer(max_modes, weight_threshold)  # validates both
        self.max_modes = int(max_modes)
        self.weight_threshold = float(weight_threshold)
        self.mode_specific = bool(mode_specific)
        self.seed = int(seed)
        self.columns_: list[Column] | None = None
        self.modes_: dict[str, ModeNormalizer] = {}
        self.decimals_: dict[str, int] = {}
        self.atoms_: dict[str, list[float]] = {}
        self.ignored_columns_: list[str] = []

    # ------------------------------------------------------------------ fitting ------
    @property
    def fitted_(self) -> bool:
        """True once :meth:`fit` has run (or fitted state was loaded)."""
        return self.columns_ is not None

    def _require_fitted(self) -> None:
        if not self.fitted_:
            raise ValueError("the TabularSpec is not fitted yet: call spec.fit(df) first")

    def fit(self, df: pd.DataFrame) -> TabularSpec:
        """Infer or check the columns, fit each column's encoding on ``df``."""
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"fit takes a pandas DataFrame, got {type(df).__name__}")
        if len(df) == 0:
            raise ValueError("the table has no rows")
        nonstring = [c for c in df.columns if not isinstance(c, str)]
        if nonstring:
            raise ValueError(f"column names must be strings, got {nonstring[:5]}; rename them "
                             "(e.g. df.columns = df.columns.astype(str))")
        if self.columns is None:
            unknown = [d for d in self.discrete if d not in df.columns]
            if unknown:
                raise ValueError(f"discrete={unknown} name columns the table does not have; "
                                 f"its columns are {list(df.columns)}")
            discrete = set(self.discrete)
            columns = [_infer_column(str(name), df[name], discrete) for name in df.columns]
        else:
            columns = [c.copy() for c in self.columns]
            for d in self.discrete:
                match = [c for c in columns if c.name == d]
                if not match:
                    raise ValueError(f"discrete={d!r} is not among the declared columns "
                                     f"{[c.name for c in columns]}")
                if not isinstance(match[0], Discrete):
                    raise ValueError(f"column {d!r} is listed in discrete= but declared "
                                     f"{type(match[0]).__name__}; declare it tg.Discrete")
        self._check_frame(df, columns)
        self.ignored_columns_ = [str(c) for c in df.columns
                                 if str(c) not in {col.name for col in columns}]
        warn_ignored_columns(self.ignored_columns_)
        modes = {}
        for col in columns:
            col.fit(df[col.name])
            if isinstance(col, Continuous) and self.mode_specific:
                x = df[col.name].to_numpy(np.float64)
                modes[col.name] = ModeNormalizer(self.max_modes, self.weight_threshold).fit(
                    x, seed=self.seed)
        self.columns_, self.modes_ = columns, modes
        self.decimals_ = {c.name: d for c in columns if isinstance(c, Continuous)
                          and (d := _decimals(df[c.name].to_numpy(np.float64))) is not None}
        self.atoms_ = {c.name: a for c in columns if isinstance(c, Continuous)
                       and (a := _atoms(df[c.name].to_numpy(np.float64)))}
        return self

    def _check_frame(self, df: pd.DataFrame, columns: list[Column]) -> None:
        """Every column present; continuous (and binned) ones numeric, finite, complete."""
        missing = [c.name for c in columns if c.name not in df.columns]
        if missing:
            raise ValueError(f"the table lacks columns {missing}; its columns are "
                             f"{list(df.columns)}")
        for col in columns:
            if isinstance(col, Discrete):
                continue
            name, values = col.name, df[col.name]
            check_numeric(values, name)
            x = values.to_numpy(np.float64, na_value=np.nan)
            nan, inf = np.isnan(x), np.isinf(x)
            if nan.any():
                rows = list(df.index[nan][:5])
                raise ValueError(
                    f"column {name!r}: {int(nan.sum())} missing value(s) (rows {rows}...); a "
                    "tabular GAN needs complete numeric columns: fill them (e.g. tg.GANImputer "
                    "or df.fillna) or drop those rows, or declare the column tg.Discrete")
            if inf.any():
                raise ValueError(f"column {name!r}: {int(inf.sum())} infinite value(s); "
                                 "replace them with finite numbers or drop those rows")

    # ------------------------------------------------------------------ encoding -----
    @property
    def column_names(self) -> list[str]:
        """Names of the fitted columns, in order."""
        self._require_fitted()
        return [c.name for c in self.columns_]

    def column(self, name: str) -> Column:
        """The fitted column called ``name``."""
        self._require_fitted()
        for c in self.columns_:
            if c.name == name:
                return c
        raise ValueError(f"no column {name!r} in the spec; columns: {self.column_names}")

    def outputs(self) -> list[Output]:
        """The generator's output blocks in order: per continuous column (offset, tanh) and
        (mode, softmax), per discrete column (categories, softmax)."""
        self._require_fitted()
        out = []
        for c in self.columns_:
            if c.name in self.modes_:
                out.append(Output(f"{c.name}.offset", 1, "tanh"))
                out.append(Output(f"{c.name}.mode", self.modes_[c.name].n_modes, "softmax"))
            elif isinstance(c, Continuous):
                out.append(Output(c.name, 1, "tanh"))
            else:
                out.append(Output(c.name, c.dim, "softmax"))
        return out

    @property
    def dim(self) -> int:
        """Width of an encoded row."""
        return sum(o.dim for o in self.outputs())

    def slices(self) -> dict[str, slice]:
        """Where each column's encoding sits in a row vector (all blocks of the column)."""
        out, start = {}, 0
        for c in self.columns_:
            width = (1 + self.modes_[c.name].n_modes) if c.name in self.modes_ else (
                1 if isinstance(c, Continuous) else c.dim)
            out[c.name] = slice(start, start + width)
            start += width
        return out

    def transform(self, df: pd.DataFrame, seed: int | None = None) -> np.ndarray:
        """Rows → float32 [n, dim]. Modes of continuous values are drawn from their
        posterior (``seed``; default the spec's seed)."""
        self._require_fitted()
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"transform takes a pandas DataFrame, got {type(df).__name__}")
        self._check_frame(df, self.columns_)
        rng = np.random.default_rng(self.seed if seed is None else seed)
        blocks = []
        for c in self.columns_:
            if c.name in self.modes_:
                c.encode(df[c.name])  # bounds check and dtype check
                x = df[c.name].to_numpy(np.float64)
                blocks.append(self.modes_[c.name].encode(x, rng))
            elif isinstance(c, Continuous):
                c.encode(df[c.name])
                blocks.append(self._to_minus_one_one(c, df[c.name].to_numpy(np.float64))[:, None])
            else:
                blocks.append(c.encode(df[c.name]))
        return np.concatenate(blocks, axis=1).astype(np.float32)

    def _to_minus_one_one(self, c: Continuous, x: np.ndarray) -> np.ndarray:
        u = (np.asarray(x, np.float64) - c.min_) / c.scale
        return 2.0 * u - 1.0

    def inverse_transform(self, x: np.ndarray, seed: int | None = None) -> pd.DataFrame:
        """[n, dim] → a DataFrame with the fitted columns and dtypes. Discrete blocks are
        read by argmax; continuous values are clipped to the column's range."""
        self._require_fitted()
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"expected an array [n, {self.dim}], got shape {x.shape}")
        rng = np.random.default_rng(seed)
        cols = {}
        for c, sl in zip(self.columns_, self.slices().values(), strict=True):
            block = x[:, sl]
            if c.name in self.modes_:
                cols[c.name] = self.finish_continuous(c, self.modes_[c.name].decode(block))
            elif isinstance(c, Continuous):
                u = (np.clip(block[:, 0], -1.0, 1.0) + 1.0) / 2.0
                cols[c.name] = c.restore(self._round(c.name, c.min_ + u * c.scale))
            else:
                cols[c.name] = c.decode(block, rng=rng)
        return pd.DataFrame({k: v.reset_index(drop=True) for k, v in cols.items()})

    def _round(self, name: str, x: np.ndarray) -> np.ndarray:
        """Values rounded to the decimals the column's training values have (none: as is)."""
        d = self.decimals_.get(name)
        return x if d is None else np.round(x, d)

    def finish_continuous(self, c: Continuous, x: np.ndarray) -> pd.Series:
        """Generated values of continuous column ``c`` as the table has them: clipped to the
        column's range, rounded to its recorded decimals, in its dtype."""
        return c.restore(self._round(c.name, np.clip(x, c.min_, c.max_)))

    def category_codes(self, df: pd.DataFrame, name: str) -> np.ndarray:
        """Index of each row's category of discrete column ``name``."""
        col = self.column(name)
        if not isinstance(col, Discrete):
            raise ValueError(f"column {name!r} is {type(col).__name__}, not Discrete")
        return col.codes(df[name])

    # ------------------------------------------------------------------ config -------
    def get_config(self) -> dict:
        """The declaration and, once fitted, the fitted state as plain JSON-able values."""
        config = {
            "columns": None if self.columns is None else [c.get_config() for c in self.columns],
            "discrete": list(self.discrete), "max_modes": self.max_modes,
            "weight_threshold": self.weight_threshold, "mode_specific": self.mode_specific,
            "seed": self.seed,
        }
        if self.fitted_:
            config["fitted"] = {
                "columns_": [c.get_config() for c in self.columns_],
                "modes_": {k: m.get_config() for k, m in self.modes_.items()},
                "decimals_": dict(self.decimals_),
                "atoms_": {k: list(v) for k, v in self.atoms_.items()},
                "ignored_columns_": list(self.ignored_columns_),
            }
        return config

    @classmethod
    def from_config(cls, config: dict) -> TabularSpec:
        """Rebuild a spec (fitted state included) from :meth:`get_config`'s output."""
        config = dict(config)
        fitted = config.pop("fitted", None)
        if config.get("columns") is not None:
            config["columns"] = [Column.from_config(c) for c in config["columns"]]
        spec = cls(**config)
        if fitted is not None:
            spec.columns_ = [Column.from_config(c) for c in fitted["columns_"]]
            spec.modes_ = {k: ModeNormalizer.from_config(m) for k, m in fitted["modes_"].items()}
            spec.ignored_columns_ = list(fitted.get("ignored_columns_", []))
            spec.decimals_ = {k: int(v) for k, v in fitted.get("decimals_", {}).items()}
            spec.atoms_ = {k: [float(x) for x in v] for k, v in fitted.get("atoms_", {}).items()}
        return spec

    def summary(self) -> str:
        """One line per column: kind and encoding width."""
        self._require_fitted()
        lines = []
        for c in self.columns_:
            if c.name in self.modes_:
                m = self.modes_[c.name]
                lines.append(f"{c.name}: continuous, {m.n_modes} mode(s), range "
                             f"{c.min_:g}..{c.max_:g}")
            elif isinstance(c, Continuous):
                lines.append(f"{c.name}: continuous, min/max scaled, range {c.min_:g}..{c.max_:g}")
            else:
                lines.append(f"{c.name}: discrete, {c.dim} categories")
        return "\n".join(lines)

    def __repr__(self) -> str:
        if not self.fitted_:
            return "TabularSpec(unfitted)"
        return f"TabularSpec({len(self.columns_)} columns, dim {self.dim})"
