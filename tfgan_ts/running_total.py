"""``RunningTotal``: a feature declared as the running total of another, signed by a third.

A bank balance moves by each transaction's amount, up for credits and down for withdrawals.
A GAN asked to generate balance and amount side by side does not learn that bookkeeping, so
the relation is declared instead and holds by construction: the total is not generated, only
each sequence's opening total (a derived attribute), and the total is rebuilt from the
generated amounts on the way back. The row order that makes same-time rows chain is in
:mod:`tfgan_ts.relation_order`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .column_base import Column, is_integer_dtype, native_value
from .columns import Continuous, Discrete

MOST_DECIMALS = 6  # values with more decimals are not rounded when rebuilt


def learn_decimals(values: pd.Series) -> int | None:
    """The fewest decimals (0..6) that write every value exactly, None if more are needed."""
    if is_integer_dtype(str(values.dtype)):
        return 0
    x = values.to_numpy(dtype=np.float64)
    x = x[np.isfinite(x)]
    for d in range(MOST_DECIMALS + 1):
        y = x * 10.0**d
        if np.all(np.abs(y - np.round(y)) <= 1e-6 + 1e-12 * np.abs(y)):
            return d
    return None


class RunningTotal(Continuous):
    """A feature that is the running total of the feature ``of``, signed by ``sign_by``.

    ``RunningTotal("balance", of="amount", sign_by="type", signs={"credit": 1,
    "withdrawal": -1})`` declares ``balance = previous balance + signs[type] * amount`` on
    every row of a sequence.

    * **transform**: the column is not a generated feature. Each sequence's opening total
      (before its first row: first total − first signed amount) becomes the derived attribute
      ``<name>__opening``, scaled with the openings' fitted min/max in ``normalization``.
    * **inverse transform**: the total is opening + cumulative sum of sign·``of`` over the
      sequence's rows, in the order they are written, so every generated row obeys the
      identity. The two columns' decimals are learnt at fit (at most 6): ``of`` comes back
      rounded to its decimals and the sums are done in whole units of the last decimal, so
      the round trip is exact. With more decimals nothing is rounded and the identity holds
      to float precision.
    * **rounding**: the identity is checked within the rounding of the data, one unit of the
      last decimal (rounded totals and amounts can differ by that: the bank data's interest
      credits are rounded to 0.1 CZK while the balance kept the hellers). When the fitted data
      has such residuals, each row's residual (-1, 0 or +1 unit) becomes a generated
      discrete feature ``<name>__rounding`` added to the sum, so the round trip stays exact
      and generated rows chain within one unit, as the data do; data that chain exactly
      give exactly chaining rows.
    * Rows sharing a timestamp are put in the order that chains
      (:mod:`tfgan_ts.relation_order`); data the identity does not fit raise a
      ``ValueError`` naming the sequence and time.

    ``of`` must be a Continuous feature and ``sign_by`` a Discrete feature, and every category
    of ``sign_by`` needs a sign: 1, -1, or 0 for rows that leave the total alone. Amounts are
    used as they are: a negative amount on a +1 row lowers the total. One per spec.
    """

    kind = "running_total"

    def __init__(self, name: str, of: str, sign_by: str, signs: dict | list,
                 normalization: str = "zero_one"):
        super().__init__(name, normalization=normalization)
        for arg, value in (("of", of), ("sign_by", sign_by)):
            if not isinstance(value, str) or not value or value == name:
                raise ValueError(f"RunningTotal {name!r}: {arg} must name another feature "
                                 f"column, got {value!r}")
        if of == sign_by:
            raise ValueError(f"RunningTotal {name!r}: of and sign_by must be two different "
                             f"columns, got {of!r} for both")
        pairs = list(signs.items()) if isinstance(signs, dict) else signs
        try:
            pairs = [(native_value(k), v) for k, v in pairs]
        except (TypeError, ValueError):
            raise ValueError(f"RunningTotal {name!r}: signs must map each category of "
                             f"{sign_by!r} to 1 or -1, e.g. {{'credit': 1, 'debit': -1}}; got "
                             f"{signs!r}") from None
        bad = [(k, v) for k, v in pairs
               if isinstance(v, bool) or not isinstance(v, (int, float, np.number))
               or v not in (-1, 0, 1)]
        if not pairs or bad:
            raise ValueError(f"RunningTotal {name!r}: signs must map each category of "
                             f"{sign_by!r} to 1, -1 or 0; got {signs!r}")
        self.of, self.sign_by = of, sign_by
        self.signs = {k: int(v) for k, v in pairs}
        self.decimals_: int | None = None
        self.of_decimals_: int | None = None
        self.opening_: Continuous | None = None
        self.rounding_: Discrete | None = None

    @property
    def dim(self) -> int:
        """Encoded width: none, the total is rebuilt rather than generated."""
        return 0

    def outputs(self) -> list:
        """No network output block (the opening and rounding columns have theirs)."""
        return []

    # -- relation with the other columns ---------------------------------------------
    def check_columns(self, attributes: list[Column], features: list[Column]) -> None:
        """ValueError unless ``of`` names a Continuous and ``sign_by`` a Discrete feature."""
        by_name = {c.name: c for c in features}
        fix = f"features are {list(by_name)}"
        of = by_name.get(self.of)
        if of is None or type(of) is not Continuous:
            what = "not a feature" if of is None else f"a {type(of).__name__}"
            if of is None and self.of in {c.name for c in attributes}:
                what = "an attribute"
            raise ValueError(f"RunningTotal {self.name!r}: of={self.of!r} is {what}; it must "
                             f"name a tg.Continuous feature (the amounts), {fix}")
        sign = by_name.get(self.sign_by)
        if not isinstance(sign, Discrete):
            what = "not a feature" if sign is None else f"a {type(sign).__name__}"
            raise ValueError(f"RunningTotal {self.name!r}: sign_by={self.sign_by!r} is {what}; "
                             f"it must name a tg.Discrete feature (e.g. the transaction "
                             f"type), {fix}")

    def check_signs(self, categories: list) -> None:
        """ValueError naming the categories of ``sign_by`` that have no sign."""
        missing = [c for c in categories if c not in self.signs]
        if missing:
            raise ValueError(
                f"RunningTotal {self.name!r}: {self.sign_by!r} value(s) {missing} have no "
                f"sign; give every category one, e.g. signs={{..., {missing[0]!r}: -1}} "
                "(0 for rows that leave the total alone)")

    def row_signs(self, values: pd.Series) -> np.ndarray:
        """The sign (float64) of each row's ``sign_by`` value; missing values use key None."""
        codes, uniques = pd.factorize(values)  # few distinct values: look each up once
        keys = [None if pd.isna(u) else native_value(u) for u in uniques] + [None]
        self.check_signs(list(dict.fromkeys(keys[:-1] + [None] * bool((codes < 0).any()))))
        lookup = np.array([self.signs.get(k, 0) for k in keys], dtype=np.float64)
        return lookup[codes]  # code -1 (missing) picks the last entry, the sign of None

    # -- fitting ---------------------------------------------------------------------
    @property
    def units(self) -> int | None:
        """Decimals of the sums (the larger of the two columns'), None when not rounded."""
        if self.decimals_ is None or self.of_decimals_ is None:
            return None
        return max(self.decimals_, self.of_decimals_)

    def chain_units(self, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Totals and signed amounts of ``df`` as float64 counts of whole units of the last
        decimal (fitted; read off ``df`` before fitting; 6 decimals at most)."""
        if self.fitted:
            decimals = self.units
        else:
            both = [learn_decimals(df[self.name]), learn_decimals(df[self.of])]
            decimals = None if None in both else max(both)
        scale = 10.0 ** (MOST_DECIMALS if decimals is None else decimals)
        signed = self.row_signs(df[self.sign_by]) * df[self.of].to_numpy(np.float64)
        return np.round(df[self.name].to_numpy(np.float64) * scale), np.round(signed * scale)

    def residuals(self, frame: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
        """Each row's total − previous total − signed amount in whole units (int64; 0 at a
        sequence's first row); rows in the spec's order."""
        b, s = self.chain_units(frame)
        r = np.zeros(len(b), dtype=np.int64)
        r[1:] = (b[1:] - b[:-1] - s[1:]).astype(np.int64)
        r[pos == 0] = 0
        return r

    def fit_relation(self, frame: pd.DataFrame, pos: np.ndarray, sign_col: Discrete) -> None:
        """Learn decimals, the openings' range and whether rows chain only within rounding
        from ``frame`` (rows in the spec's order, ``pos`` the step of each) after ``sign_col``
        is fitted."""
        self.check_signs(sign_col.categories_)
        self.decimals_ = learn_decimals(frame[self.name])
        self.of_decimals_ = learn_decimals(frame[self.of])
        opening = pd.Series(self.openings(frame, pos))
        self.opening_ = Continuous(f"{self.name}__opening", self.normalization).fit(opening)
        self.rounding_ = None
        if self.units is not None:
            residual = pd.Series(self.residuals(frame, pos))
            if residual.any():
                rounding = Discrete(f"{self.name}__rounding", categories=[-1, 0, 1])
                self.rounding_ = rounding.fit(residual)

    def openings(self, frame: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
        """Each sequence's total before its first row (first total − first signed amount)."""
        first = np.flatnonzero(pos == 0)
        rows = frame.iloc[first]
        signs = self.row_signs(rows[self.sign_by])
        x = rows[self.name].to_numpy(np.float64) - signs * rows[self.of].to_numpy(np.float64)
        return x if self.units is None else np.round(x, self.units)

    def rounding_values(self, frame: pd.DataFrame, pos: np.ndarray) -> pd.Series | None:
        """The residuals for the ``<name>__rounding`` feature (None without it); ValueError
        when rows chain only within rounding but the fitted data chained exactly."""
        residual = self.residuals(frame, pos)
        if self.rounding_ is not None:
            return pd.Series(residual)
        if self.units is not None and residual.any():
            raise ValueError(
                f"RunningTotal {self.name!r}: {int(np.count_nonzero(residual))} row(s) chain "
                f"only within the rounding of the data (one unit of the last decimal), but "
                "the data the spec was fitted on chained exactly; refit the spec on data "
                "that include such rows")
        return None

    def encode_opening(self, frame: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
        """The openings as the derived attribute block ``[n, 1]`` (float32)."""
        self._require_fitted()
        return self.opening_.encode(pd.Series(self.openings(frame, pos)))

    def rebuild(self, opening_unit: np.ndarray, amount: np.ndarray, signs: np.ndarray,
                residual: np.ndarray | None, ex: np.ndarray,
                pos: np.ndarray) -> tuple[pd.Series, np.ndarray]:
        """The total of each row (in the fitted dtype) and the amounts it was summed from.

        Args:
            opening_unit: encoded opening of each sequence (clipped to the fitted range).
            amount: decoded ``of`` value of each row, rows grouped by sequence in step order.
            signs: sign of each row.
            residual: rounding residual of each row in units (None: no rounding feature).
            ex: sequence index of each row.
            pos: step of each row.
        """
        self._require_fitted()
        op = self.opening_
        opening = np.clip(op.from_unit(np.asarray(opening_unit).reshape(-1)), op.min_, op.max_)
        amount = np.asarray(amount, dtype=np.float64)
        step, scale = signs * amount, 1.0
        if self.units is not None:  # whole units of the last decimal: exact sums
            amount = np.round(amount, self.of_decimals_)
            scale = 10.0**self.units
            step, opening = np.round(signs * amount * scale), np.round(opening * scale)
            if residual is not None:
                step = step + np.where(pos > 0, residual, 0)
        grid = np.zeros((len(opening), int(pos.max()) + 1 if len(pos) else 0))
        grid[ex, pos] = step
        total = opening[ex] + np.cumsum(grid, axis=1)[ex, pos]
        return self.restore(total / scale), amount

    # -- config ----------------------------------------------------------------------
    def get_config(self) -> dict:
        """Declaration (signs as [category, sign] pairs: keys may be None or numbers) and,
        once fitted, the total's range, dtype, decimals and the openings' column."""
        config = {"type": "RunningTotal", "name": self.name, "of": self.of,
                  "sign_by": self.sign_by, "signs": [[k, v] for k, v in self.signs.items()],
                  "normalization": self.normalization}
        if self.fitted:
            config["fitted"] = {
                "min_": self.min_, "max_": self.max_, "dtype_": self.dtype_,
                "decimals_": self.decimals_, "of_decimals_": self.of_decimals_,
                "opening_": None if self.opening_ is None else self.opening_.get_config(),
                "rounding_": None if self.rounding_ is None else self.rounding_.get_config()}
        return config

    def _set_fitted(self, fitted: dict) -> None:
        fitted = dict(fitted)
        parts = {key: fitted.pop(key, None) for key in ("opening_", "rounding_")}
        super()._set_fitted(fitted)
        for key, config in parts.items():
            setattr(self, key, None if config is None else Column.from_config(config))

    def data_derived(self) -> list[str]:
        """The openings' range, the decimals and whether rows chain only within rounding are
        read off the data."""
        return [f"{self.name}: opening range", f"{self.name}, {self.of}: decimals",
                f"{self.name}: rounding residuals"]

    def describe(self) -> str:
        """The relation in a few words, for ``spec.summary()``."""
        signs = ", ".join(f"{'+' if s > 0 else '−' if s < 0 else '0'}{k}"
                          for k, s in self.signs.items())
        return f"opening + cumulative {self.of} signed by {self.sign_by} ({signs})"


def check_running_totals(attributes: list[Column], features: list[Column]) -> None:
    """ValueError for a RunningTotal among the attributes, several of them, or one whose
    ``of``/``sign_by`` columns are not a Continuous and a Discrete feature."""
    for col in attributes:
        if isinstance(col, RunningTotal):
            raise ValueError(f"RunningTotal {col.name!r} is listed among the attributes; a "
                             "running total changes along the sequence: list it among features")
    totals = [c for c in features if isinstance(c, RunningTotal)]
    if len(totals) > 1:
        raise ValueError(f"the spec declares {len(totals)} running totals "
                         f"({[c.name for c in totals]}); declare one and list the others as "
                         "tg.Continuous")
    for col in totals:
        col.check_columns(attributes, features)
