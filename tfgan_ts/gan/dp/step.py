"""The DP-SGD step: per-example gradients (vectorized), joint clipping over every critic,
Gaussian noise from a generator seeded by the operating system."""

from __future__ import annotations

import math
import secrets

import tensorflow as tf


def included_rows(tensors, mask):
    """Only the rows of a padded Poisson sample with mask 1 (a dynamic batch size): the
    per-example gradients then cost nothing for padding. Not for XLA (static shapes)."""
    keep = tf.where(tf.cast(mask, tf.float32) > 0)[:, 0]
    # an empty sample keeps one padding row (mask 0): the noise is still added, and
    # vectorized_map over zero rows does not give gradients of the right shape
    keep = tf.cond(tf.size(keep) > 0, lambda: keep, lambda: tf.zeros([1], tf.int64))
    return [tf.gather(t, keep) for t in tensors], tf.gather(mask, keep)


def per_example_gradients(loss_fn, inputs, variables):
    """Gradient of each example's loss, vectorized over the batch (``tf.vectorized_map``).

    ``loss_fn(inputs)`` returns ``(loss [batch], aux)`` where ``aux`` is a dict of
    [batch] tensors; examples must not interact (no batch statistics). Returns (list of
    [batch, *variable.shape] float32 tensors, loss [batch], aux)."""
    def one(example):
        example = tf.nest.map_structure(lambda t: tf.expand_dims(t, 0), example)
        with tf.GradientTape() as tape:
            loss, aux = loss_fn(example)
            total = tf.reduce_sum(tf.cast(loss, tf.float32))
        grads = tape.gradient(total, variables,
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return ([tf.cast(g, tf.float32) for g in grads], tf.reshape(loss, []),
                {k: tf.reshape(tf.cast(v, tf.float32), []) for k, v in aux.items()})

    return tf.vectorized_map(one, inputs)


def clip_factors(grads, l2_norm_clip: float):
    """min(1, C / ‖g_i‖) per example, the norm over all variables jointly; also the norms."""
    batch = tf.shape(grads[0])[0]
    squared = tf.add_n([tf.reduce_sum(tf.reshape(tf.square(g), [batch, -1]), axis=1)
                        for g in grads])
    norms = tf.sqrt(squared)
    return tf.minimum(1.0, l2_norm_clip / tf.maximum(norms, 1e-12)), norms


def noised_sum(grads, factors, noise_stddev: float, expected_batch_size: float, generator):
    """(Σ_i factor_i·g_i + N(0, stddev²)) / expected batch size, per variable.

    Under a distribution strategy each replica adds stddev/√replicas of independent noise,
    so the summed gradient carries exactly ``noise_stddev``."""
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    std = noise_stddev / math.sqrt(replicas)
    out = []
    for g in grads:
        total = tf.tensordot(factors, g, axes=1)
        noise = generator.normal(tf.shape(total), stddev=std, dtype=tf.float32)
        out.append((total + noise) / expected_batch_size)
    return out


def dp_gradients(loss_fn, inputs, mask, variables, l2_norm_clip: float,
                 noise_multiplier: float, expected_batch_size: float, generator):
    """The DP-SGD gradient for ``variables``: per-example gradients of ``loss_fn`` clipped to
    ``l2_norm_clip`` (padding rows, ``mask`` 0, count zero), summed, noised with std
    σ·C, divided by the expected batch size. Returns (gradients, masked mean of loss and
    of each aux entry, per-example norms before clipping)."""
    grads, loss, aux = per_example_gradients(loss_fn, inputs, variables)
    factors, norms = clip_factors(grads, l2_norm_clip)
    mask = tf.cast(mask, tf.float32)
    noisy = noised_sum(grads, factors * mask, noise_multiplier * l2_norm_clip,
                       expected_batch_size, generator)
    count = tf.maximum(tf.reduce_sum(mask), 1.0)
    means = {"loss": tf.reduce_sum(loss * mask) / count}
    means.update({k: tf.reduce_sum(v * mask) / count for k, v in aux.items()})
    return noisy, means, norms


def noise_generator():
    """A Philox generator seeded from the operating system; create it inside the model's
    distribution strategy scope so every replica draws its own stream."""
    return tf.random.Generator.from_seed(secrets.randbits(62))
