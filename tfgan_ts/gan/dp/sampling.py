"""Poisson-sampled batches for DP-SGD as a ``tf.data`` pipeline, padded to the plan's size
with a mask; the sampling is seeded from the operating system unless a test seeds it."""

from __future__ import annotations

import secrets

import tensorflow as tf

from .plan import PoissonPlan


def poisson_indices(seed, n: int, q: float, max_batch: int):
    """One Poisson sample as fixed-size (indices, mask): each example is in with probability
    q; included examples come first in random order (a random subset of them if more than
    ``max_batch``), the padding rows have mask 0."""
    seed = tf.cast(seed, tf.int64)
    u = tf.random.stateless_uniform([n], seed=seed * [1, 2])
    order = tf.random.stateless_uniform([n], seed=seed * [1, 2] + [0, 1])
    score = tf.where(u < q, order, 2.0)
    _, idx = tf.math.top_k(-score, k=max_batch)
    mask = tf.cast(tf.gather(score, idx) < 2.0, tf.float32)
    return idx, mask


def poisson_dataset(arrays: dict, plan: PoissonPlan, rounds: int = 1, steps=None,
                    seed=None) -> tf.data.Dataset:
    """Batches of ``plan.max_batch`` rows for ``steps`` steps (default: one epoch), each row
    holding ``rounds`` independent Poisson samples: arrays [max_batch, rounds, ...] and
    ``"mask"`` [max_batch, rounds]. The samples change every epoch. ``seed=None`` draws the
    seed from the operating system."""
    tensors = {k: tf.constant(v) for k, v in arrays.items()}
    n, q, cap = plan.n, plan.sampling_probability, plan.max_batch
    steps = plan.steps_per_epoch if steps is None else int(steps)
    if seed is None:
        seed = secrets.randbits(62)

    def sample(r):
        parts = [poisson_indices(tf.stack([r, tf.constant(j, tf.int64)]), n, q, cap)
                 for j in range(rounds)]
        idx = tf.stack([p[0] for p in parts], axis=1)  # [cap, rounds]
        out = {k: tf.gather(t, idx) for k, t in tensors.items()}
        out["mask"] = tf.stack([p[1] for p in parts], axis=1)
        return out

    ds = tf.data.Dataset.random(seed=int(seed), rerandomize_each_iteration=True)
    ds = ds.take(steps).map(sample).unbatch().batch(cap, drop_remainder=True)
    return ds.prefetch(tf.data.AUTOTUNE)
