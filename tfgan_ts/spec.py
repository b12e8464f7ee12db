"""``SequenceSpec``: which columns form a set of sequences and how they become arrays.

A spec maps a DataFrame of sequences, long (one row per example and step) or wide (one row
per example, one column per step, single feature), to a :class:`SequenceData` and back:

* static attributes are checked to be constant within an example and encoded once per example;
* features are padded to ``max_length``, with generation flags marking where a sequence ends;
* continuous features are auto-normalized per example (DoppelGANger): scaled within their own
  example, with the example's midpoint and half-range kept as derived attributes;
* the time column is either a shared grid (every example is a prefix of the same time values,
  as in fixed windows) or, for event-time data with irregular timestamps, an inter-arrival
  feature plus a start-time derived attribute, so generated sequences get timestamps back;
* a declared running total (:class:`tfgan_ts.running_total.RunningTotal`, e.g. a balance) is
  not generated: its opening is a derived attribute and it is rebuilt from the amounts.

This module holds the declaration and fit / transform / inverse_transform; the layouts and
row order are in :mod:`tfgan_ts.layout`, the time column in :mod:`tfgan_ts.time_codec`, the
per-example scaling in :mod:`tfgan_ts.auto_normalize`, the running total in
:mod:`tfgan_ts.running_total` and :mod:`tfgan_ts.relation_order`, and the checks in
:mod:`tfgan_ts.spec_checks`. Fitted state is JSON (``get_config`` / ``from_config``); nothing
is pickled.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from . import spec_checks as checks
from .auto_normalize import decode_within_examples, encode_within_examples
from .column_base import Column
from .frame_chunks import iter_rows, whole_examples
from .layout import (
    OrderedFrame,
    SequenceOrder,
    decode_ids,
    detect_format,
    long_frame,
    rows_of_lengths,
    sequence_order,
    to_wide,
    wide_frame,
    wide_step_labels,
)
from .relation_order import order_ties
from .running_total import check_running_totals
from .sequence_data import SequenceData
from .spec_fitting import SpecFit
from .spec_state import SequenceSpecState

__all__ = ["SequenceOrder", "SequenceSpec"]


class SequenceSpec(SequenceSpecState):
    """Columns of a sequence data set and their encoding.

    The given columns are copied: fitting the spec never changes the caller's column objects
    (the fitted ones are ``spec.attributes`` and ``spec.features``).

    Args:
        example_id: column naming the example (sequence) each row belongs to.
        time: column ordering the steps within an example (int, float, datetime or, for a
            shared grid, strings); None when row order is the step order.
        attributes: static columns (one value per example), Continuous/Discrete/Binned.
        features: columns that vary along the sequence (at most one of them a
            ``RunningTotal`` of two others).
        max_length: pad sequences to this many steps (default: the longest fitted example).
        auto_normalize: scale each continuous feature within its own example and keep the
            midpoint and half-range as derived attributes (DoppelGANger); True by default.
        time_encoding: "grid", "interarrival" or "auto" (grid when every example's times are a
            prefix of one shared sequence of times, inter-arrival otherwise).
    """

    def __init__(
        self,
        example_id: str,
        time: str | None = None,
        attributes: Iterable[Column] = (),
        features: Iterable[Column] = (),
        max_length: int | None = None,
        auto_normalize: bool = True,
        time_encoding: str = "auto",
    ):
        attributes = list(attributes)
        features = list(features)
        checks.check_declaration(example_id, time, attributes, features, max_length,
                                 time_encoding)
        check_running_totals(attributes, features)
        self.example_id = example_id
        self.time = time
        self.attributes = [c.copy() for c in attributes]
        self.features = [c.copy() for c in features]
        self.max_length = None if max_length is None else int(max_length)
        self.auto_normalize = bool(auto_normalize)
        self.time_encoding = time_encoding
        self._reset_fitted()

    # ------------------------------------------------------------------ public -------
    def fit(self, df, format: str = "auto", chunk_rows: int = 1_000_000) -> SequenceSpec:
        """Learn ranges, categories, dtypes, time encoding and max_length from ``df``.

        ``df``: a DataFrame; or, for data larger than memory, a Parquet file, a folder of
        Parquet files (a data set, e.g. written by ``generate_to``) or a CSV, read
        ``chunk_rows`` rows at a time; or any iterable of DataFrames. Read in chunks, each
        example's rows must be next to each other (any order within the example); the
        fitted spec is the same as from the whole frame (:mod:`tfgan_ts.spec_fitting`).
        Columns of a long ``df`` that the spec does not name are left out, listed in
        ``ignored_columns_`` and reported with a warning.
        """
        self._reset_fitted()
        for col in self.attributes + self.features:
            col.dtype_ = None
        fit = SpecFit(self, format)
        for chunk in self._chunks(df, chunk_rows):
            fit.add(chunk)
        fit.finish()
        checks.warn_ignored_columns(self.ignored_columns_)
        return self

    def _chunks(self, source, chunk_rows: int):
        """``source`` as DataFrames of whole examples (a DataFrame: itself)."""
        if isinstance(source, pd.DataFrame):
            return [source]
        if isinstance(source, (str, Path)):
            if not isinstance(chunk_rows, (int, np.integer)) or chunk_rows < 1:
                raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
            source = iter_rows(source, int(chunk_rows))
        elif not isinstance(source, Iterable) or isinstance(source, (np.ndarray, dict)):
            raise ValueError("expected a DataFrame, the path of a Parquet/CSV file or folder, "
                             f"or an iterable of DataFrames; got {type(source).__name__}")
        return whole_examples(source, self.example_id)

    def transform(self, df: pd.DataFrame, format: str = "auto") -> SequenceData:
        """Encode ``df`` (long or wide) into a :class:`SequenceData`."""
        self._require_fitted()
        prep = self._prepare(df, format, fitting=False)
        n, T = prep.n, self.max_length_
        checks.check_max_length(prep, T, self.example_id)
        frame, ex, pos = prep.frame, prep.ex, prep.pos
        attr_frame = frame.loc[pos == 0].reset_index(drop=True)
        attrs = [col.encode(attr_frame[col.name]) for col in self.attributes]
        attributes = np.concatenate(attrs, axis=1) if attrs else np.zeros((n, 0), np.float32)

        feature_values = {col.name: frame[col.name] for col in self.features}
        derived = []
        if self.time_encoding_ == "interarrival":
            start, delta = self._time_codec().gaps(frame[self.time], pos)
            derived.append(self.time_start_.encode(pd.Series(start)))
            feature_values[self.time_delta_.name] = pd.Series(delta)
        total = self._running_total()
        rounding = None if total is None else total.rounding_values(frame, pos)
        if rounding is not None:
            feature_values[total.rounding_.name] = rounding

        auto = {c.name for c in self._auto_features()}
        blocks = []
        for col in self._feature_columns():
            values = feature_values[col.name]
            if col.name in auto:
                x = values.to_numpy(dtype=np.float64)
                col.check_bounds(x)
                block, mid, half = encode_within_examples(col, x, ex, pos)
                derived += [mid, half]
            else:
                block = col.encode(values)
            if len(block) == n * T:  # every example has all steps, in order
                blocks.append(block.reshape(n, T, block.shape[1]))
                continue
            out = np.zeros((n, T, block.shape[1]), np.float32)
            out[ex, pos] = block
            blocks.append(out)
        features = np.concatenate(blocks, axis=2)
        if total is not None:
            derived.append(total.encode_opening(frame, pos))
        derived_attributes = (
            np.concatenate(derived, axis=1) if derived else np.zeros((n, 0), np.float32)
        )
        return SequenceData(
            attributes=attributes,
            derived_attributes=derived_attributes,
            features=features,
            gen_flags=SequenceData.flags_from_lengths(prep.lengths, T),
            lengths=prep.lengths,
            example_ids=np.asarray(prep.ids, dtype=object),
        )

    def fit_transform(self, df: pd.DataFrame, format: str = "auto") -> SequenceData:
        """:meth:`fit` on ``df``, then :meth:`transform` it."""
        return self.fit(df, format).transform(df, format)

    def inverse_transform(self, data: SequenceData, format: str | None = None,
                          seed: int | np.random.Generator | None = None,
                          first_id: int = 0) -> pd.DataFrame:
        """Decode a :class:`SequenceData` into a DataFrame in the fitted input's format.

        Args:
            data: encoded (or generated) sequences of this spec's layout.
            format: "long" or "wide" to choose the layout (default: the fitted input's).
            seed: drives the within-bin sampling of Binned columns.
            first_id: the examples are numbered from here when ``data`` has no example ids
                (generated data decoded in chunks).
        """
        self._require_fitted()
        fmt = format or self.input_format_
        if fmt not in ("long", "wide"):
            raise ValueError(f"format must be 'long' or 'wide', got {format!r}")
        self.check_layout(data)
        rng = np.random.default_rng(seed)
        n = len(data)
        ex, pos = rows_of_lengths(data.lengths)

        attr_values = {}
        offset = 0
        for col in self.attributes:
            attr_values[col.name] = col.decode(data.attributes[:, offset:offset + col.dim], rng)
            offset += col.dim

        d = data.derived_attributes
        offset = 0
        start = None
        if self.time_start_ is not None:
            start = self.time_start_.from_unit(d[:, offset])
            offset += 1
        scales = {}
        for col in self._auto_features():
            scales[col.name] = (d[:, offset], d[:, offset + 1])
            offset += 2
        opening = d[:, offset:offset + 1]  # a running total's, when there is one

        row_values = {}
        offset = 0
        full = n and bool(np.all(data.lengths == data.features.shape[1]))
        for col in self._feature_columns():
            if full:  # every sequence has all steps: a reshape, no gather
                block = data.features[:, :, offset:offset + col.dim].reshape(-1, col.dim)
            else:
                block = data.features[ex, pos, offset:offset + col.dim]
            offset += col.dim
            if col.name in scales:
                x = decode_within_examples(col, block[:, 0], *scales[col.name], ex)
                row_values[col.name] = x if col is self.time_delta_ else col.restore(x)
            elif col is self.time_delta_:
                row_values[col.name] = col.from_unit(block[:, 0])
            else:
                row_values[col.name] = col.decode(block, rng)
        total = self._running_total()
        if total is not None:
            of = next(c for c in self.features if c.name == total.of)
            signs = total.row_signs(row_values[total.sign_by])
            amount = np.asarray(row_values[total.of], dtype=np.float64)
            rounding = None if total.rounding_ is None else \
                np.asarray(row_values[total.rounding_.name], dtype=np.float64)
            row_values[total.name], amount = total.rebuild(opening, amount, signs, rounding,
                                                           ex, pos)
            row_values[total.of] = of.restore(amount)

        ids = decode_ids(data.example_ids, n, self.id_dtype_, self.example_id, first_id)
        if fmt == "wide":
            if len(self.features) != 1:
                raise ValueError("wide format holds a single feature; this spec has several")
            labels = wide_step_labels(self.wide_labels_, self.time_grid_, self.max_length_)
            attributes = {col.name: attr_values[col.name] for col in self.attributes}
            return to_wide(ids, attributes, row_values[self.features[0].name], ex, pos, labels,
                           self.example_id)

        out = {self.example_id: ids.iloc[ex].reset_index(drop=True)}
        if self.time is not None:
            delta = None if self.time_delta_ is None else row_values[self.time_delta_.name]
            out[self.time] = self._time_codec().decode(delta, start, ex, pos)
        for col in self.attributes:
            out[col.name] = attr_values[col.name].iloc[ex].reset_index(drop=True)
        for col in self.features:
            out[col.name] = pd.Series(row_values[col.name]).reset_index(drop=True)
        columns = [c for c in self.columns_ if c in out]
        return pd.DataFrame(out)[columns]

    def transform_attributes(self, df: pd.DataFrame) -> np.ndarray:
        """Encode a frame of attribute values (one row per wanted example) — for conditional
        generation. Every declared attribute must be present."""
        self._require_fitted()
        if not isinstance(df, pd.DataFrame):
            raise ValueError("attributes must be a pandas DataFrame with one row per example")
        missing = [c.name for c in self.attributes if c.name not in df.columns]
        if missing:
            raise ValueError(
                f"attribute column(s) {missing} missing; the frame has {list(df.columns)}"
            )
        checks.check_finite(df.reset_index(drop=True), list(self.attributes), None, None)
        n = len(df)
        blocks = [c.encode(df[c.name].reset_index(drop=True)) for c in self.attributes]
        return np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0), np.float32)

    def sequence_order(self, df: pd.DataFrame) -> SequenceOrder:
        """How this spec orders a long frame: examples by first appearance, steps by time
        (stable, so rows sharing a timestamp keep their order; row order without a time
        column). Returns (row positions in order, example index and step of each ordered
        row, lengths, example ids) as a :class:`SequenceOrder`. Only the id and time columns
        are read, and the three columns of a running total when ``df`` has them: rows sharing
        a time are then put in the order that makes it chain (ValueError where none does)."""
        return self._arrange(df, sequence_order(df, self.example_id, self.time))

    def _arrange(self, df: pd.DataFrame, seq: SequenceOrder) -> SequenceOrder:
        """``seq`` with same-time rows in the order a declared running total chains in
        (unchanged when ``df`` lacks one of its columns: nothing to read the order from)."""
        total = self._running_total()
        if total is None or any(c not in df.columns for c in (total.name, total.of,
                                                              total.sign_by)):
            return seq
        return order_ties(df, seq, total, self.example_id, self.time)

    def check_layout(self, data: SequenceData, name: str = "SequenceData") -> None:
        """ValueError unless ``data`` has this spec's widths and max_length (``name`` says
        which input is meant in the message)."""
        if not isinstance(data, SequenceData):
            raise ValueError(f"{name}: expected a tg.SequenceData, got {type(data).__name__}")
        widths = {
            "attributes": self.attribute_dim,
            "derived_attributes": self.derived_dim,
            "features": self.feature_dim,
        }
        checks.check_layout(data, widths, self.max_length_, name)

    # ------------------------------------------------------------------ preparing ----
    def _prepare(self, df: pd.DataFrame, format: str, fitting: bool) -> OrderedFrame:
        """``df`` checked and brought to long rows ordered by (example, time)."""
        checks.check_frame(df)
        fitted_format = self.input_format_ if self.fitted_ else None
        fmt = detect_format(df, format, self.example_id, self.time,
                            [f.name for f in self.features], fitted_format)
        if fmt == "wide":
            fitted_labels = None if fitting else (self.wide_labels_ or [])
            prep = wide_frame(df, self.example_id, self.time,
                              [c.name for c in self.attributes], self.features[0].name,
                              fitted_labels)
        else:
            prep = long_frame(df, self.example_id, self.time, self.names, self._arrange)
        checks.check_finite(prep.frame, self.attributes + self.features, prep, self.time)
        checks.check_constant_attributes(prep, self.attributes, self.example_id)
        return prep
