"""``GANImputer``: fill gaps of a multivariate series with GAIN, scikit-learn style.

Rows are time steps (in order, or ordered by ``time``), numeric columns are the series. Each
column is scaled to [0, 1] with its observed minimum and maximum, the series is cut into
overlapping windows, an :class:`tfgan_ts.ImputationGAN` learns to fill the windows' gaps from
what is observed around them, and the overlapping windows' fills are averaged. Only the
missing entries are written: observed values come back bit-identical.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError

from ..seeding import check_seed, draw_seed, shuffled_batches, sub_seeds

GENERATORS = ("bilstm", "mlp", "auto")
# sub-seed streams of one training: the refit on every observed entry, then the candidates of
# generator="auto" (so "auto" ending on "mlp" refits exactly as generator="mlp" would)
_FINAL_STREAM, _CANDIDATE_STREAMS = 0, {"bilstm": 1, "mlp": 2}


def _windows(n_rows: int, window: int, stride: int) -> np.ndarray:
    """Start rows of overlapping windows covering every row (the last one ends at the end)."""
    starts = list(range(0, n_rows - window + 1, stride))
    if starts[-1] != n_rows - window:
        starts.append(n_rows - window)
    return np.asarray(starts)


class GANImputer(TransformerMixin, BaseEstimator):
    """GAIN imputation of a multivariate series with a BiLSTM-attention or MLP generator.

    Args:
        generator: ``"bilstm"`` (bidirectional LSTM + attention over the window),
            ``"mlp"`` (GAIN's MLP over the flattened window) or ``"auto"``: hold out
            ``validation_fraction`` of the observed entries, train both, keep the one with the
            lower RMSE on them (``generator_``, ``validation_rmse_``), then refit it on all.
        window: rows per window.
        stride: rows between window starts (default 1: every window, for training and for
            averaging the fills).
        epochs: training epochs of each GAN.
        batch_size: windows per training step (GAIN's batch: 128).
        hint_rate: GAIN's hint rate (0.9).
        alpha: GAIN's reconstruction weight (100).
        units: width of the networks (default 64 for bilstm, 128 for mlp).
        validation_fraction: share of the observed entries ``"auto"`` hides for its choice.
        time: a column to order the rows by (passed through untouched); default: row order.
        seed: seeds the networks' initial weights, the GAN's noise, the batch order and the
            validation split, each from its own sub-seed and without touching Python's,
            NumPy's or TensorFlow's global generators (as scikit-learn's ``random_state``);
            the same seed and data give the same fills. None draws a seed from Python's
            global ``random``, as Keras does for unseeded layers.
        verbose: Keras progress output during training.

    Attributes:
        generator_: the kind trained on all observed entries (set by ``fit``, as all below).
        model_: its :class:`tfgan_ts.ImputationGAN`.
        validation_rmse_: ``"auto"``: the scaled RMSE of each kind on the held-out entries;
            empty otherwise.
        validation_mask_: ``"auto"``: bool ``[rows, numeric columns]`` in ``X``'s row order,
            True for the entries held out of the candidates' training and fills; None
            otherwise.
        numeric_columns_: the columns imputed; passthrough_columns_: those left untouched.
        min_: observed minimum per numeric column; scale_: observed range (1 if constant).
    """

    def __init__(self, generator: str = "auto", window: int = 24, stride: int | None = None,
                 epochs: int = 50, batch_size: int = 128, hint_rate: float = 0.9,
                 alpha: float = 100.0, units: int | None = None,
                 validation_fraction: float = 0.1, time: str | None = None,
                 seed: int | None = None, verbose: int | str = 0) -> None:
        self.generator = generator
        self.window = window
        self.stride = stride
        self.epochs = epochs
        self.batch_size = batch_size
        self.hint_rate = hint_rate
        self.alpha = alpha
        self.units = units
        self.validation_fraction = validation_fraction
        self.time = time
        self.seed = seed
        self.verbose = verbose

    # ------------------------------------------------------------------ input --------
    def _check_params(self):
        if self.generator not in GENERATORS:
            raise ValueError(f"generator must be one of {GENERATORS}, got {self.generator!r}")
        for name in ("window", "epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.stride is not None and (not isinstance(self.stride, numbers.Integral)
                                        or not 1 <= self.stride <= self.window):
            raise ValueError(f"stride must be an integer in 1..window={self.window}, got "
                             f"{self.stride!r}")
        if not 0.0 < float(self.validation_fraction) < 1.0:
            raise ValueError(f"validation_fraction must be in (0, 1), got "
                             f"{self.validation_fraction!r}")
        check_seed(self.seed)

    def _frame(self, X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            return X
        arr = np.asarray(X)
        if arr.ndim != 2:
            raise ValueError(f"X must be a DataFrame or a 2-D array [rows, columns], got shape "
                             f"{arr.shape}")
        return pd.DataFrame(arr)

    def _split_columns(self, frame: pd.DataFrame):
        """(numeric series columns, passed-through columns)."""
        if self.time is not None and self.time not in frame.columns:
            raise ValueError(f"time={self.time!r} is not a column; columns: "
                             f"{list(frame.columns)}")
        numeric, other = [], []
        for col in frame.columns:
            dtype = frame[col].dtype
            if col != self.time and pd.api.types.is_numeric_dtype(dtype) \
                    and not pd.api.types.is_bool_dtype(dtype):
                numeric.append(col)
            else:
                other.append(col)
        return numeric, other

    def _values(self, frame: pd.DataFrame, columns) -> np.ndarray:
        """Numeric columns as float64 in the frame's row order, checked for inf."""
        values = frame[columns].to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.isinf(values)
        if bad.any():
            j = int(np.argmax(bad.any(axis=0)))
            raise ValueError(f"column {columns[j]!r} has {int(bad[:, j].sum())} infinite "
                             "value(s); replace them with NaN to have them imputed, or with "
                             "finite values")
        return values

    def _order(self, frame) -> np.ndarray:
        if self.time is None:
            return np.arange(len(frame))
        return np.argsort(frame[self.time].to_numpy(), kind="stable")

    # ------------------------------------------------------------------ fit ----------
    def fit(self, X: pd.DataFrame | ArrayLike, y: None = None) -> GANImputer:
        """Learn the scaling and train the GAN(s) on the observed entries of ``X``; ``y`` is
        ignored (scikit-learn's transformer API)."""
        del y
        self._check_params()
        frame = self._frame(X)
        numeric, other = self._split_columns(frame)
        if not numeric:
            raise ValueError("X has no numeric column to impute")
        if other:
            warnings.warn(f"columns passed through untouched (not numeric, or the time "
                          f"column): {other}", stacklevel=2)
        order = self._order(frame)
        values = self._values(frame, numeric)[order]
        n_rows = len(values)
        if self.window > n_rows:
            raise ValueError(f"window={self.window} is longer than the series ({n_rows} rows); "
                             f"use window <= {n_rows}")
        observed = ~np.isnan(values)
        empty = [c for c, ok in zip(numeric, observed.any(axis=0), strict=True) if not ok]
        if empty:
            raise ValueError(f"column(s) {empty} have no observed value: nothing to learn "
                             "them from; drop them or give some values")
        seed = draw_seed(self.seed)
        self.columns_ = list(frame.columns)
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = len(frame.columns)
        self.numeric_columns_ = numeric
        self.passthrough_columns_ = other
        self.min_ = np.nanmin(values, axis=0)
        span = np.nanmax(values, axis=0) - self.min_
        self.scale_ = np.where(span > 0, span, 1.0)
        scaled = np.where(observed, (values - self.min_) / self.scale_, 0.0)
        self.stride_ = self.stride or 1
        self.starts_ = _windows(n_rows, self.window, self.stride_)

        self.validation_rmse_ = {}
        self.validation_mask_ = None
        if self.generator == "auto":
            # a stream of its own: the same seed must not pick the entries a masking helper
            # with that seed hid (they would never be observed)
            rng = np.random.default_rng([seed, 7919])
            held = observed & (rng.random(observed.shape) < self.validation_fraction)
            if not held.any() or held.sum() == observed.sum():
                raise ValueError("too few observed entries to hold out for generator='auto'; "
                                 "choose generator='bilstm' or 'mlp'")
            for kind, stream in _CANDIDATE_STREAMS.items():
                model = self._train(kind, scaled, observed & ~held, seed, stream)
                filled = self._fill(model, np.where(held, 0.0, scaled), observed & ~held)
                self.validation_rmse_[kind] = float(np.sqrt(np.mean(
                    (filled[held] - scaled[held]) ** 2)))
            self.generator_ = min(self.validation_rmse_, key=self.validation_rmse_.get)
            self.validation_mask_ = np.empty_like(held)
            self.validation_mask_[order] = held  # rows back in X's order
        else:
            self.generator_ = self.generator
        self.model_ = self._train(self.generator_, scaled, observed, seed, _FINAL_STREAM)
        return self

    def _networks(self, kind: str, seeds: list[int]):
        from ..nn import (
            BiLSTMImputerDiscriminator,
            BiLSTMImputerGenerator,
            MLPImputerDiscriminator,
            MLPImputerGenerator,
        )

        g_seed, d_seed = seeds
        if kind == "bilstm":
            units = self.units or 64
            return (BiLSTMImputerGenerator(units, seed=g_seed),
                    BiLSTMImputerDiscriminator(max(8, units // 2), seed=d_seed))
        units = self.units or 128
        return MLPImputerGenerator(units, seed=g_seed), MLPImputerDiscriminator(units, seed=d_seed)

    def _train(self, kind: str, scaled: np.ndarray, mask: np.ndarray, seed: int, stream: int):
        """An ImputationGAN of ``kind`` trained on the windows of ``scaled`` where ``mask``
        (entries outside it are zeroed first, so they reach the model nowhere); its weights,
        noise and batch order seeded from ``(seed, stream)``."""
        from ..models import ImputationGAN

        g_seed, d_seed, noise_seed, order_seed = sub_seeds(seed, stream, 4)
        generator, discriminator = self._networks(kind, [g_seed, d_seed])
        model = ImputationGAN(generator, discriminator, hint_rate=self.hint_rate,
                              alpha=self.alpha, seed=noise_seed)
        idx = self.starts_[:, None] + np.arange(self.window)[None, :]
        windows = np.where(mask, scaled, 0.0)[idx].astype(np.float32)
        known = mask[idx].astype(np.float32)
        epochs, batch_size = int(self.epochs), int(self.batch_size)
        batches = shuffled_batches((windows, known), batch_size, epochs, order_seed).map(
            lambda values, observed: {"values": values, "mask": observed})
        model.fit(batches, epochs=epochs, steps_per_epoch=math.ceil(len(idx) / batch_size),
                  verbose=self.verbose)
        return model

    def _fill(self, model, scaled: np.ndarray, mask: np.ndarray, batch: int = 1024):
        """The model's values for every entry (scaled), overlapping windows averaged."""
        n_rows, n_cols = scaled.shape
        starts = _windows(n_rows, self.window, self.stride_)
        idx = starts[:, None] + np.arange(self.window)[None, :]
        total = np.zeros((n_rows, n_cols))
        count = np.zeros((n_rows, 1))
        for b in range(0, len(starts), batch):
            rows = idx[b:b + batch]
            out = model.impute_window(scaled[rows].astype(np.float32),
                                      mask[rows].astype(np.float32), seed=b).numpy()
            np.add.at(total, rows.ravel(), out.reshape(-1, n_cols))
            np.add.at(count, rows.ravel(), 1.0)
        return total / count

    # ------------------------------------------------------------------ transform ----
    def transform(self, X: pd.DataFrame | ArrayLike) -> pd.DataFrame | np.ndarray:
        """``X`` with its missing numeric entries filled; observed entries and passed-through
        columns are returned unchanged (same type, index and column order)."""
        if not hasattr(self, "model_"):
            raise NotFittedError("this GANImputer is not fitted yet: call fit(X) first")
        frame = self._frame(X)
        if list(frame.columns) != self.columns_:
            unseen = [c for c in frame.columns if c not in self.columns_]
            missing = [c for c in self.columns_ if c not in frame.columns]
            raise ValueError(f"X has other columns than at fit: unseen {unseen}, missing "
                             f"{missing}; transform needs the columns of fit, in order "
                             f"{self.columns_}")
        raw = self._values(frame, self.numeric_columns_)  # in the input's row order
        gaps_in = np.isnan(raw)
        if not gaps_in.any():
            warnings.warn("nothing is missing in X: returning an unchanged copy", stacklevel=2)
            return X.copy()
        if self.window > len(frame):
            raise ValueError(f"window={self.window} is longer than X ({len(frame)} rows); "
                             "transform needs at least one full window")
        order = self._order(frame)
        values, gaps = raw[order], gaps_in[order]
        scaled = np.where(gaps, 0.0, (values - self.min_) / self.scale_)
        filled = self._fill(self.model_, scaled, (~gaps).astype(np.float32))
        back = np.empty_like(filled)
        back[order] = filled * self.scale_ + self.min_  # rows back in the input's order
        if isinstance(X, pd.DataFrame):
            out = X.copy()
            for j, col in enumerate(self.numeric_columns_):
                if not gaps_in[:, j].any():
                    continue  # untouched, dtype included
                dtype = out[col].dtype
                # numpy float columns keep their dtype; nullable/int columns with gaps
                # become float64 (the filled values are not integers)
                keep = isinstance(dtype, np.dtype) and dtype.kind == "f"
                column = out[col].to_numpy(dtype=dtype if keep else np.float64,
                                           na_value=np.nan, copy=True)
                column[gaps_in[:, j]] = back[gaps_in[:, j], j]
                out[col] = column
            return out
        out = np.array(X, dtype=np.float64, copy=True)
        cols = [self.columns_.index(c) for c in self.numeric_columns_]
        for j, c in enumerate(cols):
            out[gaps_in[:, j], c] = back[gaps_in[:, j], j]
        return out
