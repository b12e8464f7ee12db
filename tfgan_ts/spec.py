"""``SequenceSpec``: which columns form a set of sequences and how they become arrays.

A spec maps a DataFrame of sequences, long (one row per example and step) or wide (one row
per example, one column per step, single feature), to a :class:`SequenceData` and back:

* static attributes are checked to be constant within an example and encoded once per example;
* features are padded to ``max_length``, with generation flags marking where a sequence ends;
* continuous features are auto-normalized per example (DoppelGANger): scaled within their own
  example, with the example's midpoint and half-range kept as derived attributes;
* the time column is either a shared grid (every example is a prefix of the same time values,
  as in fixed windows) or, for event-time data with irregular timestamps, an inter-arrival
  feature plus a start-time derived attribute, so generated sequences get timestamps back.

Fitted state is JSON (``get_config`` / ``from_config``); nothing is pickled.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np
import pandas as pd

from .columns import (
    Binned,
    Column,
    Continuous,
    Discrete,
    Output,
    _native,
    _restore_dtype,
    check_numeric,
)
from .sequence_data import SequenceData

TIME_ENCODINGS = ("auto", "grid", "interarrival")
_UNITS_NS = [
    ("D", 86_400 * 10**9),
    ("h", 3_600 * 10**9),
    ("min", 60 * 10**9),
    ("s", 10**9),
    ("ms", 10**6),
    ("us", 10**3),
    ("ns", 1),
]


class SequenceOrder(NamedTuple):
    """How a spec orders a long frame: row positions in order, the example index and step
    of each ordered row, each example's length, and the example ids (first appearance)."""

    order: np.ndarray
    example: np.ndarray
    position: np.ndarray
    lengths: np.ndarray
    ids: list


class _Prepared:
    """A long frame stably sorted by (example, time), with each row's example and step."""

    def __init__(self, frame, ex, pos, lengths, ids, fmt, wide_labels=None):
        self.frame = frame
        self.ex = ex
        self.pos = pos
        self.lengths = lengths
        self.ids = ids
        self.fmt = fmt
        self.wide_labels = wide_labels

    @property
    def n(self) -> int:
        return len(self.lengths)


