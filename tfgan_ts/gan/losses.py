"""Wasserstein losses and the per-example gradient penalty (WGAN-GP, Gulrajani et al. 2017).

All functions take lists of tensors ("parts") so that a critic reading several inputs
(attributes, min/max, features) is handled as one joint input per example.
"""

from __future__ import annotations

import tensorflow as tf


def _per_example_mean(x):
    """[batch, ...] → [batch] float32 (critic outputs may be float16 under mixed precision)."""
    x = tf.cast(x, tf.float32)
    return tf.reshape(x, [tf.shape(x)[0], -1])[:, 0] if x.shape.rank > 1 else x


def wasserstein_critic_loss(real_scores, fake_scores, per_example: bool = False):
    """Critic loss D(fake) − D(real); per example (vector) or its batch mean."""
    loss = _per_example_mean(fake_scores) - _per_example_mean(real_scores)
    return loss if per_example else tf.reduce_mean(loss)


def wasserstein_generator_loss(fake_scores):
    return -tf.reduce_mean(_per_example_mean(fake_scores))


def interpolate(real_parts, fake_parts, alpha):
    """x̂ = α·real + (1 − α)·fake with one α per example, broadcast over every part."""
    out = []
    for real, fake in zip(real_parts, fake_parts, strict=True):
        a = tf.reshape(tf.cast(alpha, real.dtype), [-1] + [1] * (real.shape.rank - 1))
        out.append(a * real + (1.0 - a) * tf.cast(fake, real.dtype))
    return out


def gradient_penalty(critic, real_parts, fake_parts, alpha, per_example: bool = False):
    """(‖∇D(x̂)‖₂ − 1)² with the norm taken per example over all parts jointly.

    ``critic`` maps the list of parts to scores [batch, 1]. The critic must treat examples
    independently (no batch statistics), so the gradient of the summed scores gives each
    example's own gradient. Returns the batch mean, or the vector when ``per_example``.
    """
    mixed = interpolate(real_parts, fake_parts, alpha)
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = tf.cast(critic(mixed), tf.float32)
        total = tf.reduce_sum(scores)
    grads = tape.gradient(total, mixed)
    squared = 0.0
    for g in grads:
        g = tf.cast(g, tf.float32)
        squared += tf.reduce_sum(tf.reshape(tf.square(g), [tf.shape(g)[0], -1]), axis=1)
    norm = tf.sqrt(squared + 1e-12)
    penalty = tf.square(norm - 1.0)
    return penalty if per_example else tf.reduce_mean(penalty)


def critic_loss(critic, real_parts, fake_parts, alpha, gp_weight: float,
                per_example: bool = False):
    """The WGAN-GP critic loss, D(fake) − D(real) + λ·(‖∇D(x̂)‖ − 1)², shared by every critic
    of the library. Returns (total, wasserstein part, penalty): batch means, or vectors
    when ``per_example`` (DP-SGD clips each example's gradient)."""
    w = wasserstein_critic_loss(critic(real_parts), critic(fake_parts), per_example=per_example)
    gp = gradient_penalty(critic, real_parts, fake_parts, alpha, per_example=per_example)
    return w + gp_weight * gp, w, gp


def gain_discriminator_loss(mask, probs, eps: float = 1e-7):
    """GAIN: binary cross-entropy of the discriminator's guess of which entries were observed
    (mask 1) versus imputed (mask 0), averaged over all entries."""
    mask = tf.cast(mask, tf.float32)
    probs = tf.clip_by_value(tf.cast(probs, tf.float32), eps, 1.0 - eps)
    return -tf.reduce_mean(mask * tf.math.log(probs) + (1.0 - mask) * tf.math.log(1.0 - probs))


def gain_generator_loss(mask, probs, x, generated, alpha: float, observed=None,
                        eps: float = 1e-7):
    """GAIN: fool the discriminator on the imputed entries (``mask`` 0), plus α × the mean
    squared error of the generator's output on the ``observed`` entries (default: ``mask``;
    wider when observed entries were hidden from the generator). Returns (total,
    adversarial, mse)."""
    mask = tf.cast(mask, tf.float32)
    observed = mask if observed is None else tf.cast(observed, tf.float32)
    probs = tf.clip_by_value(tf.cast(probs, tf.float32), eps, 1.0 - eps)
    adversarial = -tf.reduce_mean((1.0 - mask) * tf.math.log(probs))
    diff = observed * (tf.cast(x, tf.float32) - tf.cast(generated, tf.float32))
    mse = tf.reduce_sum(tf.square(diff)) / tf.maximum(tf.reduce_sum(observed), 1.0)
    return adversarial + alpha * mse, adversarial, mse
