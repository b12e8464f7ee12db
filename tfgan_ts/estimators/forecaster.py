"""``LSTMForecaster``: a small Keras LSTM that forecasts one feature from windows of the past.

The estimator cuts every sequence into overlapping windows — ``window`` past steps of all
features as input, the next ``horizon`` values of feature ``target`` as the answer — scales each
feature to [0, 1] with the min and max seen in ``fit`` and trains an LSTM on the windows with
early stopping. It is the downstream model of
:func:`tfgan_ts.evaluation.utility.forecast_utility` (train on synthetic, test on real), and a
plain forecaster in its own right.

Sequences can be given as

* a list of 2-D arrays ``[T_i, F]`` (variable lengths; 1-D arrays are one feature),
* a 3-D array ``[n, T, F]``, padded with NaN after each sequence's end or with ``lengths``,
* a 2-D array ``[n, T]`` (one feature), padded the same way — what
  :func:`tfgan_ts.evaluation.sequence_matrix` returns for one column of a long frame.

Windows never cross from one sequence into another nor into padding.
"""

from __future__ import annotations

import numbers
import warnings

import keras
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.preprocessing import MinMaxScaler

__all__ = ["LSTMForecaster"]


class LSTMForecaster(BaseEstimator):
    """Keras LSTM forecaster over windowed sequences, with a scikit-learn-like API.

    Every sequence of length ``L`` gives ``L - window - horizon + 1`` windows: inputs are
    ``window`` consecutive steps of all ``F`` features, targets are the ``horizon`` values of
    feature ``target`` that follow (``horizon=1``: the next step; ``horizon=k``: the next ``k``
    steps, forecast jointly). Sequences shorter than ``window + horizon`` give no window: they
    are skipped with a warning and counted in ``n_skipped_``; if every sequence is too short,
    ``fit`` raises.

    Each feature is min-max scaled to [0, 1] (``sklearn.preprocessing.MinMaxScaler``) with the
    values of the sequences used in ``fit`` — never with data passed to ``predict`` or
    ``evaluate`` — and forecasts are returned on the raw scale.

    Args:
        window: number of past steps the model sees.
        horizon: number of future steps of ``target`` forecast at once.
        target: index of the feature to forecast (``0 <= target < F``).
        units: LSTM units per layer.
        layers: number of stacked LSTM layers.
        epochs: maximum number of training epochs.
        batch_size: windows per gradient step.
        learning_rate: Adam learning rate.
        patience: epochs without improvement of the validation loss before training stops
            (``keras.callbacks.EarlyStopping``, best weights restored); None trains for all
            ``epochs`` (the weights of the last epoch are kept).
        validation_split: share of whole windows held out (seeded shuffle) to monitor; 0 uses
            no validation windows and early stopping then watches the training loss.
        seed: seeds the validation shuffle and, through ``keras.utils.set_random_seed`` at
            ``fit`` (which also seeds Python's and NumPy's global generators), weight
            initialisation and batch order. Same seed and data → the same model on one machine.
        verbose: Keras verbosity for ``fit``.

    Attributes (after ``fit``):
        model_: the trained ``keras.Model`` (input ``[m, window, F]`` scaled, output
            ``[m, horizon]`` scaled).
        scaler_: the fitted ``MinMaxScaler`` over the ``F`` features.
        history_: ``dict`` of per-epoch losses (``loss``, and ``val_loss`` with validation).
        n_windows_: windows cut from the training data (training + validation).
        n_validation_windows_: of which held out for validation.
        n_sequences_: sequences given to ``fit``; ``n_skipped_``: of which too short.
        n_features_in_: number of features ``F``.
    """

    def __init__(
        self,
        window=24,
        horizon=1,
        target=0,
        units=32,
        layers=1,
        epochs=50,
        batch_size=64,
        learning_rate=1e-3,
        patience=5,
        validation_split=0.1,
        seed=None,
        verbose=0,
    ):
        self.window = window
        self.horizon = horizon
        self.target = target
        self.units = units
        self.layers = layers
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_split = validation_split
        self.seed = seed
        self.verbose = verbose

    # ------------------------------------------------------------------ public -------
    def fit(self, X, lengths=None) -> LSTMForecaster:
        """Cut ``X`` into windows, fit the scaler on it and train the LSTM; returns self.

        Args:
            X: sequences — a list of ``[T_i, F]`` arrays, a NaN-padded ``[n, T, F]`` or
                ``[n, T]`` array, or such an array with any padding plus ``lengths``.
            lengths: valid steps of each row of an array ``X`` (steps from ``lengths[i]`` on
                are ignored); None: each row ends after its last step that is not all NaN.
        """
        self._check_params()
        seqs = _as_sequences(X, lengths, "X")
        n_features = seqs[0].shape[1]
        _check_target(self.target, n_features)
        used = [s for s in seqs if len(s) >= self.window + self.horizon]
        inputs, targets, n_skipped = self._windows(seqs, self.window, self.horizon, self.target)
        _report_skipped(n_skipped, len(seqs), self.window, self.horizon, "X", fitting=True)

        scaler = MinMaxScaler().fit(np.concatenate(used, axis=0))
        t = int(self.target)
        x = (inputs * scaler.scale_ + scaler.min_).astype(np.float32)
        y = (targets * scaler.scale_[t] + scaler.min_[t]).astype(np.float32)

        m = len(x)
        n_val = 0
        if self.validation_split > 0:
            if m < 2:
                warnings.warn(
                    f"only {m} window in the training data: no validation windows can be held "
                    "out, so early stopping watches the training loss; pass longer or more "
                    "sequences, or validation_split=0 to silence this",
                    UserWarning,
                    stacklevel=2,
                )
            else:
                n_val = min(max(1, int(round(self.validation_split * m))), m - 1)
        order = np.random.default_rng(self.seed).permutation(m)
        val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])

        if self.seed is not None:
            keras.utils.set_random_seed(int(self.seed))
        model = self._build(n_features)
        callbacks = []
        if self.patience is not None:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if n_val else "loss",
                    patience=int(self.patience),
                    restore_best_weights=True,
                )
            )
        validation = (x[val_idx], y[val_idx]) if n_val else None
        hist = model.fit(
            x[train_idx],
            y[train_idx],
            validation_data=validation,
            epochs=int(self.epochs),
            batch_size=int(self.batch_size),
            shuffle=True,
            callbacks=callbacks,
            verbose=self.verbose,
        )
        self.model_ = model
        self.scaler_ = scaler
        self.history_ = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
        self.n_windows_ = int(m)
        self.n_validation_windows_ = int(n_val)
        self.n_sequences_ = len(seqs)
        self.n_skipped_ = int(n_skipped)
        self.n_features_in_ = int(n_features)
        self._fitted = {"window": int(self.window), "horizon": int(self.horizon), "target": t}
        return self

    def predict(self, windows) -> np.ndarray:
        """Forecast from raw-scale windows ``[m, window, F]`` (``[m, window]`` when F = 1);
        returns the raw-scale forecasts ``[m, horizon]`` of the target feature."""
        self._require_fitted("predict")
        window = self._fitted["window"]
        x = np.asarray(windows, dtype=np.float64)
        if x.ndim == 2 and self.n_features_in_ == 1:
            x = x[:, :, None]
        if x.ndim != 3 or x.shape[1:] != (window, self.n_features_in_):
            raise ValueError(
                f"predict expects windows of shape [m, {window}, {self.n_features_in_}] (window, "
                f"features as fitted), got {x.shape}; cut them with make_windows"
            )
        if not np.isfinite(x).all():
            bad = np.argwhere(~np.isfinite(x))[0]
            raise ValueError(
                f"predict: {int((~np.isfinite(x)).sum())} NaN/infinite value(s) in the windows "
                f"(first at window {bad[0]}, step {bad[1]}, feature {bad[2]}); fill gaps first"
            )
        horizon, t = self._fitted["horizon"], self._fitted["target"]
        if len(x) == 0:
            return np.zeros((0, horizon))
        scaled = (x * self.scaler_.scale_ + self.scaler_.min_).astype(np.float32)
        out = self.model_.predict(scaled, batch_size=max(int(self.batch_size), 256), verbose=0)
        out = np.asarray(out, dtype=np.float64).reshape(len(x), horizon)
        return (out - self.scaler_.min_[t]) / self.scaler_.scale_[t]

    def make_windows(self, X, lengths=None) -> tuple[np.ndarray, np.ndarray]:
        """Raw-scale ``(inputs [m, window, F], targets [m, horizon])`` of ``X`` with this
        estimator's ``window``, ``horizon`` and ``target``.

        Windows run over every sequence in order (sequence 0's windows first, each shifted by
        one step); sequences shorter than ``window + horizon`` are skipped with a warning, and
        if all are, a ValueError is raised. ``X`` and ``lengths`` as in :meth:`fit`.
        """
        self._check_params()
        seqs = _as_sequences(X, lengths, "X")
        _check_target(self.target, seqs[0].shape[1])
        inputs, targets, n_skipped = self._windows(seqs, self.window, self.horizon, self.target)
        _report_skipped(n_skipped, len(seqs), self.window, self.horizon, "X", fitting=False)
        return inputs, targets

    def evaluate(self, X, lengths=None) -> dict:
        """Forecast every window of ``X`` and score on the raw scale.

        Returns ``{"mae", "rmse", "n_windows", "n_skipped"}``: mean absolute error and root
        mean squared error over all windows and horizon steps
        (``sklearn.metrics.mean_absolute_error`` / ``root_mean_squared_error``), the number of
        windows scored and of sequences too short to give one (skipped with a warning).
        ``X`` and ``lengths`` as in :meth:`fit`; the fitted window, horizon and target are used.
        """
        self._require_fitted("evaluate")
        seqs = _as_sequences(X, lengths, "X")
        if seqs[0].shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {seqs[0].shape[1]} feature(s) but the forecaster was fitted on "
                f"{self.n_features_in_}; pass the same features in the same order"
            )
        cfg = self._fitted
        inputs, targets, n_skipped = self._windows(
            seqs, cfg["window"], cfg["horizon"], cfg["target"]
        )
        _report_skipped(n_skipped, len(seqs), cfg["window"], cfg["horizon"], "X", fitting=False)
        pred = self.predict(inputs)
        return {
            "mae": float(mean_absolute_error(targets.ravel(), pred.ravel())),
            "rmse": float(root_mean_squared_error(targets.ravel(), pred.ravel())),
            "n_windows": int(len(targets)),
            "n_skipped": int(n_skipped),
        }

    # ------------------------------------------------------------------ internals ----
    @staticmethod
    def _windows(seqs, window, horizon, target):
        """Stack the windows of every sequence; returns inputs, targets and the number of
        sequences too short to give a window."""
        span = window + horizon
        n_features = seqs[0].shape[1]
        inputs, targets, skipped = [], [], 0
        for s in seqs:
            if len(s) < span:
                skipped += 1
                continue
            # [L - span + 1, F, span] -> [L - span + 1, span, F]
            w = np.lib.stride_tricks.sliding_window_view(s, span, axis=0).transpose(0, 2, 1)
            inputs.append(w[:, :window, :])
            targets.append(w[:, window:, target])
        if not inputs:
            return np.zeros((0, window, n_features)), np.zeros((0, horizon)), skipped
        return np.concatenate(inputs), np.concatenate(targets), skipped

    def _build(self, n_features: int) -> keras.Model:
        model = keras.Sequential(name="lstm_forecaster")
        model.add(keras.Input(shape=(int(self.window), n_features)))
        for i in range(int(self.layers)):
            last = i == int(self.layers) - 1
            model.add(keras.layers.LSTM(int(self.units), return_sequences=not last))
        model.add(keras.layers.Dense(int(self.horizon)))
        model.compile(optimizer=keras.optimizers.Adam(float(self.learning_rate)), loss="mse")
        return model

    def _require_fitted(self, what: str):
        if not hasattr(self, "model_"):
            raise NotFittedError(
                f"this LSTMForecaster is not fitted yet: call fit(X) before {what}"
            )

    def _check_params(self):
        ints = {
            "window": self.window,
            "horizon": self.horizon,
            "units": self.units,
            "layers": self.layers,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
        }
        for name, value in ints.items():
            if not _is_int(value) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not _is_int(self.target):
            raise ValueError(f"target must be a feature index (int), got {self.target!r}")
        if self.patience is not None and (not _is_int(self.patience) or self.patience < 0):
            raise ValueError(
                f"patience must be a non-negative integer or None, got {self.patience!r}"
            )
        if not isinstance(self.learning_rate, numbers.Real) or not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be a positive number, got {self.learning_rate!r}")
        split = self.validation_split
        if not isinstance(split, numbers.Real) or not 0 <= split < 1:
            raise ValueError(f"validation_split must be in [0, 1), got {split!r}")
        if self.seed is not None and not _is_int(self.seed):
            raise ValueError(f"seed must be an integer or None, got {self.seed!r}")


