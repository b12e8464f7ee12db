"""The time column of a ``SequenceSpec``: how it is read, encoded and given back.

Two encodings:

* **grid**: every example's times are a prefix of one shared sequence of times (fixed windows,
  wide-format step columns); the times are given back from the fitted grid by step;
* **interarrival**: irregular event times become a per-step gap feature (``<time>__delta``) and
  a per-example start attribute (``<time>__start``), counted in a unit inferred from the data
  so decoded timestamps round back exactly.

Datetimes (time-zone aware or not) are handled as int64 nanoseconds since the epoch (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .column_base import native_value, restore_dtype
from .columns import Continuous

TIME_ENCODINGS = ("auto", "grid", "interarrival")

# candidate units of datetime gaps, coarsest first, in nanoseconds
_UNITS_NS = [
    ("D", 86_400 * 10**9),
    ("h", 3_600 * 10**9),
    ("min", 60 * 10**9),
    ("s", 10**9),
    ("ms", 10**6),
    ("us", 10**3),
    ("ns", 1),
]


def is_numeric_time(dtype: object) -> bool:
    """True for numeric, non-bool time dtypes (ordered and differenced as float64)."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def datetime_ns(t: pd.Series) -> np.ndarray:
    """Datetimes as int64 nanoseconds since the epoch (aware ones converted to UTC first)."""
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return t.astype("datetime64[ns]").to_numpy().astype(np.int64)


def time_sort_key(t: pd.Series) -> np.ndarray:
    """Values that order like the time column: int64 ns, float64, or Python objects."""
    if pd.api.types.is_datetime64_any_dtype(t.dtype):
        return datetime_ns(t)
    if is_numeric_time(t.dtype):
        return t.to_numpy(dtype=np.float64)
    return t.to_numpy(dtype=object)


@dataclass
class TimeScan:
    """What fitting a time column needs from the data, small enough to keep per chunk and
    merge: dtype, the longest example's times (the grid), whether every example's times are
    a prefix of it, and the start and gap ranges of the inter-arrival encoding for each time
    unit that divides every timestamp seen."""

    column: str
    dtype: str
    kind: str
    tz: str | None
    grid: np.ndarray
    shared: bool
    ranges: dict  # unit -> (start min, start max, gap min, gap max), in counts of the unit

    @classmethod
    def of(cls, t: pd.Series, ex: np.ndarray, pos: np.ndarray, lengths: np.ndarray) -> TimeScan:
        """Scan one frame (or chunk of whole examples), rows ordered by (example, time)."""
        tz = None
        if pd.api.types.is_datetime64_any_dtype(t.dtype):
            kind = "datetime"
            zone = getattr(t.dt, "tz", None)
            tz = None if zone is None else str(zone)
            key = datetime_ns(t)
            units = [u for _, u in _UNITS_NS if np.all(key % u == 0)]
        elif is_numeric_time(t.dtype):
            kind = "numeric"
            key = t.to_numpy(dtype=np.float64)
            units = [1 if pd.api.types.is_integer_dtype(t.dtype) else None]
        else:
            kind = "other"
            key = t.to_numpy(dtype=object)
            units = []
        grid = key[ex == int(np.argmax(lengths))]
        shared = bool(np.all(key == grid[pos]))
        first = np.flatnonzero(pos == 0)
        ranges = {}
        for unit in units:
            x = key.astype(np.float64) / unit if kind == "datetime" else key
            delta = np.diff(x, prepend=x[0])
            delta[first] = 0.0
            ranges[unit] = (float(np.min(x[first])), float(np.max(x[first])),
                            float(np.min(delta)), float(np.max(delta)))
        return cls(str(t.name), str(t.dtype), kind, tz, grid, shared, ranges)

    def merge(self, other: TimeScan) -> TimeScan:
        """This scan and ``other`` (later examples) as one; ValueError when the time columns
        of the two chunks have different dtypes."""
        if (other.dtype, other.tz) != (self.dtype, self.tz):
            raise ValueError(f"time column {self.column!r} is {self.dtype} in one chunk and "
                             f"{other.dtype} in another; give every chunk the same dtype")
        longer, shorter = (other, self) if len(other.grid) > len(self.grid) else (self, other)
        prefix = bool(np.all(longer.grid[:len(shorter.grid)] == shorter.grid))
        ranges = {u: (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))
                  for u, a in self.ranges.items() if u in other.ranges
                  for b in [other.ranges[u]]}
        return TimeScan(self.column, self.dtype, self.kind, self.tz, longer.grid,
                        self.shared and other.shared and prefix, ranges)

    @property
    def unit(self):
        """The coarsest unit dividing every timestamp (datetimes), 1 for integer times, None
        for float times."""
        return next(iter(self.ranges)) if self.ranges else None


