"""The fitted state of a ``SequenceSpec``: its reset, its JSON config and what it tells.

:class:`SequenceSpecState` is the base of :class:`tfgan_ts.SequenceSpec`: it lists the fitted
attributes (set by ``fit``), saves and restores them with the declaration as plain JSON-able
values (``get_config`` / ``from_config``, kept inside model files), and describes them
(``summary``, ``data_derived_schema``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd

from .binned_column import Binned
from .column_base import Column, Output
from .columns import Continuous, Discrete
from .running_total import RunningTotal
from .time_codec import TimeCodec

if TYPE_CHECKING:
    from .spec import SequenceSpec


def _describe(col: Column) -> str:
    """The fitted facts of a column in a few words, for :meth:`SequenceSpecState.summary`."""
    if isinstance(col, RunningTotal):
        return col.describe()
    if isinstance(col, Continuous):
        return f"{col.min_:g}..{col.max_:g} ({col.normalization})"
    if isinstance(col, Discrete):
        return f"{len(col.categories_)} categories"
    if isinstance(col, Binned):
        return f"{col.n_bins_} bins over {col.edges_[0]:g}..{col.edges_[-1]:g}"
    return ""


class SequenceSpecState:
    """Fitted attributes of a sequence spec, their config and their description.

    Attributes set by ``fit`` (None before): ``input_format_`` ("long" or "wide"),
    ``columns_`` (the input's columns the spec uses, in order), ``wide_labels_``,
    ``id_dtype_``, the time column's ``time_dtype_``, ``time_kind_``, ``time_tz_``,
    ``time_encoding_``, ``time_grid_``, ``time_unit_``, ``time_delta_``, ``time_start_`` (see
    :class:`tfgan_ts.time_codec.TimeCodec`), ``max_length_``, ``fixed_length_`` (every
    example has ``max_length_`` steps), ``n_examples_`` and ``ignored_columns_``.
    """

    def _reset_fitted(self) -> None:
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

    # ------------------------------------------------------------------ outputs ------
    @property
    def names(self) -> list[str]:
        """Names of the declared attribute and feature columns, in that order."""
        return [c.name for c in self.attributes + self.features]

    def _running_total(self) -> RunningTotal | None:
        """The declared running total (a feature rebuilt, not generated), if any."""
        return next((f for f in self.features if isinstance(f, RunningTotal)), None)

    def _auto_features(self) -> list[Continuous]:
        """Continuous features (the inter-arrival one included) that are auto-normalized."""
        if not self.auto_normalize:
            return []
        return [f for f in self._feature_columns() if isinstance(f, Continuous)]

    def _feature_columns(self) -> list[Column]:
        """The generated features: the declared ones but a running total, then the
        inter-arrival gap and the running total's rounding residual."""
        cols = [f for f in self.features if not isinstance(f, RunningTotal)]
        if self.time_delta_ is not None:
            cols.append(self.time_delta_)
        total = self._running_total()
        if total is not None and total.rounding_ is not None:
            cols.append(total.rounding_)
        return cols

    def attribute_outputs(self) -> list[Output]:
        """Output blocks of the attribute generator (the declared attributes)."""
        self._require_fitted()
        return [o for c in self.attributes for o in c.outputs()]

    def derived_outputs(self) -> list[Output]:
        """Output blocks of the min/max generator: start time, then midpoint and half-range
        of each auto-normalized feature, then a running total's opening."""
        self._require_fitted()
        outs = []
        if self.time_start_ is not None:
            outs += self.time_start_.outputs()
        for col in self._auto_features():
            outs.append(Output(f"{col.name}__mid", 1, col.activation))
            outs.append(Output(f"{col.name}__half", 1, col.activation))
        total = self._running_total()
        if total is not None:
            outs += total.opening_.outputs()
        return outs

    def feature_outputs(self) -> list[Output]:
        """Output blocks of the feature generator for one step."""
        self._require_fitted()
        return [o for c in self._feature_columns() for o in c.outputs()]

    @property
    def attribute_dim(self) -> int:
        """Width of the encoded attributes."""
        return sum(o.dim for o in self.attribute_outputs())

    @property
    def derived_dim(self) -> int:
        """Width of the derived attributes (start time, midpoints and half-ranges,
        opening)."""
        return sum(o.dim for o in self.derived_outputs())

    @property
    def feature_dim(self) -> int:
        """Width of one encoded step."""
        return sum(o.dim for o in self.feature_outputs())

    def _require_fitted(self) -> None:
        if not self.fitted_:
            raise ValueError("this SequenceSpec is not fitted yet: call spec.fit(df) first")

    def _time_codec(self) -> TimeCodec:
        return TimeCodec(self.time, self.time_dtype_, self.time_kind_, self.time_tz_,
                         self.time_encoding_, self.time_grid_, self.time_unit_,
                         self.time_delta_, self.time_start_)

    def _set_time_codec(self, codec: TimeCodec) -> None:
        self.time_dtype_, self.time_kind_, self.time_tz_ = codec.dtype, codec.kind, codec.tz
        self.time_encoding_, self.time_grid_ = codec.encoding, codec.grid
        self.time_unit_, self.time_delta_, self.time_start_ = codec.unit, codec.delta, codec.start

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
        total = self._running_total()
        if total is not None:  # rebuilt from the opening and the amounts: width 0
            rows.append({"role": "feature", "column": total.name, "type": "RunningTotal",
                         "width": total.dim, "fitted": _describe(total)})
        for o in self.derived_outputs():
            rows.append({"role": "derived", "column": o.name, "type": "Continuous",
                         "width": o.dim, "fitted": o.activation})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ config -------
    def get_config(self) -> dict:
        """The declaration and, once fitted, the fitted state as plain JSON-able values."""
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
            delta, start = self.time_delta_, self.time_start_
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
                "time_delta_": None if delta is None else delta.get_config(),
                "time_start_": None if start is None else start.get_config(),
                "max_length_": self.max_length_,
                "fixed_length_": self.fixed_length_,
                "n_examples_": self.n_examples_,
                "ignored_columns_": self.ignored_columns_,
            }
        return config

    @classmethod
    def from_config(cls, config: dict) -> SequenceSpec:
        """Rebuild a spec (fitted state included) from :meth:`get_config`'s output."""
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
        """The config (declaration and fitted state) as JSON text."""
        return json.dumps(self.get_config())

    @classmethod
    def from_json(cls, text: str) -> SequenceSpec:
        """Rebuild a spec from :meth:`to_json`'s text."""
        return cls.from_config(json.loads(text))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(example_id={self.example_id!r}, time={self.time!r}, "
            f"attributes={self.attributes!r}, features={self.features!r}, "
            f"max_length={self.max_length!r})"
        )
