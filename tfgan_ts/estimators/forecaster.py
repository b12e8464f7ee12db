"""``LSTMForecaster``: a small Keras LSTM that forecasts one feature from windows of the past.

The estimator cuts every sequence into overlapping windows — ``window`` past steps of all
features as input, the next ``horizon`` values of feature ``target`` as the answer — scales each
feature to [0, 1] with the min and max seen in ``fit`` and trains an LSTM on the windows with
early stopping. It is the downstream model of
:func:`tfgan_ts.evaluation.utility.forecast_utility` (train on synthetic, test on real), and a
plain forecaster in its own right. The accepted sequence layouts and the window cutting are in
:mod:`tfgan_ts.estimators.sequence_windows`.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence

import keras
import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.preprocessing import MinMaxScaler

from ..seeding import check_seed, draw_seed, glorot, orthogonal, shuffled_batches, sub_seeds
from .sequence_windows import as_sequences, check_target, cut_windows, is_int, report_skipped

__all__ = ["LSTMForecaster"]

# streams of the sub-seeds drawn from the estimator's seed (see seeding.sub_seeds)
_WEIGHTS_STREAM, _BATCH_ORDER_STREAM = 1, 2


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
        seed: seeds the validation split, the weight initializers and the batch order, each
            from its own sub-seed and without touching Python's, NumPy's or TensorFlow's
            global generators (as scikit-learn's ``random_state``). Same seed and data → the
            same model on one machine. None draws a seed from Python's global ``random``, as
            Keras does for unseeded layers.
        verbose: Keras' convention for ``fit``: ``"auto"`` (default) and 1 draw a progress bar
            per epoch, 2 prints one line per epoch, 0 is silent.

    Attributes:
        model_: the trained ``keras.Model`` (input ``[m, window, F]`` scaled, output
            ``[m, horizon]`` scaled); set by ``fit``, as all below.
        scaler_: the fitted ``MinMaxScaler`` over the ``F`` features.
        history_: ``dict`` of per-epoch losses (``loss``, and ``val_loss`` with validation).
        n_windows_: windows cut from the training data (training + validation).
        n_validation_windows_: of which held out for validation.
        n_sequences_: sequences given to ``fit``; ``n_skipped_``: of which too short.
        n_features_in_: number of features ``F``.
    """

    def __init__(
        self,
        window: int = 24,
        horizon: int = 1,
        target: int = 0,
        units: int = 32,
        layers: int = 1,
        epochs: int = 50,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        patience: int | None = 5,
        validation_split: float = 0.1,
        seed: int | None = None,
        verbose: int | str = "auto",
    ) -> None:
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
    def fit(self, X: ArrayLike | Sequence[ArrayLike],
            lengths: ArrayLike | None = None) -> LSTMForecaster:
        """Cut ``X`` into windows, fit the scaler on it and train the LSTM; returns self.

        Args:
            X: sequences — a list of ``[T_i, F]`` arrays, a NaN-padded ``[n, T, F]`` or
                ``[n, T]`` array, or such an array with any padding plus ``lengths``.
            lengths: valid steps of each row of an array ``X`` (steps from ``lengths[i]`` on
                are ignored); None: each row ends after its last step that is not all NaN.
        """
        self._check_params()
        seqs = as_sequences(X, lengths, "X")
        n_features = seqs[0].shape[1]
        check_target(self.target, n_features)
        used = [s for s in seqs if len(s) >= self.window + self.horizon]
        inputs, targets, n_skipped = cut_windows(seqs, self.window, self.horizon, self.target)
        report_skipped(n_skipped, len(seqs), self.window, self.horizon, "X", fitting=True)

        scaler = MinMaxScaler().fit(np.concatenate(used, axis=0))
        t = int(self.target)
        x = (inputs * scaler.scale_ + scaler.min_).astype(np.float32)
        y = (targets * scaler.scale_[t] + scaler.min_[t]).astype(np.float32)

        m = len(x)
        n_val = self._n_validation(m)
        seed = draw_seed(self.seed)
        order = np.random.default_rng(seed).permutation(m)
        val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])

        model = self._build(n_features, seed)
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
        epochs, batch_size = int(self.epochs), int(self.batch_size)
        (order_seed,) = sub_seeds(seed, _BATCH_ORDER_STREAM, 1)
        hist = model.fit(
            shuffled_batches((x[train_idx], y[train_idx]), batch_size, epochs, order_seed),
            steps_per_epoch=math.ceil(len(train_idx) / batch_size),
            validation_data=validation,
            epochs=epochs,
            shuffle=False,  # the batches above are shuffled already
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

    def predict(self, windows: ArrayLike) -> np.ndarray:
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

    def make_windows(self, X: ArrayLike | Sequence[ArrayLike],
                     lengths: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Raw-scale ``(inputs [m, window, F], targets [m, horizon])`` of ``X`` with this
        estimator's ``window``, ``horizon`` and ``target``.

        Windows run over every sequence in order (sequence 0's windows first, each shifted by
        one step); sequences shorter than ``window + horizon`` are skipped with a warning, and
        if all are, a ValueError is raised. ``X`` and ``lengths`` as in :meth:`fit`.
        """
        self._check_params()
        seqs = as_sequences(X, lengths, "X")
        check_target(self.target, seqs[0].shape[1])
        inputs, targets, n_skipped = cut_windows(seqs, self.window, self.horizon, self.target)
        report_skipped(n_skipped, len(seqs), self.window, self.horizon, "X", fitting=False)
        return inputs, targets

    def evaluate(self, X: ArrayLike | Sequence[ArrayLike],
                 lengths: ArrayLike | None = None) -> dict[str, float | int]:
        """Forecast every window of ``X`` and score on the raw scale.

        Returns ``{"mae", "rmse", "n_windows", "n_skipped"}``: mean absolute error and root
        mean squared error over all windows and horizon steps
        (``sklearn.metrics.mean_absolute_error`` / ``root_mean_squared_error``), the number of
        windows scored and of sequences too short to give one (skipped with a warning).
        ``X`` and ``lengths`` as in :meth:`fit`; the fitted window, horizon and target are used.
        """
        self._require_fitted("evaluate")
        seqs = as_sequences(X, lengths, "X")
        if seqs[0].shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {seqs[0].shape[1]} feature(s) but the forecaster was fitted on "
                f"{self.n_features_in_}; pass the same features in the same order"
            )
        cfg = self._fitted
        inputs, targets, n_skipped = cut_windows(
            seqs, cfg["window"], cfg["horizon"], cfg["target"]
        )
        report_skipped(n_skipped, len(seqs), cfg["window"], cfg["horizon"], "X", fitting=False)
        pred = self.predict(inputs)
        return {
            "mae": float(mean_absolute_error(targets.ravel(), pred.ravel())),
            "rmse": float(root_mean_squared_error(targets.ravel(), pred.ravel())),
            "n_windows": int(len(targets)),
            "n_skipped": int(n_skipped),
        }

    # ------------------------------------------------------------------ internals ----
    def _n_validation(self, m: int) -> int:
        """Windows held out for validation out of ``m`` (none when fewer than two)."""
        if self.validation_split <= 0:
            return 0
        if m < 2:
            warnings.warn(
                f"only {m} window in the training data: no validation windows can be held "
                "out, so early stopping watches the training loss; pass longer or more "
                "sequences, or validation_split=0 to silence this",
                UserWarning,
                stacklevel=3,
            )
            return 0
        return min(max(1, int(round(self.validation_split * m))), m - 1)

    def _build(self, n_features: int, seed: int) -> keras.Model:
        """The compiled network; every initializer (and the LSTMs' dropout generators) seeded
        from ``seed``, so building draws nothing from Keras's global generators."""
        n_layers = int(self.layers)
        seeds = iter(sub_seeds(seed, _WEIGHTS_STREAM, 3 * n_layers + 1))
        model = keras.Sequential(name="lstm_forecaster")
        model.add(keras.Input(shape=(int(self.window), n_features)))
        for i in range(n_layers):
            model.add(keras.layers.LSTM(
                int(self.units), return_sequences=i < n_layers - 1,
                kernel_initializer=glorot(next(seeds)),
                recurrent_initializer=orthogonal(next(seeds)), seed=next(seeds)))
        model.add(keras.layers.Dense(int(self.horizon), kernel_initializer=glorot(next(seeds))))
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
            if not is_int(value) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not is_int(self.target):
            raise ValueError(f"target must be a feature index (int), got {self.target!r}")
        if self.patience is not None and (not is_int(self.patience) or self.patience < 0):
            raise ValueError(
                f"patience must be a non-negative integer or None, got {self.patience!r}"
            )
        if not isinstance(self.learning_rate, numbers.Real) or not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be a positive number, got {self.learning_rate!r}")
        split = self.validation_split
        if not isinstance(split, numbers.Real) or not 0 <= split < 1:
            raise ValueError(f"validation_split must be in [0, 1), got {split!r}")
        check_seed(self.seed)
