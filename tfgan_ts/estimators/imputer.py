"""``GANImputer``: fill gaps of a multivariate series with a GAN that corrects linear
interpolation, scikit-learn style.

Rows are time steps (in order, or ordered by ``time``), numeric columns are the series. Each
column is scaled to [0, 1] with its observed minimum and maximum. The generator reads, around
every gap, each column's linear interpolation and the steps since / until its nearest
observation, and learns a correction (a residual: untrained, it *is* interpolation) by filling
observed entries hidden in gaps shaped like the user's own, against a GAIN discriminator.
Training stops early on held-out observed entries, and keeps the best weights — so on those
entries it never does worse than interpolation. Only the missing entries are written:
observed values come back bit-identical.
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

from ..gap_context import GapSampler
from ..seeding import check_seed, draw_seed, sub_seeds
from .imputer_training import KeepBest, SeriesWindows

GENERATORS = ("bilstm", "mlp", "auto")
# sub-seed streams per generator kind, so "auto" ending on "mlp" is exactly generator="mlp"
_STREAMS = {"bilstm": 1, "mlp": 2}
_VALIDATION_STREAM = 7919
_MAX_STEPS = {"bilstm": 1500, "mlp": 3000}
_NOTHING_MISSING = "nothing is missing in X: returning an unchanged copy"


def auto_window(sampler: GapSampler, n_rows: int) -> int:
    """Rows per window from the gaps seen: twice the length of the gap 90% of the missing
    entries sit in, a multiple of 8 in 24..64, never more than the series. (On Beijing
    PM2.5 with day-long outages, 64 rows did as well as 96 at two thirds of the cost.)"""
    window = 8 * math.ceil(2 * sampler.quantile_length(0.9) / 8)
    return int(min(max(window, 24), 64, n_rows))


class GANImputer(TransformerMixin, BaseEstimator):
    """GAN imputation of a multivariate series that starts from linear interpolation.

    Args:
        generator: ``"bilstm"`` (BRITS-style bidirectional LSTM over every step of the window),
            ``"mlp"`` (an MLP across all columns of the whole window) or ``"auto"``: train
            both and keep the one with the lower RMSE on the held-out entries.
        window: rows per window; None chooses it from the gaps seen (:func:`auto_window`:
            24 for scattered gaps, up to 64 for outages of a day or more).
        max_steps: training steps of each generator at most (batches of ``batch_size``
            windows; rounded up to whole blocks of ``validation_every``); None: 1,500 for
            bilstm, 3,000 for mlp (a step of the MLP costs about a third of one of the LSTM).
        validation_every: steps between two scores on the held-out entries (one Keras
            "epoch").
        patience: stop after this many scores without improvement; the best weights are kept.
        batch_size: windows per training step.
        hide_rate: share of the observed entries hidden (in gaps shaped like the user's) for
            each training batch; they are the targets the generator learns to fill.
        hint_rate: GAIN's hint rate (0.9).
        alpha: weight of the squared error against GAIN's adversarial loss. 1,000: the
            targets here are corrections of a few percent of a column's range, so their
            squared error is ~100× smaller than in GAIN, whose α is 100; 1,000 keeps the two
            terms in about GAIN's balance (on Beijing PM2.5 blocks it also measured better
            than 100, see benchmarks/RESULTS.md).
        units: width of the generator (default 32 for bilstm, 128 for mlp).
        validation_fraction: share of the observed entries held out (in gaps shaped like the
            user's) to stop training and to choose the generator; they are never training
            targets, and are read as observed again by ``transform``.
        max_seconds: stop training a generator after this many seconds (None: no limit).
        time: a column to order the rows by (passed through untouched); default: row order.
        seed: seeds the networks' initial weights, the GAN's hints, the artificial gaps and
            the held-out entries, each from its own sub-seed and without touching Python's,
            NumPy's or TensorFlow's global generators; the same seed and data give the same
            fills. None draws a seed from Python's global ``random``, as Keras does.
        verbose: Keras' convention: ``"auto"`` (default) and 1 draw a progress bar per block
            of ``validation_every`` steps, 2 prints one line per block, 0 is silent; with the
            held-out RMSE of each block as ``val_rmse`` and one line naming the generator
            being trained.

    Attributes:
        generator_: the kind kept (set by ``fit``, as all below); model_: its
            :class:`tfgan_ts.ImputationGAN`; window_: rows per window.
        validation_rmse_: scaled RMSE on the held-out entries of each trained kind and of
            ``"interpolation"`` (the untrained generator).
        validation_mask_: bool ``[rows, numeric columns]`` in ``X``'s row order, True for the
            held-out entries.
        history_: per kind, the held-out RMSE before training and after every block (entry
            i after i × ``validation_every`` steps).
        steps_: per kind, the training steps run.
        numeric_columns_: the columns imputed; passthrough_columns_: those left untouched.
        min_: observed minimum per numeric column; scale_: observed range (1 if constant).
    """

    def __init__(self, generator: str = "auto", window: int | None = None,
                 max_steps: int | None = None, validation_every: int = 100,
                 patience: int = 6, batch_size: int = 64, hide_rate: float = 0.2,
                 hint_rate: float = 0.9, alpha: float = 1000.0, units: int | None = None,
                 validation_fraction: float = 0.1, max_seconds: float | None = None,
                 time: str | None = None, seed: int | None = None,
                 verbose: int | str = "auto") -> None:
        self.generator = generator
        self.window = window
        self.max_steps = max_steps
        self.validation_every = validation_every
        self.patience = patience
        self.batch_size = batch_size
        self.hide_rate = hide_rate
        self.hint_rate = hint_rate
        self.alpha = alpha
        self.units = units
        self.validation_fraction = validation_fraction
        self.max_seconds = max_seconds
        self.time = time
        self.seed = seed
        self.verbose = verbose

    # ------------------------------------------------------------------ input --------
    def _check_params(self):
        if self.generator not in GENERATORS:
            raise ValueError(f"generator must be one of {GENERATORS}, got {self.generator!r}")
        for name in ("window", "max_steps", "units"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, numbers.Integral) or value < 1):
                raise ValueError(f"{name} must be a positive integer or None, got {value!r}")
        for name in ("validation_every", "patience", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        for name in ("validation_fraction", "hide_rate"):
            if not 0.0 < float(getattr(self, name)) < 1.0:
                raise ValueError(f"{name} must be in (0, 1), got {getattr(self, name)!r}")
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
        observed = ~np.isnan(values)
        empty = [c for c, ok in zip(numeric, observed.any(axis=0), strict=True) if not ok]
        if empty:
            raise ValueError(f"column(s) {empty} have no observed value: nothing to learn "
                             "them from; drop them or give some values")
        sampler = GapSampler(~observed, self.hide_rate)
        window = self.window or auto_window(sampler, n_rows)
        if window > n_rows:
            raise ValueError(f"window={window} is longer than the series ({n_rows} rows); "
                             f"use window <= {n_rows}")
        seed = draw_seed(self.seed)
        self.columns_ = list(frame.columns)
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = len(frame.columns)
        self.numeric_columns_ = numeric
        self.passthrough_columns_ = other
        self.min_ = np.nanmin(values, axis=0)
        span = np.nanmax(values, axis=0) - self.min_
        self.scale_ = np.where(span > 0, span, 1.0)
        self.window_ = int(window)
        scaled = np.where(observed, (values - self.min_) / self.scale_, 0.0)
        windows = SeriesWindows(scaled, observed, self.window_)

        # held-out entries in gaps shaped like the user's: they stop training and pick "auto"
        held = sampler.draw(observed, np.random.default_rng([seed, _VALIDATION_STREAM]),
                            rate=float(self.validation_fraction))
        known = observed & ~held
        if not held.any() or not known.any(axis=0).all():
            raise ValueError("too few observed entries to hold some out for validation; give "
                             "a longer series or lower validation_fraction")
        kinds = list(_STREAMS) if self.generator == "auto" else [self.generator]
        self.validation_rmse_, self.history_, self.steps_, models = {}, {}, {}, {}
        for kind in kinds:
            models[kind], keep = self._train(kind, windows, known, held, sampler, seed)
            self.validation_rmse_[kind] = keep.best
            self.history_[kind] = keep.history
            self.steps_[kind] = keep.steps
        self.validation_rmse_["interpolation"] = keep.history[0]
        self.generator_ = min(kinds, key=self.validation_rmse_.get)
        self.model_ = models[self.generator_]
        self.validation_mask_ = np.empty_like(held)
        self.validation_mask_[order] = held  # rows back in X's order
        return self

    def _networks(self, kind: str, scales: list[float], seeds: list[int]):
        from ..nn import BiLSTMImputerGenerator, MLPImputerDiscriminator, MLPImputerGenerator

        g_seed, d_seed = seeds
        if kind == "bilstm":
            generator = BiLSTMImputerGenerator(self.units or 32, scales=scales, seed=g_seed)
        else:
            generator = MLPImputerGenerator(self.units or 128, scales=scales, seed=g_seed)
        return generator, MLPImputerDiscriminator(64, seed=d_seed)

    def _train(self, kind: str, windows: SeriesWindows, known: np.ndarray, held: np.ndarray,
               sampler: GapSampler, seed: int):
        """An ImputationGAN of ``kind`` trained to fill ``known`` entries hidden by
        ``sampler``, scored on ``held`` every ``validation_every`` steps (its weights, hints
        and batches seeded from ``seed`` and the kind's own stream)."""
        from ..models import ImputationGAN

        g_seed, d_seed, hint_seed, batch_seed = sub_seeds(seed, _STREAMS[kind], 4)
        generator, discriminator = self._networks(kind, windows.step_scales(), [g_seed, d_seed])
        model = ImputationGAN(generator, discriminator, hint_rate=self.hint_rate,
                              alpha=self.alpha, seed=hint_seed)
        keep = KeepBest(windows, known, held, self.patience, self.max_seconds)
        max_steps = self.max_steps or _MAX_STEPS[kind]
        block = min(self.validation_every, max_steps)
        if self.verbose:
            print(f"GANImputer: training the {kind} generator (window {self.window_}, at most "
                  f"{max_steps} steps; held-out RMSE scored every {block} steps as val_rmse, "
                  f"stop after {self.patience} scores without improvement)", flush=True)
        model.fit(windows.batches(known, sampler, self.batch_size, batch_seed),
                  epochs=math.ceil(max_steps / block), steps_per_epoch=block, callbacks=[keep],
                  verbose=self.verbose)
        return model, keep

    def fit_transform(self, X: pd.DataFrame | ArrayLike, y: None = None, **fit_params):
        """``fit(X).transform(X)``, except when nothing is missing in ``X``: then an unchanged
        copy comes back at once, with a warning, and nothing is trained (call ``fit`` to train
        on complete data for use on other data)."""
        frame = self._frame(X)
        numeric, _ = self._split_columns(frame)
        if numeric and not np.isnan(self._values(frame, numeric)).any():
            warnings.warn(_NOTHING_MISSING + " (no model was trained)", stacklevel=2)
            return X.copy()
        return super().fit_transform(X, y, **fit_params)

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
            warnings.warn(_NOTHING_MISSING, stacklevel=2)
            return X.copy()
        if self.window_ > len(frame):
            raise ValueError(f"window={self.window_} is longer than X ({len(frame)} rows); "
                             "transform needs at least one full window")
        order = self._order(frame)
        values, gaps = raw[order], gaps_in[order]
        scaled = np.where(gaps, 0.0, (values - self.min_) / self.scale_)
        filled = SeriesWindows(scaled, ~gaps, self.window_).fill(self.model_, ~gaps)
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
