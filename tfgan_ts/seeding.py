"""Local seeding for every network, model and estimator of the library, as scikit-learn's
``random_state``: sub-seeds, seeded Keras initializers and dropout (:class:`Seeds`), and a
batch order drawn from a seed alone.

Nothing here seeds, reads or advances Python's, NumPy's or TensorFlow's global generators when
a seed is given, so fitting an estimator leaves the user's random state as it found it.
"""

from __future__ import annotations

import numbers
import random

import keras
import numpy as np
import tensorflow as tf

__all__ = ["Seeds", "check_seed", "draw_seed", "network_seeds", "shuffled_batches",
           "sub_seeds"]

# sub-seeds are positive int32 values: Keras and TensorFlow accept them everywhere
_SEED_BOUND = 2**31 - 1


def check_seed(seed: int | None, name: str = "seed") -> None:
    """Raise ValueError unless ``seed`` is None or a non-negative integer (not a bool)."""
    if seed is None:
        return
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer or None, got {seed!r}")


def draw_seed(seed: int | None) -> int:
    """``seed`` itself, or for None a fresh one from Python's global ``random`` — as Keras draws
    the seeds of unseeded layers, so ``keras.utils.set_random_seed`` makes unseeded fits
    repeatable too."""
    if seed is not None:
        return int(seed)
    return random.randint(1, _SEED_BOUND - 1)


def sub_seeds(seed: int, stream: int, n: int) -> list[int]:
    """``n`` independent seeds in [1, 2**31 - 1) for one use (``stream``) of ``seed``.

    Drawn by NumPy's ``SeedSequence([seed, stream])``, which touches no global state; distinct
    streams give unrelated seeds, so each initializer or shuffle gets its own.
    """
    state = np.random.SeedSequence([int(seed), int(stream)]).generate_state(n)
    return [int(s) % (_SEED_BOUND - 1) + 1 for s in state]


def network_seeds(seed: int | None, count: int) -> list[int | None]:
    """``count`` independent seeds for a model's networks (None: every network draws from
    Keras's global generator, as plain Keras layers do)."""
    if seed is None:
        return [None] * count
    return sub_seeds(seed, 0, count)


def glorot(seed: int) -> keras.initializers.Initializer:
    """Keras's default kernel initializer (Glorot uniform), seeded."""
    return keras.initializers.GlorotUniform(seed=seed)


def orthogonal(seed: int) -> keras.initializers.Initializer:
    """Keras's default recurrent initializer (orthogonal), seeded."""
    return keras.initializers.Orthogonal(seed=seed)


class Seeds:
    """Distinct seeds for the initializers and dropout layers of one network, derived from
    the network's ``seed``; with ``None`` every layer keeps Keras's default (the global
    generator), exactly as if no seed were involved."""

    def __init__(self, seed: int | None):
        self.seed = None if seed is None else int(seed)
        self.count = 0

    def next(self) -> int | None:
        """The next derived integer seed (None when unseeded)."""
        if self.seed is None:
            return None
        self.count += 1
        return sub_seeds(self.seed, self.count, 1)[0]

    def init(self, name: str = "glorot_uniform"):
        """An initializer: the name itself when unseeded, else a seeded instance."""
        if self.seed is None:
            return name
        return {"glorot_uniform": glorot, "orthogonal": orthogonal}[name](self.next())


def shuffled_batches(arrays: tuple[np.ndarray, ...], batch_size: int, epochs: int,
                     seed: int) -> tf.data.Dataset:
    """Batches of ``arrays`` (same first dimension ``n``) for ``epochs`` epochs of
    ``ceil(n / batch_size)`` batches each (the last of an epoch partial), reshuffled every
    epoch.

    Epoch ``e``'s order is ``tf.random.experimental.stateless_shuffle`` with seed
    ``[seed, e]``: it depends on ``seed`` only, not on TensorFlow's global seed (which
    ``keras.Model.fit(shuffle=True)`` on arrays uses). Pass the result to ``fit`` with
    ``steps_per_epoch=ceil(n / batch_size)`` so one iterator runs through all epochs.
    """
    n = len(arrays[0])
    base = tf.constant(int(seed), tf.int64)

    def epoch_batches(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([base, epoch]))
        return tf.data.Dataset.from_tensor_slices(order).batch(int(batch_size))

    indices = tf.data.Dataset.range(int(epochs)).flat_map(epoch_batches)
    # the arrays ride along as one repeated element (no constant baked into the graph)
    data = tf.data.Dataset.from_tensors(tuple(arrays)).repeat()

    def gather(idx, tensors):
        return tuple(tf.gather(t, idx) for t in tensors)

    return (tf.data.Dataset.zip((indices, data))
            .map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
            .prefetch(tf.data.AUTOTUNE))
