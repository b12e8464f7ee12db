"""Poisson-sampled batches for DP-SGD as a ``tf.data`` pipeline, padded to the plan's size
with a mask; the sampling is seeded from the operating system unless a test seeds it, with
one seed for every worker of a multi-worker strategy (``shared_seed``)."""

from __future__ import annotations

import secrets

import tensorflow as tf

from ...runtime import multi_worker
from .plan import PoissonPlan


def shared_seed(strategy=None, bits: int = 62) -> int:
    """A seed of ``bits`` bits from the operating system, the same on every worker of a
    multi-worker strategy (``tf.distribute.MultiWorkerMirroredStrategy``): there every
    worker builds the whole input pipeline and keeps its share of each batch, and every
    worker makes the one-shot releases, so with a seed of their own they would take their
    shares from different Poisson samples (an example twice in one step) and release the
    same statistic once each. A variable created in the strategy's scope starts on every
    worker with the chief's initial value (that is how the strategy keeps replicas equal),
    so the seed is the chief's, sent within the cluster. Elsewhere: a fresh local seed."""
    parts = [secrets.randbits(62) for _ in range(-(-bits // 62))]
    if strategy is not None and multi_worker(strategy):
        with strategy.scope():
            shared = tf.Variable(tf.constant(parts, tf.int64), trainable=False)
        parts = [int(v) for v in shared.numpy()]
    return sum(p << (62 * i) for i, p in enumerate(parts)) % (1 << bits)


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
    seed from the operating system (under a multi-worker strategy pass
    ``shared_seed(strategy)``: every worker must draw the same samples)."""
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