@dataclass
class TimeCodec:
    """Fitted state of a spec's time column and the codec built on it.

    The fields mirror the spec's fitted attributes ``time_dtype_``, ``time_kind_`` ("datetime",
    "numeric" or "other"), ``time_tz_``, ``time_encoding_``, ``time_grid_``, ``time_unit_``
    (units per count: ns for datetimes, 1 for integers, None for floats), ``time_delta_`` and
    ``time_start_`` (the fitted gap and start columns of the inter-arrival encoding).
    """

    column: str | None
    dtype: str | None = None
    kind: str | None = None
    tz: str | None = None
    encoding: str | None = None
    grid: list | None = None
    unit: int | None = None
    delta: Continuous | None = None
    start: Continuous | None = None

    # ------------------------------------------------------------------ fitting ------
    @classmethod
    def fit_wide(cls, column: str | None, labels: list, requested: str,
                 time_dtype: str | None) -> TimeCodec:
        """Wide-format step columns: their labels form the grid.

        Args:
            column: the spec's time column name (may be None).
            labels: the step column labels, in order.
            requested: the spec's ``time_encoding``.
            time_dtype: dtype of the long frame's time column built from the labels.
        """
        if requested == "interarrival":
            raise ValueError(
                "time_encoding='interarrival' needs long-format data with a time column; "
                "wide-format step columns form a shared grid"
            )
        dtype = "object" if column is None else time_dtype
        return cls(column, dtype=dtype, kind="other", encoding="grid", grid=list(labels))

    @classmethod
    def fit_long(cls, t: pd.Series, ex: np.ndarray, pos: np.ndarray, lengths: np.ndarray,
                 requested: str) -> TimeCodec:
        """Choose and fit the encoding of a long frame's time column.

        Args:
            t: the time column, rows ordered by (example, time).
            ex: example index of each row.
            pos: step of each row within its example.
            lengths: steps per example.
            requested: the spec's ``time_encoding`` ("auto", "grid" or "interarrival").
        """
        return cls.from_scan(TimeScan.of(t, ex, pos, lengths), requested)

    @classmethod
    def from_scan(cls, scan: TimeScan, requested: str) -> TimeCodec:
        """The codec fitted from a :class:`TimeScan` of one frame or of many chunks merged."""
        column = scan.column
        codec = cls(column, dtype=scan.dtype, kind=scan.kind, tz=scan.tz)
        encoding = requested
        if encoding == "auto":
            encoding = "grid" if scan.shared else "interarrival"
        if encoding == "grid" and not scan.shared:
            raise ValueError(
                f"time column {column!r}: the examples do not share one sequence of times, so "
                "time_encoding='grid' cannot give them back; use time_encoding='interarrival'"
            )
        if encoding == "interarrival" and codec.kind == "other":
            raise ValueError(
                f"time column {column!r} has dtype {scan.dtype}; inter-arrival encoding needs "
                "numbers or datetimes (pd.to_datetime(df[col]))"
            )
        codec.encoding = encoding
        if encoding == "grid":
            codec.grid = [native_value(v) for v in scan.grid]
            return codec
        # inter-arrival: the time unit inferred so decoded timestamps round back exactly
        codec.unit = scan.unit
        start_low, start_high, delta_low, delta_high = scan.ranges[scan.unit]
        codec.delta = Continuous(f"{column}__delta").fit(pd.Series([delta_low, delta_high]))
        codec.start = Continuous(f"{column}__start").fit(pd.Series([start_low, start_high]))
        return codec

    def extend_grid(self, length: int) -> None:
        """Extend an evenly spaced grid to ``length`` steps (``max_length`` beyond the data)."""
        grid = self.grid
        if len(grid) >= length:
            return
        if self.kind in ("datetime", "numeric") and len(grid) >= 2:
            steps = np.diff(np.asarray(grid, dtype=np.float64))
            if np.all(steps == steps[0]):
                step = grid[1] - grid[0]
                self.grid = grid + [grid[-1] + step * k for k in range(1, length - len(grid) + 1)]
                return
        raise ValueError(
            f"max_length={length} is longer than the longest fitted sequence ({len(grid)} steps) "
            f"and the time values are not evenly spaced, so later steps have no time; lower "
            "max_length or use time_encoding='interarrival'"
        )

    # ------------------------------------------------------------------ encoding -----
    def units(self, t: pd.Series) -> np.ndarray:
        """Time values as float64 counts of the fitted unit."""
        if self.kind == "datetime":
            if not pd.api.types.is_datetime64_any_dtype(t.dtype):
                raise ValueError(f"time column {self.column!r} must be datetime, as when fitted")
            return datetime_ns(t).astype(np.float64) / self.unit
        return t.to_numpy(dtype=np.float64)

    def gaps(self, t: pd.Series, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each example's start time and each row's gap to the previous step (0 at a start),
        in counts of the unit; rows ordered by (example, time)."""
        units = self.units(t)
        first = np.flatnonzero(pos == 0)
        delta = np.diff(units, prepend=units[0])
        delta[first] = 0.0
        return units[first], delta

    # ------------------------------------------------------------------ decoding -----
    def decode(self, delta: np.ndarray | None, start: np.ndarray | None, ex: np.ndarray,
               pos: np.ndarray) -> pd.Series:
        """The time of each decoded row, in the fitted dtype.

        Args:
            delta: decoded gap of each row (inter-arrival encoding; None for a grid).
            start: decoded start of each example (inter-arrival encoding; None for a grid).
            ex: example index of each row.
            pos: step of each row within its example.
        """
        if self.encoding == "grid":
            grid = np.asarray(self.grid)
            if grid.dtype.kind not in "iufb":  # mixed or text labels stay Python objects
                grid = np.asarray(self.grid, dtype=object)
            values = grid[pos]
            if self.kind == "datetime":
                return self._restore_datetime(values.astype(np.int64))
            return restore_dtype(values, self.dtype, self.column)
        delta = np.asarray(delta, dtype=np.float64)
        delta = np.where(pos == 0, 0.0, np.maximum(delta, 0.0))
        if self.unit is not None:
            delta = np.round(delta)
        cum = np.cumsum(delta)
        base = cum[np.flatnonzero(pos == 0)][ex]  # cumulative sum before each example
        start_units = start[ex]
        if self.unit is not None:
            start_units = np.round(start_units)
        units = start_units + (cum - base)
        if self.kind == "datetime":
            return self._restore_datetime((units * self.unit).astype(np.int64))
        if self.unit is not None:
            units = np.round(units)
        return restore_dtype(units, self.dtype, self.column)

    def _restore_datetime(self, ns: np.ndarray) -> pd.Series:
        s = pd.Series(ns.astype("datetime64[ns]"), name=self.column)
        if self.tz is not None:
            s = s.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        try:
            return s.astype(self.dtype)
        except (TypeError, ValueError):
            return s
