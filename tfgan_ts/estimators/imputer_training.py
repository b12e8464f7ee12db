"""One scaled series with gaps → training batches, fills and validation for
:class:`tfgan_ts.GANImputer`.

Every batch comes from a fresh draw of artificial gaps shaped like the user's
(:class:`tfgan_ts.gap_context.GapSampler`): the interpolation and distances are recomputed
over the *whole* series with those entries hidden, so a window's prior is exactly what it
would be at transform time for a gap of that shape, however far the gap reaches.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from ..gap_context import GapSampler, gap_context

# batches cut from one draw of artificial gaps before the next draw
_BATCHES_PER_DRAW = 4


def window_starts(n_rows: int, window: int, stride: int) -> np.ndarray:
    """Start rows of overlapping windows covering every row (the last one ends at the end)."""
    starts = list(range(0, n_rows - window + 1, stride))
    if starts[-1] != n_rows - window:
        starts.append(n_rows - window)
    return np.asarray(starts)


class SeriesWindows:
    """Windows of one series ``scaled`` ``[rows, columns]`` (values in [0, 1] where
    ``observed``)."""

    def __init__(self, scaled: np.ndarray, observed: np.ndarray, window: int):
        self.scaled = np.where(observed, scaled, 0.0)
        self.observed = observed
        self.window = int(window)
        # distances d become d / (d + scale): a gap as long as a quarter window is halfway
        self.scale = max(1.0, self.window / 4)

    def step_scales(self) -> list[float]:
        """Per column, the standard deviation of the change between consecutive observed
        rows (the generators' unit), at least 1e-3."""
        ok = self.observed[1:] & self.observed[:-1]
        change = np.diff(self.scaled, axis=0)
        return [float(max(change[ok[:, j], j].std(), 1e-3)) if ok[:, j].any() else 1.0
                for j in range(self.scaled.shape[1])]

    def context(self, known: np.ndarray):
        """(prior, distances) over the whole series when only ``known`` entries are read."""
        return gap_context(self.scaled, known, self.scale)

    def batches(self, known: np.ndarray, sampler: GapSampler, batch_size: int, seed: int):
        """An endless ``tf.data.Dataset`` of training batches (dicts, see
        :mod:`tfgan_ts.models.imputation`) from the ``known`` entries; seeded by ``seed``."""
        rows, cols = self.scaled.shape
        w, b = self.window, int(batch_size)
        values = np.where(known, self.scaled, 0.0).astype(np.float32)  # nothing else read
        observed = known.astype(np.float32)

        def draws():
            rng = np.random.default_rng([int(seed), 17])
            while True:
                mask = known & ~sampler.draw(known, rng)
                prior, distances = self.context(mask)
                prior, distances = prior.astype(np.float32), distances.astype(np.float32)
                mask = mask.astype(np.float32)
                for _ in range(_BATCHES_PER_DRAW):
                    idx = rng.integers(0, rows - w + 1, size=b)[:, None] + np.arange(w)
                    yield {"values": values[idx], "observed": observed[idx], "mask": mask[idx],
                           "prior": prior[idx], "distances": distances[idx]}

        spec = tf.TensorSpec((b, w, cols), tf.float32)
        signature = {"values": spec, "observed": spec, "mask": spec, "prior": spec,
                     "distances": tf.TensorSpec((b, w, 2 * cols), tf.float32)}
        return tf.data.Dataset.from_generator(draws, output_signature=signature).prefetch(2)

    def fill(self, model, known: np.ndarray, batch: int = 512) -> np.ndarray:
        """The model's estimate for every entry (scaled) when ``known`` entries are read;
        windows every half window, overlapping corrections averaged and added to the float64
        interpolation (so an untrained generator gives interpolation exactly). A correction
        never takes a fill out of the range observed at fit, [0, 1] (interpolation itself
        can leave it only on data with values outside that range; it is left as it is)."""
        prior64, distances = self.context(known)
        prior = prior64.astype(np.float32)
        rows, cols = self.scaled.shape
        starts = window_starts(rows, self.window, max(1, self.window // 2))
        idx = starts[:, None] + np.arange(self.window)[None, :]
        total = np.zeros((rows, cols))
        count = np.zeros((rows, 1))
        mask = known.astype(np.float32)
        for i in range(0, len(starts), batch):
            rows_i = idx[i:i + batch]
            out = model.estimate(prior[rows_i], mask[rows_i], distances[rows_i]).numpy()
            np.add.at(total, rows_i.ravel(), (out - prior[rows_i]).reshape(-1, cols))
            np.add.at(count, rows_i.ravel(), 1.0)
        filled = prior64 + total / count
        return np.clip(filled, np.minimum(prior64, 0.0), np.maximum(prior64, 1.0))


class KeepBest(keras.callbacks.Callback):
    """After every epoch (a block of steps), score the generator on the held-out entries; keep
    the best weights, stop after ``patience`` epochs without improvement or when
    ``max_seconds`` have passed, and restore the best weights at the end. The score before
    training (the untrained generator: linear interpolation) counts, so training can only
    improve on interpolation as measured on the held-out entries."""

    def __init__(self, windows: SeriesWindows, known: np.ndarray, held: np.ndarray,
                 patience: int, max_seconds: float | None = None):
        super().__init__()
        self.windows, self.known, self.held = windows, known, held
        self.patience = int(patience)
        self.max_seconds = max_seconds
        self.history: list[float] = []
        self.steps = 0

    def score(self) -> float:
        filled = self.windows.fill(self.model, self.known)
        truth = self.windows.scaled
        return float(np.sqrt(np.mean((filled[self.held] - truth[self.held]) ** 2)))

    def on_train_begin(self, logs=None):  # noqa: ARG002  (Keras' signature)
        self.started = time.perf_counter()
        self.best = self.score()
        self.history = [self.best]
        self.best_epoch = 0
        self.best_weights = self.model.generator.get_weights()

    def on_train_batch_end(self, batch, logs=None):  # noqa: ARG002
        self.steps += 1

    def on_epoch_end(self, epoch, logs=None):
        rmse = self.score()
        self.history.append(rmse)
        if logs is not None:
            logs["val_rmse"] = rmse
        if rmse < self.best:
            self.best, self.best_epoch = rmse, epoch + 1
            self.best_weights = self.model.generator.get_weights()
        stale = epoch + 1 - self.best_epoch >= self.patience
        late = (self.max_seconds is not None
                and time.perf_counter() - self.started > self.max_seconds)
        if stale or late:
            self.model.stop_training = True

    def on_train_end(self, logs=None):  # noqa: ARG002
        self.model.generator.set_weights(self.best_weights)
