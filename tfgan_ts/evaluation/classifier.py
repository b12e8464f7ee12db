"""The GRU classifier behind :func:`~tfgan_ts.evaluation.discriminative_score`, seeded locally.

One network is built, compiled and traced once per score; every repeat starts it afresh
(new seeded weights, the optimizer back to its initial state), which trains exactly as a new
network would without tracing and compiling the same graph again. Each repeat trains until
its validation loss stops improving (early stopping) and keeps its best epoch's weights.
Imports TensorFlow.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from ..seeding import shuffled_batches, sub_seeds

__all__ = ["SequenceClassifier"]

_PREDICT_CHUNK = 1024


class SequenceClassifier:
    """``GRU(units) -> Dense(1, sigmoid)`` over ``[n, steps, width]`` inputs (with a step mask
    when ``masked``), Adam on binary cross-entropy, float32 whatever the global dtype policy.

    Args:
        steps, width: the input's steps and values per step.
        units: GRU width.
        learning_rate: Adam's step size.
        masked: whether the network takes a ``[n, steps]`` mask of valid steps.
        seed: the score's seed; each repeat's weights and batch order are drawn from it.
        steps_per_epoch: batches of one epoch, all run in one call into TensorFlow.
    """

    def __init__(self, steps: int, width: int, units: int, learning_rate: float,
                 masked: bool, seed: int, steps_per_epoch: int) -> None:
        self.steps, self.width, self.units = int(steps), int(width), int(units)
        self.masked, self.seed = bool(masked), int(seed)
        self.model = self._network(repeat=0)
        # XLA fuses the GRU's per-step operations (about 2.5x faster per epoch on a CPU); one
        # call per epoch saves Keras' per-batch overhead. Neither changes the batches or math.
        self.model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                           loss="binary_crossentropy", jit_compile=True,
                           steps_per_execution=int(steps_per_epoch))
        self.model.optimizer.build(self.model.trainable_variables)
        self._initial_optimizer = [v.numpy() for v in self.model.optimizer.variables]
        specs = [tf.TensorSpec([None, self.steps, self.width], tf.float32)]
        if self.masked:
            specs.append(tf.TensorSpec([None, self.steps], tf.bool))
        self._forward = tf.function(self._probabilities, input_signature=specs)

    def _network(self, repeat: int) -> keras.Model:
        """A new network whose weights are drawn from this repeat's sub-seeds."""
        gru_seed, recurrent_seed, dense_seed, dropout_seed = sub_seeds(self.seed, 2 * repeat, 4)
        x = keras.Input(shape=(self.steps, self.width), name="steps")
        inputs = [x]
        mask = None
        if self.masked:
            mask = keras.Input(shape=(self.steps,), dtype="bool", name="mask")
            inputs.append(mask)
        h = keras.layers.GRU(
            self.units, dtype="float32",
            kernel_initializer=keras.initializers.GlorotUniform(seed=gru_seed),
            recurrent_initializer=keras.initializers.Orthogonal(seed=recurrent_seed),
            seed=dropout_seed,  # no dropout, but an unseeded layer draws from Python's random
        )(x, mask=mask)
        out = keras.layers.Dense(
            1, activation="sigmoid", dtype="float32",
            kernel_initializer=keras.initializers.GlorotUniform(seed=dense_seed),
        )(h)
        return keras.Model(inputs, out)

    def _probabilities(self, *inputs):
        return self.model(self._structure(inputs), training=False)[:, 0]

    def _structure(self, inputs: tuple):
        """The network's inputs as it was built: one tensor, or ``(steps, mask)``."""
        return tuple(inputs) if self.masked else inputs[0]

    def _inputs(self, x: np.ndarray, mask: np.ndarray) -> tuple:
        return (x, mask) if self.masked else (x,)

    def train(self, repeat: int, fit: tuple[np.ndarray, ...], validation: tuple[np.ndarray, ...],
              epochs: int, batch_size: int, patience: int) -> int:
        """Start afresh (repeat's weights, initial optimizer state) and fit shuffled batches of
        ``fit`` (``(x, mask, y)``, the order drawn from the repeat's sub-seed) for at most
        ``epochs`` epochs, stopping once the loss on ``validation`` (same form) has not improved
        for ``patience`` epochs; the weights of the epoch with the lowest validation loss are
        restored. Returns the number of epochs run."""
        if repeat > 0:
            self.model.set_weights(self._network(repeat).get_weights())
            for variable, value in zip(self.model.optimizer.variables, self._initial_optimizer,
                                       strict=True):
                variable.assign(value)
        (order_seed,) = sub_seeds(self.seed, 2 * repeat + 1, 1)
        x, mask, y = fit
        batches = shuffled_batches((*self._inputs(x, mask), y), batch_size, epochs, order_seed)
        batches = batches.map(lambda *t: (self._structure(t[:-1]), t[-1]))
        stop = _EarlyStopping(lambda: self.loss(*validation), patience)
        history = self.model.fit(batches, epochs=epochs,
                                 steps_per_epoch=math.ceil(len(y) / batch_size),
                                 callbacks=[stop], shuffle=False,
                                 verbose=0)  # the batches are shuffled already
        return len(history.history["loss"])

    def probabilities(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Each sequence's predicted probability of "real"."""
        return np.concatenate([
            np.asarray(self._forward(*self._inputs(x[i:i + _PREDICT_CHUNK],
                                                   mask[i:i + _PREDICT_CHUNK])))
            for i in range(0, len(x), _PREDICT_CHUNK)
        ])

    def accuracy(self, x: np.ndarray, mask: np.ndarray, y: np.ndarray) -> float:
        """Share of sequences whose probability of "real" is on the right side of 0.5."""
        return float(np.mean((self.probabilities(x, mask) > 0.5) == (y == 1.0)))

    def loss(self, x: np.ndarray, mask: np.ndarray, y: np.ndarray) -> float:
        """Binary cross-entropy (probabilities clipped as Keras clips them)."""
        eps = keras.config.epsilon()
        p = np.clip(self.probabilities(x, mask).astype(np.float64), eps, 1.0 - eps)
        return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


class _EarlyStopping(keras.callbacks.EarlyStopping):
    """Keras' early stopping on a validation loss computed by ``validation_loss()`` after each
    epoch (the classifier's traced forward pass) rather than by ``fit``'s own evaluation, which
    would compile a second XLA program for every score; the best epoch's weights are restored
    when training ends."""

    def __init__(self, validation_loss, patience: int) -> None:
        super().__init__(monitor="val_loss", mode="min", patience=int(patience),
                         restore_best_weights=True)
        self._validation_loss = validation_loss

    def get_monitor_value(self, logs):  # noqa: ARG002 (Keras' signature)
        return self._validation_loss()
