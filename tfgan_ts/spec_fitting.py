"""Fitting a :class:`~tfgan_ts.spec.SequenceSpec` in one pass over chunks of whole examples, so
that data larger than memory can be described: each chunk is checked in full and reduced to
what the fit needs (a continuous column's smallest and largest value, a discrete column's
distinct values in order of appearance, the time column's grid and ranges, lengths); the
columns are then fitted on the reductions of every chunk. A single frame is one chunk, so
``spec.fit(df)`` takes this path too and both give the same fitted spec.

Binned columns keep all their values (their quantile edges need them): 8 bytes a value.
A declared running total needs the whole frame (its rounding relation chains rows), so it is
fitted from one chunk only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import spec_checks as checks
from .layout import OrderedFrame
from .time_codec import TimeCodec, TimeScan


def _reduce(col, values: pd.Series) -> pd.Series:
    """The rows of ``values`` that give ``col`` the same fit as all of them, after checking
    all of them by fitting a copy of ``col`` (so errors name the real counts and values)."""
    if col.kind == "continuous":
        col.copy().fit(values)
        x = values.to_numpy(dtype=np.float64)
        return values.iloc[[int(np.argmin(x)), int(np.argmax(x))]]
    if col.kind == "discrete":
        col.copy().fit(values)
        missing = values.isna().to_numpy()
        keep = ~values.duplicated().to_numpy() & ~missing
        gaps = np.flatnonzero(missing)
        if len(gaps):  # the first None and the first NaN: whether gaps come back as None
            is_none = np.array([v is None for v in values.iloc[gaps]], dtype=bool)
            keep[gaps[is_none][:1]] = True
            keep[gaps[~is_none][:1]] = True
        return values[keep]
    return values


def _concat(parts: list[pd.Series]) -> pd.Series:
    """Reduced parts as one series, categoricals with the union of their categories."""
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts) and \
            len({tuple(p.cat.categories) for p in parts}) > 1:
        return pd.Series(pd.api.types.union_categoricals(parts), name=parts[0].name)
    return pd.concat(parts, ignore_index=True)


class SpecFit:
    """What fitting has gathered so far; :meth:`add` a chunk, then :meth:`finish`."""

    def __init__(self, spec, format: str):
        self.spec = spec
        self.format = format
        self.attrs = {c.name: [] for c in spec.attributes}
        self.feats = {c.name: [] for c in spec.features}
        self.time: TimeScan | None = None
        self.wide_time_dtype: str | None = None  # the time column's dtype of wide data
        self.first: tuple | None = None  # (fmt, wide labels, id dtype, columns)
        self.chunks = 0
        self.n = 0
        self.longest = 0
        self.shortest = None
        self.total_chunk = None  # (frame, pos) of a running-total spec's only chunk

    def add(self, df: pd.DataFrame) -> None:
        spec = self.spec
        prep: OrderedFrame = spec._prepare(df, self.format, fitting=True)
        layout = (prep.fmt, prep.wide_labels, str(df[spec.example_id].dtype), list(df.columns))
        if self.first is None:
            self.first = layout
        elif layout[:3] != self.first[:3]:
            raise ValueError("chunks differ in layout (long/wide, step columns or the dtype "
                             f"of {spec.example_id!r}): {layout[:3]} vs {self.first[:3]}; "
                             "give every chunk the same columns and dtypes")
        self.chunks += 1
        if spec._running_total() is not None:
            if self.chunks > 1:
                raise ValueError("a spec with a RunningTotal is fitted from one frame (its "
                                 "rows chain through each sequence); fit it on a DataFrame")
            self.total_chunk = (prep.frame, prep.pos)
        frame = prep.frame
        attr_frame = frame.loc[prep.pos == 0].reset_index(drop=True)
        for col in spec.attributes:
            self.attrs[col.name].append(_reduce(col, attr_frame[col.name]))
        for col in spec.features:
            self.feats[col.name].append(_reduce(col, frame[col.name]))
        if spec.max_length is not None:
            checks.check_max_length(prep, spec.max_length, spec.example_id)
        if prep.fmt == "long" and spec.time is not None:
            scan = TimeScan.of(frame[spec.time], prep.ex, prep.pos, prep.lengths)
            self.time = scan if self.time is None else self.time.merge(scan)
        elif prep.fmt == "wide":
            self.wide_time_dtype = None if spec.time is None else str(frame[spec.time].dtype)
        self.n += prep.n
        self.longest = max(self.longest, int(prep.lengths.max()))
        low = int(prep.lengths.min())
        self.shortest = low if self.shortest is None else min(self.shortest, low)

    def finish(self) -> None:
        """Fit the spec's columns, time codec and lengths from everything added."""
        spec = self.spec
        if self.first is None:
            raise ValueError("no data to fit the spec on: the chunks were empty")
        fmt, labels, id_dtype, columns = self.first
        spec.input_format_ = fmt
        spec.wide_labels_ = labels
        spec.id_dtype_ = id_dtype
        if fmt == "long":
            keep = set([spec.example_id, spec.time] + spec.names)
            spec.columns_ = [c for c in columns if c in keep]
            spec.ignored_columns_ = [str(c) for c in columns if c not in keep]
        else:
            spec.columns_ = [spec.example_id] + ([spec.time] if spec.time else []) + spec.names
        for col in spec.attributes:
            col.fit(_concat(self.attrs[col.name]))
        for col in spec.features:
            col.fit(_concat(self.feats[col.name]))
        total = spec._running_total()
        if total is not None:
            sign_col = next(c for c in spec.features if c.name == total.sign_by)
            total.fit_relation(*self.total_chunk, sign_col)
        if fmt == "wide":
            codec = TimeCodec.fit_wide(spec.time, labels, spec.time_encoding,
                                       self.wide_time_dtype)
        elif spec.time is not None:
            codec = TimeCodec.from_scan(self.time, spec.time_encoding)
        else:
            codec = TimeCodec(None)
        spec.max_length_ = spec.max_length or self.longest
        if codec.encoding == "grid":
            codec.extend_grid(spec.max_length_)
        spec._set_time_codec(codec)
        spec.n_examples_ = self.n
        spec.fixed_length_ = bool(self.shortest == self.longest == spec.max_length_)
        spec.fitted_ = True
