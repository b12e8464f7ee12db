"""A Gaussian copula for tables: the honest yardstick for tabular generators, and the prior
that :class:`tfgan_ts.TabularGAN` can refine.

Each column keeps its own empirical distribution (continuous values are drawn from the
fitted quantiles, categories with their fitted frequencies); the dependence between columns is
one correlation matrix of normal scores. With ``conditions``, one copula is fitted per
combination of the condition columns' values, so every level keeps its own marginals and
correlations. Pure numpy / scipy / scikit-learn; fitted state is plain JSON.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.covariance import ledoit_wolf

from .columns import Continuous, Discrete
from .tabular_spec import TabularSpec

__all__ = ["GaussianCopula"]


def _normal_scores(x: np.ndarray) -> np.ndarray:
    """Φ⁻¹(rank / (n + 1)) with average ranks for ties."""
    return stats.norm.ppf(stats.rankdata(x) / (len(x) + 1))


def _correlation(z: np.ndarray, shrinkage) -> np.ndarray:
    """Correlation of the normal scores ``z`` [n, p], shrunk towards the identity (Ledoit-Wolf
    or a fixed weight) so that few rows still give a positive definite matrix."""
    p = z.shape[1]
    if p == 0:
        return np.eye(0)
    if len(z) < 2:
        return np.eye(p)
    z = z - z.mean(axis=0)
    sd = z.std(axis=0)
    live = sd > 0
    r = np.eye(p)
    if live.sum() >= 2:
        zs = z[:, live] / sd[live]
        if shrinkage == "ledoit-wolf":
            c = ledoit_wolf(zs, assume_centered=True)[0]
            d = np.sqrt(np.diag(c))
            sub = c / np.outer(d, d)
        else:
            sub = (1 - shrinkage) * np.corrcoef(zs, rowvar=False) + shrinkage * np.eye(zs.shape[1])
        r[np.ix_(live, live)] = sub
    np.fill_diagonal(r, 1.0)
    return r


class GaussianCopula:
    """Gaussian copula with empirical marginals, conditional per level.

    Args:
        spec: a :class:`tfgan_ts.TabularSpec` (fitted on :meth:`fit` if it is not) or None to
            infer the columns (numeric continuous, bool/category/string discrete).
        conditions: discrete columns to fit one copula per combination of values of (e.g. a
            factor or a class label); ``generate(conditions=...)`` then draws from that
            level's own copula.
        discrete: names to make discrete when the columns are inferred.
        shrinkage: weight in [0, 1] of the identity in the correlation (default 1e-3, enough
            to keep it positive definite), or ``"ledoit-wolf"`` (more shrinkage for levels
            with few rows; measured worse on diabetes and wine: Δcorr per level 0.127 and
            0.290 against 0.123 and 0.286, 5 splits).
        max_quantiles: continuous marginals keep at most this many quantiles per level (all
            values when there are fewer rows): state stays small on large tables.
        seed: seeds the jitter of categories inside their normal-score interval at fit.

    Attributes (after fit): ``levels_`` (one dict per combination of condition values: its
    category codes ``key``, ``rows``, the ``margins`` and the ``correlation``), ``spec_``.
    """

    def __init__(self, spec: TabularSpec | None = None, conditions=None, discrete=(),
                 shrinkage: str | float = 1e-3, max_quantiles: int = 2000,
                 seed: int = 0):
        if isinstance(conditions, str):
            conditions = [conditions]
        self.conditions = [str(c) for c in (conditions or [])]
        if shrinkage != "ledoit-wolf" and not (isinstance(shrinkage, (int, float))
                                                and 0 <= float(shrinkage) <= 1):
            raise ValueError(f"shrinkage must be 'ledoit-wolf' or a number in [0, 1], got "
                             f"{shrinkage!r}")
        if int(max_quantiles) < 2:
            raise ValueError(f"max_quantiles must be >= 2, got {max_quantiles!r}")
        self.shrinkage = shrinkage if shrinkage == "ledoit-wolf" else float(shrinkage)
        self.max_quantiles = int(max_quantiles)
        self.seed = int(seed)
        if spec is not None and not isinstance(spec, TabularSpec):
            raise ValueError(f"spec must be a tg.TabularSpec or None, got {type(spec).__name__}")
        self.spec = spec if spec is not None else TabularSpec(
            discrete=[*[str(d) for d in ([discrete] if isinstance(discrete, str)
                                          else discrete)], *self.conditions],
            mode_specific=False)
        self.levels_: list | None = None

    # ------------------------------------------------------------------ fitting ------
    @property
    def spec_(self) -> TabularSpec:
        return self.spec

    def _modelled(self) -> list:
        """The fitted columns the copulas model (all but the conditions)."""
        return [c for c in self.spec.columns_ if c.name not in self.conditions]

    def fit(self, df: pd.DataFrame) -> GaussianCopula:
        """Fit the spec (if needed) and one copula per combination of condition values."""
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"fit takes a pandas DataFrame, got {type(df).__name__}")
        for name in self.conditions:
            if name not in df.columns:
                raise ValueError(f"condition column {name!r} is not in the table; columns: "
                                 f"{list(df.columns)}")
        if not self.spec.fitted_:
            self.spec.fit(df)
        for name in self.conditions:
            if name not in self.spec.column_names:
                raise ValueError(f"condition column {name!r} is not in the table; columns: "
                                 f"{self.spec.column_names}")
            if not isinstance(self.spec.column(name), Discrete):
                raise ValueError(f"condition column {name!r} is continuous; a condition must "
                                 "be discrete: declare it tg.Discrete or list it in discrete=")
        self.spec._check_frame(df, self.spec.columns_)
        rng = np.random.default_rng(self.seed)
        if self.conditions:
            codes = np.column_stack([self.spec.category_codes(df, c) for c in self.conditions])
            keys, inverse = np.unique(codes, axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
        else:
            keys, inverse = np.zeros((1, 0), np.int64), np.zeros(len(df), np.int64)
        self.levels_ = []
        for i, key in enumerate(keys):
            part = df.iloc[np.flatnonzero(inverse == i)]
            self.levels_.append({"key": [int(k) for k in key], "rows": len(part),
                                 **self._fit_part(part, rng)})
        return self

    def _fit_part(self, part: pd.DataFrame, rng: np.random.Generator) -> dict:
        """Marginals and the normal-score correlation of one level's rows."""
        margins, scores = [], []
        for c in self._modelled():
            if isinstance(c, Discrete):
                codes = c.codes(part[c.name])
                p = np.bincount(codes, minlength=len(c.categories_)) / len(codes)
                edges = np.concatenate([[0.0], np.cumsum(p)])
                u = edges[codes] + rng.uniform(size=len(codes)) * p[codes]
                margins.append(p.tolist())
                scores.append(stats.norm.ppf(np.clip(u, 1e-9, 1 - 1e-9)))
            else:
                x = np.sort(part[c.name].to_numpy(np.float64))
                if len(x) > self.max_quantiles:
                    x = np.quantile(x, (np.arange(self.max_quantiles) + 0.5) / self.max_quantiles)
                margins.append(x.tolist())
                scores.append(_normal_scores(part[c.name].to_numpy(np.float64)))
        z = np.column_stack(scores) if scores else np.zeros((len(part), 0))
        return {"margins": margins, "correlation": _correlation(z, self.shrinkage).tolist()}

    def _require_fitted(self):
        if self.levels_ is None:
            raise ValueError("the GaussianCopula is not fitted yet: call copula.fit(df) first")

    # ------------------------------------------------------------------ sampling -----
    def _level_choice(self, conditions: dict) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the levels matching ``conditions`` and their row-count weights."""
        want = {}
        for name, value in conditions.items():
            if name not in self.conditions:
                raise ValueError(f"cannot condition on {name!r}: the copula was fitted with "
                                 f"conditions={self.conditions} (list it there to draw by it)")
            col = self.spec.column(name)
            try:
                want[self.conditions.index(name)] = int(col.codes(pd.Series([value],
                                                                            dtype=object))[0])
            except ValueError:
                raise ValueError(f"condition {name}={value!r}: no such category in column "
                                 f"{name!r}; known: {list(col.categories_)}") from None
        idx = [i for i, lv in enumerate(self.levels_)
               if all(lv["key"][j] == k for j, k in want.items())]
        if not idx:
            raise ValueError(f"conditions {conditions}: this combination never occurs in the "
                             "fitted table")
        w = np.array([self.levels_[i]["rows"] for i in idx], np.float64)
        return np.array(idx), w / w.sum()

    def sample_scores(self, level: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """[n, p] correlated uniforms of level ``level`` (one column per modelled column)."""
        r = np.asarray(self.levels_[level]["correlation"])
        p = r.shape[0]
        if p == 0:
            return np.zeros((n, 0))
        w, v = np.linalg.eigh(r)
        root = v * np.sqrt(np.clip(w, 0, None))
        return stats.norm.cdf(rng.standard_normal((n, p)) @ root.T)

    def _level_values(self, level: int, u: np.ndarray) -> dict:
        """Column name -> category codes (discrete) or values (continuous) for the uniforms
        ``u`` [n, p] of level ``level``."""
        out = {}
        for j, (c, m) in enumerate(zip(self._modelled(), self.levels_[level]["margins"],
                                       strict=True)):
            if isinstance(c, Discrete):
                edges = np.cumsum(m)
                out[c.name] = np.minimum(np.searchsorted(edges, u[:, j], side="right"),
                                         len(m) - 1)
            else:
                q = np.asarray(m)
                out[c.name] = q[np.minimum((u[:, j] * len(q)).astype(np.int64), len(q) - 1)]
        return out

    def generate(self, n: int, conditions: dict | None = None, seed=None) -> pd.DataFrame:
        """``n`` rows with the table's columns and dtypes. ``conditions={"factor": level}``
        draws from that level's copula (a subset of the condition columns: levels matching
        it in proportion to their rows); without conditions levels come in their fitted
        proportions. The same seed gives the same rows."""
        self._require_fitted()
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        rng = np.random.default_rng(seed)
        idx, w = self._level_choice(dict(conditions or {}))
        counts = rng.multinomial(n, w)
        parts = []
        for i, m in zip(idx, counts, strict=True):
            if m == 0:
                continue
            cols = self._level_values(int(i), self.sample_scores(int(i), int(m), rng))
            for j, name in enumerate(self.conditions):
                cols[name] = np.full(int(m), self.levels_[int(i)]["key"][j])
            parts.append(cols)
        order = rng.permutation(n) if parts else np.zeros(0, np.int64)
        out = {}
        for c in self.spec.columns_:
            raw = np.concatenate([p[c.name] for p in parts])[order] if parts else np.zeros(0)
            out[c.name] = (c.restore(raw.astype(np.float64)) if isinstance(c, Continuous)
                           else c.from_codes(raw.astype(np.int64))).reset_index(drop=True)
        return pd.DataFrame(out)

    # ------------------------------------------------------------------ state --------
    def get_config(self) -> dict:
        """Arguments, the spec and the fitted levels, as plain JSON."""
        return {"spec": self.spec.get_config(), "conditions": self.conditions,
                "shrinkage": self.shrinkage, "max_quantiles": self.max_quantiles,
                "seed": self.seed, "levels": self.levels_}

    @classmethod
    def from_config(cls, config: dict) -> GaussianCopula:
        out = cls(spec=TabularSpec.from_config(config["spec"]),
                  conditions=config["conditions"], shrinkage=config["shrinkage"],
                  max_quantiles=config["max_quantiles"], seed=config["seed"])
        out.levels_ = config["levels"]
        return out