# --------------------------------------------------------------------------- helpers


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_target(target, n_features: int):
    if not 0 <= target < n_features:
        raise ValueError(
            f"target={target} is out of range: the data have {n_features} feature(s), so "
            f"target must be in 0..{n_features - 1}"
        )


def _report_skipped(n_skipped, n_seqs, window, horizon, name, fitting):
    span = window + horizon
    if n_skipped == n_seqs:
        raise ValueError(
            f"{name}: all {n_seqs} sequence(s) are shorter than window + horizon = "
            f"{window} + {horizon} = {span} steps, so no window can be cut; use a smaller "
            "window/horizon or longer sequences"
        )
    if n_skipped:
        where = " (counted in n_skipped_)" if fitting else ""
        warnings.warn(
            f"{name}: {n_skipped} of {n_seqs} sequence(s) are shorter than window + horizon = "
            f"{span} steps and were skipped{where}",
            UserWarning,
            stacklevel=3,
        )


def _as_sequences(X, lengths, name: str) -> list[np.ndarray]:
    """``X`` as a list of float64 ``[L_i, F]`` arrays without padding; NaN/inf inside a
    sequence raise."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        raise ValueError(
            f"{name} is a pandas {type(X).__name__}; pass arrays — for a long-format frame use "
            "tg.evaluation.sequence_matrix(df, spec, column) per feature and np.stack(..., "
            "axis=-1), or tg.evaluation.utility.forecast_utility"
        )
    if isinstance(X, (list, tuple)):
        if lengths is not None:
            raise ValueError(
                "lengths applies to a padded array X; a list of sequences carries its own "
                "lengths — drop lengths= or trim the sequences"
            )
        if len(X) == 0:
            raise ValueError(f"{name} is an empty list; pass at least one sequence")
        rows = []
        for i, s in enumerate(X):
            try:
                a = np.asarray(s, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{name}: sequence {i} cannot be read as a numeric array"
                ) from None
            if a.ndim == 1:
                a = a[:, None]
            if a.ndim != 2:
                raise ValueError(
                    f"{name}: sequence {i} has shape {a.shape}; each sequence must be "
                    "[T_i, F] (or 1-D for a single feature)"
                )
            rows.append(a)
        widths = sorted({a.shape[1] for a in rows})
        if len(widths) > 1:
            raise ValueError(
                f"{name}: sequences have different numbers of features {widths}; every "
                "sequence needs the same features in the same order"
            )
        return [_trim(a, i, None, name) for i, a in enumerate(rows)]

    try:
        x = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} cannot be read as a numeric array; pass a list of [T_i, F] arrays for "
            "sequences of different lengths"
        ) from None
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3:
        raise ValueError(
            f"{name} has shape {x.shape}; expected [n, T, F], [n, T] (one feature) or a list "
            "of [T_i, F] arrays"
        )
    if x.shape[0] == 0:
        raise ValueError(f"{name} holds no sequence (shape {x.shape})")
    if x.shape[2] == 0:
        raise ValueError(f"{name} has no feature (shape {x.shape})")
    if lengths is not None:
        lengths = np.asarray(lengths)
        if lengths.shape != (x.shape[0],):
            raise ValueError(
                f"lengths has shape {lengths.shape} but {name} has {x.shape[0]} sequence(s); "
                "pass one length per sequence"
            )
        if not np.issubdtype(lengths.dtype, np.integer):
            if not np.all(np.isfinite(lengths)) or not np.all(lengths == np.round(lengths)):
                raise ValueError("lengths must be whole numbers of steps")
            lengths = lengths.astype(np.int64)
        if lengths.min() < 0 or lengths.max() > x.shape[1]:
            raise ValueError(
                f"lengths must be in 0..{x.shape[1]} (the padded width of {name}), got "
                f"{int(lengths.min())}..{int(lengths.max())}"
            )
        return [_trim(x[i], i, int(lengths[i]), name) for i in range(x.shape[0])]
    return [_trim(x[i], i, None, name) for i in range(x.shape[0])]


def _trim(a: np.ndarray, i: int, length: int | None, name: str) -> np.ndarray:
    """Cut sequence ``i`` at ``length`` (or after its last step that is not all NaN) and check
    that what remains is finite."""
    if length is None:
        present = ~np.isnan(a).all(axis=1)
        length = int(np.flatnonzero(present)[-1]) + 1 if present.any() else 0
    s = a[:length]
    bad = ~np.isfinite(s)
    if bad.any():
        step, feature = (int(v) for v in np.argwhere(bad)[0])
        kind = "an infinite value" if np.isinf(s[step, feature]) else "NaN"
        raise ValueError(
            f"{name}: sequence {i} has {kind} at step {step} (feature {feature}) before its end "
            f"at step {length} ({int(bad.sum())} such value(s)); only trailing padding may be "
            "NaN — fill the gap (interpolate or impute) or split the sequence there"
        )
    return s
