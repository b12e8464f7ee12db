"""Poisson sampling for DP-SGD: each example joins a step's batch with probability
q = batch_size / n; batches are padded to a fixed size whose overflow is charged to delta."""

from __future__ import annotations

import dataclasses
import secrets

import numpy as np
import tensorflow as tf
from scipy import stats

# Each Poisson sample is padded to a fixed ``max_batch``. A sample larger than that is
# truncated at random; the chance of it per step is kept below this figure and the total
# over the steps taken is charged to delta (truncated Poisson sampling).
OVERFLOW_PER_STEP = 1e-11


@dataclasses.dataclass(frozen=True)
class PoissonPlan:
    """Poisson sampling of ``n`` examples at rate ``q = batch_size / n``, padded to
    ``max_batch`` rows; ``overflow_probability`` is P(sample > max_batch) per step."""

    n: int
    batch_size: int
    sampling_probability: float
    max_batch: int
    overflow_probability: float

    @property
    def steps_per_epoch(self) -> int:
        """Generator steps that see n examples in expectation."""
        return max(1, round(self.n / self.batch_size))


def poisson_plan(n: int, batch_size: int, multiple_of: int = 1) -> PoissonPlan:
    """The padded size: the smallest multiple of ``multiple_of`` (replicas) whose overflow
    probability is at most ``OVERFLOW_PER_STEP`` (capped at n, where it is 0)."""
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} is larger than the {n} training sequences; "
                         "with Poisson sampling the expected batch must be at most n")
    q = batch_size / n
    cap = max(int(stats.binom.isf(OVERFLOW_PER_STEP, n, q)) - 1, batch_size)
    while cap < n and stats.binom.sf(cap, n, q) > OVERFLOW_PER_STEP:
        cap += 1  # P(sample size > cap) is what truncates
    cap = -(-cap // multiple_of) * multiple_of
    overflow = float(stats.binom.sf(cap, n, q)) if cap < n else 0.0
    return PoissonPlan(int(n), int(batch_size), q, cap, overflow)


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
