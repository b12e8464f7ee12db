"""A long frame read once for a spec: its order and the arrays the measures need, each
computed on first use and kept, so that :func:`~tfgan_ts.evaluation.report` sorts, lays out
and encodes every frame once however many measures read it.

Pure numpy / pandas; no TensorFlow (``spec.transform`` runs only when an encoding is asked for).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..sequence_data import SequenceData
from ..spec import SequenceOrder
from ..spec_checks import show_value
from ._inputs import check_spec
from .temporal import autocorrelation

__all__ = ["PreparedFrame", "prepare"]


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


class PreparedFrame:
    """A long-format frame with its :class:`~tfgan_ts.spec.SequenceOrder` and the arrays the
    evaluation measures read (NaN-padded matrices, one row of attributes per sequence, the
    spec's encoding, record vectors, ACF curves), each built on first use and kept.

    Every public evaluation function that takes a long frame also takes a PreparedFrame (of the
    same spec; another spec re-reads its frame). Build it after the spec is fitted and do not
    change the frame afterwards: the cached arrays would no longer match it. Cached arrays are
    read-only.

    Args:
        frame: long-format DataFrame (one row per example and step).
        spec: the :class:`tfgan_ts.SequenceSpec` that orders (and, fitted, encodes) it.
    """

    def __init__(self, frame: pd.DataFrame, spec) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        self.frame = frame
        self.spec = spec
        self._matrices: dict = {}
        self._labels: dict = {}
        self._acf: dict = {}
        self._encoded: SequenceData | None = None
        self._vectors: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"PreparedFrame({len(self.frame)} rows, spec {self.spec.example_id!r})"

    # ----------------------------------------------------------------------- order

    @cached_property
    def order(self) -> SequenceOrder:
        """The spec's order of the rows: examples by first appearance, steps by time."""
        if self.spec.example_id not in self.frame.columns:
            raise ValueError(
                f"example id column {self.spec.example_id!r} missing from the DataFrame (it has "
                f"{list(self.frame.columns)[:20]}); sequence_matrix takes long-format frames — "
                "for a wide frame the step columns already are the [n, T] matrix"
            )
        found = self.spec.sequence_order(self.frame)
        return SequenceOrder(
            order=_read_only(found.order),
            example=_read_only(found.example),
            position=_read_only(found.position),
            lengths=_read_only(found.lengths),
            ids=found.ids,
        )

    @property
    def lengths(self) -> np.ndarray:
        """Steps of each example, in the spec's order of the examples."""
        return self.order.lengths

    # ----------------------------------------------------------------------- layouts

    def matrix(self, column: str, n_steps: int | None = None) -> np.ndarray:
        """One numeric column as a read-only NaN-padded ``[n_examples, T]`` array (see
        :func:`~tfgan_ts.evaluation.sequence_matrix` for ``n_steps``)."""
        frame = self.frame
        if column not in frame.columns:
            raise ValueError(
                f"column {column!r} missing from the DataFrame (it has {list(frame.columns)[:20]})"
            )
        values = frame[column]
        dtype = values.dtype
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise ValueError(
                f"column {column!r} has dtype {dtype}; sequence_matrix lays out numeric "
                "columns — compare discrete columns with histogram_similarity instead"
            )
        seq = self.order
        lengths = seq.lengths
        longest = int(lengths.max()) if len(lengths) else 0
        if n_steps is None:
            fitted = getattr(self.spec, "max_length_", None)
            n_steps = fitted if fitted is not None and fitted >= longest else longest
        elif n_steps < longest:
            raise ValueError(
                f"n_steps={n_steps} is shorter than the longest sequence ({longest} steps)"
            )
        key = (column, int(n_steps))
        if key not in self._matrices:
            x = values.to_numpy(dtype=np.float64, na_value=np.nan)[seq.order]
            out = np.full((len(lengths), int(n_steps)), np.nan)
            out[seq.example, seq.position] = x
            self._matrices[key] = _read_only(out)
        return self._matrices[key]

    def labels(self, column: str) -> np.ndarray:
        """A discrete column's values as text in the spec's row order, missing values as
        ``"(missing)"`` (read-only)."""
        if column not in self._labels:
            values = self.frame[column].iloc[self.order.order]
            text = values.astype(object).fillna("(missing)").astype(str).to_numpy()
            self._labels[column] = _read_only(text)
        return self._labels[column]

    def autocorrelation(self, column: str, max_lag: int, n_steps: int | None = None):
        """The averaged per-sample ACF of a column at lags ``1..max_lag`` (read-only), from
        :meth:`matrix` and :func:`~tfgan_ts.evaluation.autocorrelation`."""
        x = self.matrix(column, n_steps)
        key = (column, x.shape[1], int(max_lag))
        if key not in self._acf:
            self._acf[key] = _read_only(autocorrelation(x, max_lag=max_lag))
        return self._acf[key]

    @cached_property
    def attributes(self) -> pd.DataFrame:
        """The spec's attribute columns, one row per example (see
        :func:`~tfgan_ts.evaluation.sequence_attributes`)."""
        func = "sequence_attributes"
        df, spec = self.frame, self.spec
        names = [c.name for c in spec.attributes]
        missing = [c for c in names if c not in df.columns]
        if missing:
            raise ValueError(
                f"{func}: attribute column(s) {missing} missing from the DataFrame (it has "
                f"{list(df.columns)[:20]})"
            )
        seq = self.order
        for c in names:
            counts = df[c].iloc[seq.order].groupby(seq.example).nunique(dropna=False).to_numpy()
            bad = np.flatnonzero(counts > 1)
            if bad.size:
                shown = ", ".join(show_value(seq.ids[i]) for i in bad[:5])
                raise ValueError(
                    f"{func}: attribute {c!r} is not constant within {bad.size} example(s), "
                    f"e.g. {spec.example_id}={shown}; attributes hold one value per sequence"
                )
        return df.iloc[seq.order[seq.position == 0]][names].reset_index(drop=True)

    @cached_property
    def first_rows(self) -> pd.DataFrame:
        """The first row of every example (all columns), in the spec's order."""
        seq = self.order
        return self.frame.iloc[seq.order[seq.position == 0]].reset_index(drop=True)

    # ----------------------------------------------------------------------- encoding

    def encoded(self, name: str = "df") -> SequenceData:
        """The frame encoded by the fitted spec (``spec.transform``); ValueError naming
        ``name`` when it is empty or does not fit the spec."""
        if self._encoded is None:
            check_spec(self.spec)
            if len(self.frame) == 0:
                raise ValueError(f"{name} is empty: there are no sequences to compare")
            try:
                self._encoded = self.spec.transform(self.frame)
            except ValueError as err:
                raise ValueError(f"{name} does not fit the spec: {err}") from None
        return self._encoded

    def vectors(self, name: str = "df") -> np.ndarray:
        """One float64 vector per sequence (:func:`~tfgan_ts.evaluation.record_vectors`),
        read-only."""
        if self._vectors is None:
            self._vectors = _read_only(encoded_vectors(self.encoded(name), name))
        return self._vectors


def encoded_vectors(data: SequenceData, name: str) -> np.ndarray:
    """``[attributes | derived attributes | features, step by step | generation flags]`` of
    every sequence as float64; ValueError naming ``name`` for non-finite values."""
    n = len(data)
    parts = [
        data.attributes.reshape(n, -1),
        data.derived_attributes.reshape(n, -1),
        data.features.reshape(n, -1),
        data.gen_flags.reshape(n, -1),
    ]
    out = np.concatenate(parts, axis=1).astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError(
            f"{name} has non-finite encoded values (NaN/inf); check the generator's output"
        )
    return out


def prepare(frame: pd.DataFrame | PreparedFrame, spec) -> PreparedFrame:
    """``frame`` as a :class:`PreparedFrame` of ``spec``: itself when it already is one of this
    spec, else a new one (a PreparedFrame of another spec is re-read from its frame)."""
    if isinstance(frame, PreparedFrame):
        if frame.spec is spec:
            return frame
        frame = frame.frame
    return PreparedFrame(frame, spec)


def frame_of(data) -> pd.DataFrame:
    """The DataFrame behind ``data`` (a PreparedFrame's frame, anything else as given)."""
    return data.frame if isinstance(data, PreparedFrame) else data


def encoded_records(data, spec, name: str) -> tuple[SequenceData, np.ndarray]:
    """``data`` (a DataFrame, PreparedFrame or SequenceData of ``spec``) encoded by the fitted
    spec, and its record vectors; a PreparedFrame keeps both for the next measure."""
    check_spec(spec)
    if isinstance(data, SequenceData):
        spec.check_layout(data, name)
        if len(data) == 0:
            raise ValueError(f"{name} holds no sequences")
        return data, encoded_vectors(data, name)
    if not isinstance(data, (pd.DataFrame, PreparedFrame)):
        raise ValueError(
            f"{name} must be a pandas DataFrame (or a tg.SequenceData), got {type(data).__name__}"
        )
    prepared = prepare(data, spec)
    return prepared.encoded(name), prepared.vectors(name)