class SequenceSpec:
    """Columns of a sequence data set and their encoding.

    Args:
        example_id: column naming the example (sequence) each row belongs to.
        time: column ordering the steps within an example (int, float, datetime or, for a
            shared grid, strings); None when row order is the step order.
        attributes: static columns (one value per example), Continuous/Discrete/Binned.
        features: columns that vary along the sequence.
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
        attributes=(),
        features=(),
        max_length: int | None = None,
        auto_normalize: bool = True,
        time_encoding: str = "auto",
    ):
        if not isinstance(example_id, str) or not example_id:
            raise ValueError(f"example_id must be a column name, got {example_id!r}")
        if time is not None and (not isinstance(time, str) or not time):
            raise ValueError(f"time must be a column name or None, got {time!r}")
        attributes = list(attributes)
        features = list(features)
        for role, cols in (("attributes", attributes), ("features", features)):
            for col in cols:
                if not isinstance(col, Column):
                    raise ValueError(
                        f"{role} must be tg.Continuous/tg.Discrete/tg.Binned columns, got "
                        f"{col!r}; e.g. tg.Continuous({str(col)!r})"
                    )
        if not features:
            raise ValueError("a SequenceSpec needs at least one feature column")
        names = [example_id] + ([time] if time else []) + [c.name for c in attributes + features]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"column(s) {dup} appear more than once in the spec; use each once")
        if max_length is not None and (not isinstance(max_length, (int, np.integer)) or max_length < 1):
            raise ValueError(f"max_length must be a positive integer or None, got {max_length!r}")
        if time_encoding not in TIME_ENCODINGS:
            raise ValueError(f"time_encoding must be one of {TIME_ENCODINGS}, got {time_encoding!r}")
        self.example_id = example_id
        self.time = time
        self.attributes = attributes
        self.features = features
        self.max_length = None if max_length is None else int(max_length)
        self.auto_normalize = bool(auto_normalize)
        self.time_encoding = time_encoding
        self._reset_fitted()

    def _reset_fitted(self):
        self.fitted_ = False
        self.input_format_ = None
        self.columns_ = None
        self.wide_labels_ = None
        self.id_dtype_ = None
        self.time_dtype_ = None
        self.time_kind_ = None  # "datetime" | "numeric" | "other" | None
        self.time_tz_ = None
        self.time_encoding_ = None  # "grid" | "interarrival" | None
        self.time_grid_ = None
        self.time_unit_ = None
        self.time_delta_ = None
        self.time_start_ = None
        self.max_length_ = None
        self.fixed_length_ = None
        self.n_examples_ = None
        self.ignored_columns_ = []

    # ------------------------------------------------------------------ layout -------
    @property
    def names(self) -> list[str]:
        return [c.name for c in self.attributes + self.features]

    def _auto_features(self) -> list[Continuous]:
        """Continuous features (the inter-arrival one included) that are auto-normalized."""
        if not self.auto_normalize:
            return []
        cols = [f for f in self.features if isinstance(f, Continuous)]
        if self.time_delta_ is not None:
            cols.append(self.time_delta_)
        return cols

    def _feature_columns(self) -> list[Column]:
        cols = list(self.features)
        if self.time_delta_ is not None:
            cols.append(self.time_delta_)
        return cols

    def attribute_outputs(self) -> list[Output]:
        """Output blocks of the attribute generator (the declared attributes)."""
        self._require_fitted()
        return [o for c in self.attributes for o in c.outputs()]

    def derived_outputs(self) -> list[Output]:
        """Output blocks of the min/max generator: start time, then midpoint and half-range
        of each auto-normalized feature."""
        self._require_fitted()
        outs = []
        if self.time_start_ is not None:
            outs += self.time_start_.outputs()
        for col in self._auto_features():
            outs.append(Output(f"{col.name}__mid", 1, col.activation))
            outs.append(Output(f"{col.name}__half", 1, col.activation))
        return outs

    def feature_outputs(self) -> list[Output]:
        """Output blocks of the feature generator for one step."""
        self._require_fitted()
        return [o for c in self._feature_columns() for o in c.outputs()]

    @property
    def attribute_dim(self) -> int:
        return sum(o.dim for o in self.attribute_outputs())

    @property
    def derived_dim(self) -> int:
        return sum(o.dim for o in self.derived_outputs())

    @property
    def feature_dim(self) -> int:
        return sum(o.dim for o in self.feature_outputs())

    def _require_fitted(self):
        if not self.fitted_:
            raise ValueError("this SequenceSpec is not fitted yet: call spec.fit(df) first")

    # ------------------------------------------------------------------ public -------
    def fit(self, df: pd.DataFrame, format: str = "auto") -> SequenceSpec:
        """Learn ranges, categories, dtypes, time encoding and max_length from ``df``."""
        self._reset_fitted()
        for col in self.attributes + self.features:
            col.dtype_ = None
        prep = self._prepare(df, format, fitting=True)
        frame = prep.frame
        self.input_format_ = prep.fmt
        self.wide_labels_ = prep.wide_labels
        self.id_dtype_ = str(df[self.example_id].dtype)
        if prep.fmt == "long":
            keep = set([self.example_id, self.time] + self.names)
            self.columns_ = [c for c in df.columns if c in keep]
            self.ignored_columns_ = [str(c) for c in df.columns if c not in keep]
        else:
            self.columns_ = [self.example_id] + ([self.time] if self.time else []) + self.names
        attr_frame = frame.loc[prep.pos == 0].reset_index(drop=True)
        for col in self.attributes:
            col.fit(attr_frame[col.name])
        for col in self.features:
            col.fit(frame[col.name])
        self._fit_time(prep)
        longest = int(prep.lengths.max())
        if self.max_length is not None and longest > self.max_length:
            self._too_long(prep, self.max_length)
        self.max_length_ = self.max_length or longest
        if self.time_encoding_ == "grid":
            self.time_grid_ = self._extend_grid(self.time_grid_, self.max_length_)
        self.n_examples_ = prep.n
        self.fixed_length_ = bool(np.all(prep.lengths == self.max_length_))
        self.fitted_ = True
        return self

    def transform(self, df: pd.DataFrame, format: str = "auto") -> SequenceData:
        """Encode ``df`` (long or wide) into a :class:`SequenceData`."""
        self._require_fitted()
        prep = self._prepare(df, format, fitting=False)
        n, T = prep.n, self.max_length_
        if int(prep.lengths.max()) > T:
            self._too_long(prep, T)
        frame, ex, pos = prep.frame, prep.ex, prep.pos
        attr_frame = frame.loc[pos == 0].reset_index(drop=True)
        attrs = [col.encode(attr_frame[col.name]) for col in self.attributes]
        attributes = np.concatenate(attrs, axis=1) if attrs else np.zeros((n, 0), np.float32)

        feature_values = {col.name: frame[col.name] for col in self.features}
        derived = []
        if self.time_encoding_ == "interarrival":
            t = self._time_units(frame[self.time])
            first = np.flatnonzero(pos == 0)
            delta = np.diff(t, prepend=t[0])
            delta[first] = 0.0
            start = t[first]
            derived.append(self.time_start_.encode(pd.Series(start)))
            feature_values[self.time_delta_.name] = pd.Series(delta)

        auto = {c.name for c in self._auto_features()}
        blocks = []
        for col in self._feature_columns():
            values = feature_values[col.name]
            if col.name in auto:
                block, mid, half = self._auto_encode(col, values, ex, pos, n)
                derived += [mid, half]
            else:
                block = col.encode(values)
            out = np.zeros((n, T, block.shape[1]), np.float32)
            out[ex, pos] = block
            blocks.append(out)
        features = np.concatenate(blocks, axis=2)
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
        return self.fit(df, format).transform(df, format)

    def inverse_transform(self, data: SequenceData, format: str | None = None, seed=None) -> pd.DataFrame:
        """Decode a :class:`SequenceData` into a DataFrame in the fitted input's format
        (``format="long"``/``"wide"`` to choose). ``seed`` drives the within-bin sampling of
        Binned columns."""
        self._require_fitted()
        fmt = format or self.input_format_
        if fmt not in ("long", "wide"):
            raise ValueError(f"format must be 'long' or 'wide', got {format!r}")
        self.check_layout(data)
        rng = np.random.default_rng(seed)
        n = len(data)
        lengths = np.asarray(data.lengths, dtype=np.int64)
        ex = np.repeat(np.arange(n), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if n else np.zeros(0, np.int64)
        pos = np.arange(len(ex)) - np.repeat(starts, lengths)

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
        mids, halves = {}, {}
        for col in self._auto_features():
            mids[col.name] = col.from_unit(d[:, offset])
            halves[col.name] = self._half_from_unit(col, d[:, offset + 1])
            offset += 2

        row_values = {}
        offset = 0
        full = n and bool(np.all(lengths == data.features.shape[1]))
        for col in self._feature_columns():
            if full:  # every sequence has all steps: a reshape, no gather
                block = data.features[:, :, offset:offset + col.dim].reshape(-1, col.dim)
            else:
                block = data.features[ex, pos, offset:offset + col.dim]
            offset += col.dim
            if col.name in mids:
                s = block[:, 0].astype(np.float64)
                s = 2.0 * s - 1.0 if col.normalization == "zero_one" else s
                x = mids[col.name][ex] + s * halves[col.name][ex]
                # midpoint ± half-range of a generated example can overshoot the column's
                # range (real data cannot): generated values stay within [min, max]
                x = np.clip(x, col.min_, col.max_)
                row_values[col.name] = x if col is self.time_delta_ else col.restore(x)
            elif col is self.time_delta_:
                row_values[col.name] = col.from_unit(block[:, 0])
            else:
                row_values[col.name] = col.decode(block, rng)

        ids = self._decode_ids(data, n)
        if fmt == "wide":
            return self._to_wide(ids, attr_values, row_values, ex, pos, n)

        out = {self.example_id: ids.iloc[ex].reset_index(drop=True)}
        if self.time is not None:
            out[self.time] = self._decode_time(row_values, start, ex, pos, lengths)
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
        self._check_finite(df.reset_index(drop=True), [c for c in self.attributes], None, None)
        n = len(df)
        blocks = [c.encode(df[c.name].reset_index(drop=True)) for c in self.attributes]
        return np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0), np.float32)

    def data_derived_schema(self) -> list[str]:
        """Facts of the schema that were read off the data rather than declared.

        A differential-privacy guarantee on the training does not cover these."""
        self._require_fitted()
        out = []
        for col in self.attributes + self.features:
            out += col.data_derived()
        if self.time_delta_ is not None:
            out += [f"{self.time}: inter-arrival range", f"{self.time}: start-time range"]
        grid = self.time_grid_
        positions = grid is not None and list(grid) == list(range(len(grid)))
        if self.time_encoding_ == "grid" and self.time is not None \
                and self.input_format_ == "long" and not positions:
            # a grid 0, 1, ..., T-1 says nothing beyond max_length
            out.append(f"{self.time}: time grid")
        if self.max_length is None:
            out.append("max_length")
        return out

    def summary(self) -> pd.DataFrame:
        """One row per column: role, type, encoded width and the fitted facts."""
        self._require_fitted()
        rows = [{"role": "example_id", "column": self.example_id, "type": self.id_dtype_,
                 "width": 0, "fitted": f"{self.n_examples_} examples"}]
        if self.time:
            rows.append({"role": "time", "column": self.time, "type": self.time_dtype_,
                         "width": 0, "fitted": f"{self.time_encoding_} encoding"})
        for role, cols in (("attribute", self.attributes), ("feature", self._feature_columns())):
            for col in cols:
                rows.append({"role": role, "column": col.name, "type": type(col).__name__,
                             "width": col.dim, "fitted": _describe(col)})
        for o in self.derived_outputs():
            rows.append({"role": "derived", "column": o.name, "type": "Continuous",
                         "width": o.dim, "fitted": o.activation})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ config -------
    def get_config(self) -> dict:
        config = {
            "example_id": self.example_id,
            "time": self.time,
            "attributes": [c.get_config() for c in self.attributes],
            "features": [c.get_config() for c in self.features],
            "max_length": self.max_length,
            "auto_normalize": self.auto_normalize,
            "time_encoding": self.time_encoding,
        }
        if self.fitted_:
            config["fitted"] = {
                "input_format_": self.input_format_,
                "columns_": self.columns_,
                "wide_labels_": self.wide_labels_,
                "id_dtype_": self.id_dtype_,
                "time_dtype_": self.time_dtype_,
                "time_kind_": self.time_kind_,
                "time_tz_": self.time_tz_,
                "time_encoding_": self.time_encoding_,
                "time_grid_": self.time_grid_,
                "time_unit_": self.time_unit_,
                "time_delta_": None if self.time_delta_ is None else self.time_delta_.get_config(),
                "time_start_": None if self.time_start_ is None else self.time_start_.get_config(),
                "max_length_": self.max_length_,
                "fixed_length_": self.fixed_length_,
                "n_examples_": self.n_examples_,
                "ignored_columns_": self.ignored_columns_,
            }
        return config

    @classmethod
    def from_config(cls, config: dict) -> SequenceSpec:
        config = dict(config)
        fitted = config.pop("fitted", None)
        config["attributes"] = [Column.from_config(c) for c in config["attributes"]]
        config["features"] = [Column.from_config(c) for c in config["features"]]
        spec = cls(**config)
        if fitted is not None:
            fitted = dict(fitted)
            for key in ("time_delta_", "time_start_"):
                if fitted[key] is not None:
                    fitted[key] = Column.from_config(fitted[key])
            for key, value in fitted.items():
                setattr(spec, key, value)
            spec.fitted_ = True
        return spec

    def to_json(self) -> str:
        return json.dumps(self.get_config())

    @classmethod
    def from_json(cls, text: str) -> SequenceSpec:
        return cls.from_config(json.loads(text))

    def __repr__(self):
        return (
            f"SequenceSpec(example_id={self.example_id!r}, time={self.time!r}, "
            f"attributes={self.attributes!r}, features={self.features!r}, "
            f"max_length={self.max_length!r})"
        )

    # ------------------------------------------------------------------ preparing ----
    def _detect_format(self, df: pd.DataFrame, format: str) -> str:
        if format in ("long", "wide"):
            return format
        if format != "auto":
            raise ValueError(f"format must be 'auto', 'long' or 'wide', got {format!r}")
        if self.fitted_ and self.input_format_ == "wide" and self.features[0].name not in df.columns:
            return "wide"
        long_cols = [f.name for f in self.features] + ([self.time] if self.time else [])
        if all(c in df.columns for c in long_cols):
            return "long"
        one_row_per_example = (
            self.example_id in df.columns and not df[self.example_id].duplicated().any()
        )
        if len(self.features) == 1 and self.features[0].name not in df.columns and (
            self.time is None or self.time not in df.columns
        ) and one_row_per_example:
            return "wide"
        return "long"

    def _prepare(self, df: pd.DataFrame, format: str, fitting: bool) -> _Prepared:
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
        if len(df) == 0:
            raise ValueError("the DataFrame is empty: there are no sequences to encode")
        fmt = self._detect_format(df, format)
        if fmt == "wide":
            prep = self._prepare_wide(df, fitting)
        else:
            prep = self._prepare_long(df, fitting)
        self._check_finite(prep.frame, self.attributes + self.features, prep, "rows")
        self._check_constant_attributes(prep)
        return prep

    def _check_columns(self, df: pd.DataFrame, needed: list[str], fmt: str):
        missing = [c for c in needed if c not in df.columns]
        if missing:
            raise ValueError(
                f"column(s) {missing} missing from the {fmt}-format DataFrame (it has "
                f"{list(df.columns)[:20]}); rename the columns or change the spec"
            )

    def sequence_order(self, df: pd.DataFrame) -> SequenceOrder:
        """How this spec orders a long frame: examples by first appearance, steps by time
        (stable, so rows sharing a timestamp keep their order; row order without a time
        column). Returns (row positions in order, example index and step of each ordered
        row, lengths, example ids) as a :class:`SequenceOrder`. Only the id and time columns
        are read."""
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
        self._check_columns(df, [self.example_id] + ([self.time] if self.time else []), "long")
        ids = df[self.example_id]
        if ids.isna().any():
            raise ValueError(
                f"column {self.example_id!r} (example id) has {int(ids.isna().sum())} missing "
                "value(s); every row needs the id of its sequence"
            )
        codes, uniques = pd.factorize(ids, sort=False)
        if self.time is not None:
            t = df[self.time]
            if t.isna().any():
                bad = ids[t.isna()].unique()[:5]
                raise ValueError(
                    f"time column {self.time!r} has {int(t.isna().sum())} missing value(s) "
                    f"(examples {list(bad)}); fill or drop those rows first"
                )
            key = self._time_sort_key(t)
            try:
                order = np.argsort(key, kind="stable")
            except TypeError:
                raise ValueError(
                    f"time column {self.time!r} mixes types that cannot be ordered; convert it "
                    "to numbers or datetimes"
                ) from None
            order = order[np.argsort(codes[order], kind="stable")]
        else:
            order = np.argsort(codes, kind="stable")
        ex = codes[order].astype(np.int64)
        lengths = np.bincount(ex, minlength=len(uniques)).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        pos = np.arange(len(ex)) - starts[ex]
        return SequenceOrder(order, ex, pos, lengths, list(uniques))

    def _prepare_long(self, df: pd.DataFrame, fitting: bool) -> _Prepared:
        needed = [self.example_id] + ([self.time] if self.time else []) + self.names
        self._check_columns(df, needed, "long")
        order, ex, pos, lengths, ids = self.sequence_order(df)
        frame = df.iloc[order].reset_index(drop=True)
        return _Prepared(frame, ex, pos, lengths, ids, "long")

    def _prepare_wide(self, df: pd.DataFrame, fitting: bool) -> _Prepared:
        feature = self.features[0]
        attr_names = [c.name for c in self.attributes]
        self._check_columns(df, [self.example_id] + attr_names, "wide")
        step_cols = [c for c in df.columns if c != self.example_id and c not in attr_names]
        if not step_cols:
            raise ValueError(
                f"wide-format DataFrame has no step columns besides {self.example_id!r} and the "
                "attributes; wide format is one row per example and one column per step"
            )
        labels = []
        for c in step_cols:
            try:
                labels.append(_native(c))
            except ValueError:
                raise ValueError(
                    f"wide-format step column label {c!r} must be a string or number"
                ) from None
        if not fitting and labels != self.wide_labels_[: len(labels)]:
            raise ValueError(
                "wide-format step columns differ from the fitted ones (first fitted: "
                f"{self.wide_labels_[:3]}, got {labels[:3]}); use the same columns in order"
            )
        values = df[step_cols]
        valid = values.notna().to_numpy()
        lengths = valid.sum(axis=1).astype(np.int64)
        prefix = np.arange(len(step_cols))[None, :] < lengths[:, None]
        if (lengths == 0).any():
            rows = list(df[self.example_id][lengths == 0][:5])
            raise ValueError(
                f"wide-format row(s) with ids {rows} have no values; drop them first"
            )
        if (valid != prefix).any():
            rows = list(df[self.example_id][(valid != prefix).any(axis=1)][:5])
            raise ValueError(
                f"wide-format rows {rows} have missing values before their last value; in wide "
                "format only trailing NaNs (a shorter sequence) are allowed — impute or cut them"
            )
        ids = df[self.example_id]
        if ids.isna().any() or ids.duplicated().any():
            raise ValueError(
                f"wide-format column {self.example_id!r} must hold one distinct id per row"
            )
        n = len(df)
        ex = np.repeat(np.arange(n), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        pos = np.arange(len(ex)) - starts[ex]
        flat = values.to_numpy()[valid]
        dtypes = set(map(str, values.dtypes))
        if all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes):
            column = pd.Series(flat.astype(np.float64))
            if len(dtypes) == 1 and valid.all():
                column = column.astype(dtypes.pop())
        else:
            column = pd.Series(flat, dtype=object).infer_objects()
        out = {self.example_id: ids.iloc[ex].reset_index(drop=True)}
        for name in attr_names:
            out[name] = df[name].iloc[ex].reset_index(drop=True)
        if self.time is not None:
            out[self.time] = pd.Series(np.asarray(labels, dtype=object)[pos]).infer_objects()
        out[feature.name] = column
        frame = pd.DataFrame(out)
        return _Prepared(frame, ex, pos, lengths, list(ids), "wide", wide_labels=labels)

    def _locate(self, prep: _Prepared, mask: np.ndarray, k: int = 3) -> str:
        """A short text naming the first rows where ``mask`` holds."""
        idx = np.flatnonzero(mask)[:k]
        if prep is None:
            return "rows " + ", ".join(str(i) for i in idx)
        parts = []
        for i in idx:
            where = f"example {_show(prep.ids[prep.ex[i]])} "
            if self.time is not None:
                where += f"at {self.time}={_show(prep.frame[self.time].iloc[i])}"
            else:
                where += f"at step {prep.pos[i]}"
            parts.append(where)
        return "; ".join(parts)

    def _check_finite(self, frame, cols, prep, what):
        for col in cols:
            values = frame[col.name]
            if isinstance(col, Discrete):
                continue
            check_numeric(values, col.name)
            x = values.to_numpy(dtype=np.float64, na_value=np.nan)
            bad = ~np.isfinite(x)
            if bad.any():
                n_nan = int(np.isnan(x).sum())
                raise ValueError(
                    f"column {col.name!r} has {n_nan} missing (NaN) and {int(bad.sum()) - n_nan} "
                    f"infinite value(s), first at {self._locate(prep, bad)}; continuous columns "
                    "must be finite — impute the gaps (e.g. tg.GANImputer) or drop those rows, "
                    "or declare the column Discrete if missing is a category"
                )

    def _check_constant_attributes(self, prep: _Prepared):
        for col in self.attributes:
            counts = prep.frame[col.name].groupby(prep.ex).nunique(dropna=False)
            bad = counts.to_numpy() > 1
            if bad.any():
                ids = ", ".join(_show(prep.ids[i]) for i in counts.index[bad][:5])
                raise ValueError(
                    f"attribute {col.name!r} is not constant within {int(bad.sum())} example(s), "
                    f"e.g. {self.example_id}={ids}; attributes hold one value per sequence — "
                    "declare it as a feature instead"
                )

    def _too_long(self, prep: _Prepared, limit: int):
        bad = np.flatnonzero(prep.lengths > limit)
        ids = ", ".join(_show(prep.ids[i]) for i in bad[:5])
        raise ValueError(
            f"{len(bad)} sequence(s) are longer than max_length={limit} (e.g. "
            f"{self.example_id}={ids}, length {int(prep.lengths[bad[0]])}); raise max_length "
            "or cut the sequences into windows"
        )

    # ------------------------------------------------------------------ time ---------
    def _time_sort_key(self, t: pd.Series) -> np.ndarray:
        if pd.api.types.is_datetime64_any_dtype(t.dtype):
            return self._datetime_ns(t)
        if pd.api.types.is_numeric_dtype(t.dtype) and not pd.api.types.is_bool_dtype(t.dtype):
            return t.to_numpy(dtype=np.float64)
        return t.to_numpy(dtype=object)

    @staticmethod
    def _datetime_ns(t: pd.Series) -> np.ndarray:
        if getattr(t.dt, "tz", None) is not None:
            t = t.dt.tz_convert("UTC").dt.tz_localize(None)
        return t.astype("datetime64[ns]").to_numpy().astype(np.int64)

    def _fit_time(self, prep: _Prepared):
        if prep.fmt == "wide":
            self.time_kind_ = "other"
            self.time_dtype_ = "object"
            self.time_encoding_ = "grid"
            self.time_grid_ = list(prep.wide_labels)
            if self.time_encoding == "interarrival":
                raise ValueError(
                    "time_encoding='interarrival' needs long-format data with a time column; "
                    "wide-format step columns form a shared grid"
                )
            if self.time is not None:
                self.time_dtype_ = str(prep.frame[self.time].dtype)
            return
        if self.time is None:
            return
        t = prep.frame[self.time]
        self.time_dtype_ = str(t.dtype)
        if pd.api.types.is_datetime64_any_dtype(t.dtype):
            self.time_kind_ = "datetime"
            tz = getattr(t.dt, "tz", None)
            self.time_tz_ = None if tz is None else str(tz)
            key = self._datetime_ns(t)
        elif pd.api.types.is_numeric_dtype(t.dtype) and not pd.api.types.is_bool_dtype(t.dtype):
            self.time_kind_ = "numeric"
            key = t.to_numpy(dtype=np.float64)
        else:
            self.time_kind_ = "other"
            key = t.to_numpy(dtype=object)

        longest = int(np.argmax(prep.lengths))
        grid = key[prep.ex == longest]
        shared = bool(np.all(key == grid[prep.pos]))
        encoding = self.time_encoding
        if encoding == "auto":
            encoding = "grid" if shared else "interarrival"
        if encoding == "grid" and not shared:
            raise ValueError(
                f"time column {self.time!r}: the examples do not share one sequence of times, so "
                "time_encoding='grid' cannot give them back; use time_encoding='interarrival'"
            )
        if encoding == "interarrival" and self.time_kind_ == "other":
            raise ValueError(
                f"time column {self.time!r} has dtype {t.dtype}; inter-arrival encoding needs "
                "numbers or datetimes (pd.to_datetime(df[col]))"
            )
        self.time_encoding_ = encoding
        if encoding == "grid":
            self.time_grid_ = [_native(v) for v in grid]
            return
        # inter-arrival: infer the time unit so decoded timestamps round back exactly
        if self.time_kind_ == "datetime":
            self.time_unit_ = next(u for _, u in _UNITS_NS if np.all(key % u == 0))
        elif pd.api.types.is_integer_dtype(t.dtype):
            self.time_unit_ = 1
        else:
            self.time_unit_ = None
        units = self._time_units(t)
        first = np.flatnonzero(prep.pos == 0)
        delta = np.diff(units, prepend=units[0])
        delta[first] = 0.0
        self.time_delta_ = Continuous(f"{self.time}__delta").fit(pd.Series(delta))
        self.time_start_ = Continuous(f"{self.time}__start").fit(pd.Series(units[first]))

    def _time_units(self, t: pd.Series) -> np.ndarray:
        """Time values as float64 counts of the fitted unit."""
        if self.time_kind_ == "datetime":
            if not pd.api.types.is_datetime64_any_dtype(t.dtype):
                raise ValueError(f"time column {self.time!r} must be datetime, as when fitted")
            return self._datetime_ns(t).astype(np.float64) / self.time_unit_
        return t.to_numpy(dtype=np.float64)

    def _extend_grid(self, grid: list, length: int) -> list:
        if len(grid) >= length:
            return grid
        if self.time_kind_ in ("datetime", "numeric") and len(grid) >= 2:
            steps = np.diff(np.asarray(grid, dtype=np.float64))
            if np.all(steps == steps[0]):
                step = grid[1] - grid[0]
                return grid + [grid[-1] + step * k for k in range(1, length - len(grid) + 1)]
        raise ValueError(
            f"max_length={length} is longer than the longest fitted sequence ({len(grid)} steps) "
            f"and the time values are not evenly spaced, so later steps have no time; lower "
            "max_length or use time_encoding='interarrival'"
        )

    def _decode_time(self, row_values, start, ex, pos, lengths) -> pd.Series:
        if self.time_encoding_ == "grid":
            grid = np.asarray(self.time_grid_)
            if grid.dtype.kind not in "iufb":  # mixed or text labels stay Python objects
                grid = np.asarray(self.time_grid_, dtype=object)
            values = grid[pos]
            if self.time_kind_ == "datetime":
                return self._restore_datetime(values.astype(np.int64))
            return _restore_dtype(values, self.time_dtype_, self.time)
        delta = np.asarray(row_values[self.time_delta_.name], dtype=np.float64)
        delta = np.where(pos == 0, 0.0, np.maximum(delta, 0.0))
        if self.time_unit_ is not None:
            delta = np.round(delta)
        cum = np.cumsum(delta)
        base = cum[np.flatnonzero(pos == 0)][ex]  # cumulative sum before each example
        start_units = start[ex]
        if self.time_unit_ is not None:
            start_units = np.round(start_units)
        units = start_units + (cum - base)
        if self.time_kind_ == "datetime":
            return self._restore_datetime((units * self.time_unit_).astype(np.int64))
        if self.time_unit_ is not None:
            units = np.round(units)
        return _restore_dtype(units, self.time_dtype_, self.time)

    def _restore_datetime(self, ns: np.ndarray) -> pd.Series:
        s = pd.Series(ns.astype("datetime64[ns]"), name=self.time)
        if self.time_tz_ is not None:
            s = s.dt.tz_localize("UTC").dt.tz_convert(self.time_tz_)
        try:
            return s.astype(self.time_dtype_)
        except (TypeError, ValueError):
            return s

    # ------------------------------------------------------------------ codecs -------
    def _auto_encode(self, col: Continuous, values: pd.Series, ex, pos, n):
        """Scale a continuous feature within each example; return the [rows, 1] block and the
        encoded midpoint and half-range [n, 1] of every example."""
        x = values.to_numpy(dtype=np.float64)
        col.check_bounds(x)
        grid = np.full((n, self.max_length_), np.nan)
        grid[ex, pos] = x
        low, high = np.nanmin(grid, axis=1), np.nanmax(grid, axis=1)
        mid, half = (high + low) / 2.0, (high - low) / 2.0
        safe = np.where(half > 0, half, 1.0)
        s = (x - mid[ex]) / safe[ex]
        s = np.where(half[ex] > 0, s, 0.0)
        if col.normalization == "zero_one":
            s = (s + 1.0) / 2.0
        mid_enc = col.to_unit(mid)[:, None].astype(np.float32)
        half_enc = self._half_to_unit(col, half)[:, None].astype(np.float32)
        return s[:, None].astype(np.float32), mid_enc, half_enc

    @staticmethod
    def _half_to_unit(col: Continuous, half: np.ndarray) -> np.ndarray:
        u = half / (col.scale / 2.0)
        return u if col.normalization == "zero_one" else 2.0 * u - 1.0

    @staticmethod
    def _half_from_unit(col: Continuous, e: np.ndarray) -> np.ndarray:
        e = np.asarray(e, dtype=np.float64)
        u = e if col.normalization == "zero_one" else (e + 1.0) / 2.0
        return np.maximum(u, 0.0) * (col.scale / 2.0)

    def check_layout(self, data: SequenceData, name: str = "SequenceData"):
        """ValueError unless ``data`` has this spec's widths and max_length (``name`` says
        which input is meant in the message)."""
        if not isinstance(data, SequenceData):
            raise ValueError(f"{name}: expected a tg.SequenceData, got {type(data).__name__}")
        want = {
            "attributes": self.attribute_dim,
            "derived_attributes": self.derived_dim,
            "features": self.feature_dim,
        }
        for part, dim in want.items():
            got = getattr(data, part).shape[-1]
            if got != dim:
                raise ValueError(
                    f"{name}: SequenceData.{part} has width {got} but this spec encodes {dim}; "
                    "was it made by a different spec? Encode it with spec.transform(df)"
                )
        if data.max_length != self.max_length_:
            raise ValueError(
                f"{name}: SequenceData has {data.max_length} steps but the spec's max_length "
                f"is {self.max_length_}"
            )

    def _decode_ids(self, data: SequenceData, n: int) -> pd.Series:
        if data.example_ids is not None:
            values = np.asarray(data.example_ids, dtype=object)
        else:
            values = np.arange(n)
            if not pd.api.types.is_numeric_dtype(pd.api.types.pandas_dtype(self.id_dtype_)):
                values = values.astype(str)
        return _restore_dtype(values, self.id_dtype_, self.example_id)

    def _to_wide(self, ids, attr_values, row_values, ex, pos, n) -> pd.DataFrame:
        feature = self.features[0]
        if len(self.features) != 1:
            raise ValueError("wide format holds a single feature; this spec has several")
        labels = self.wide_labels_ or [str(v) for v in (self.time_grid_ or range(self.max_length_))]
        labels = labels + [
            f"step_{k}" for k in range(len(labels), self.max_length_)
        ]
        values = pd.Series(row_values[feature.name]).reset_index(drop=True)
        grid = np.full((n, self.max_length_), np.nan, dtype=object)
        grid[ex, pos] = values.to_numpy(dtype=object)
        out = pd.DataFrame({self.example_id: ids.reset_index(drop=True)})
        for col in self.attributes:
            out[col.name] = attr_values[col.name].reset_index(drop=True)
        steps = pd.DataFrame(grid, columns=labels).infer_objects()
        if len(ex) == n * self.max_length_:
            steps = steps.astype(values.dtype)
        return pd.concat([out, steps], axis=1)


def _show(value) -> str:
    """A value as a user would write it in a message (no numpy reprs)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return str(value)
    return repr(value)


def _describe(col: Column) -> str:
    if isinstance(col, Continuous):
        return f"{col.min_:g}..{col.max_:g} ({col.normalization})"
    if isinstance(col, Discrete):
        return f"{len(col.categories_)} categories"
    if isinstance(col, Binned):
        return f"{col.n_bins_} bins over {col.edges_[0]:g}..{col.edges_[-1]:g}"
    return ""
