"""Optimizers for hand-written train steps: defaults, mixed-precision loss scaling and the
replica scaling a custom step needs under ``tf.distribute``."""

from __future__ import annotations

import keras
import tensorflow as tf


def make_optimizer(optimizer=None, learning_rate: float = 1e-3, beta_1: float = 0.5,
                   beta_2: float = 0.999, weight_decay: float | None = None):
    """``optimizer`` as given (instance, name or config), else Adam(lr, β1, β2, decoupled
    weight decay) — defaults: the DoppelGANger paper's choice."""
    if optimizer is None:
        return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1,
                                     beta_2=beta_2, weight_decay=weight_decay)
    return keras.optimizers.get(optimizer)


def prepare_optimizer(optimizer):
    """Wrap in a LossScaleOptimizer under the ``mixed_float16`` policy (float16 gradients
    underflow without it)."""
    policy = keras.mixed_precision.dtype_policy()
    if policy.compute_dtype == "float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def minimize(optimizer, loss_fn, variables, tape=None):
    """One optimizer step on ``loss_fn()``, which returns the loss (a batch mean on this
    replica) or a ``(loss, aux)`` pair; returns what ``loss_fn`` returned.

    Under a distribution strategy the replicas' gradients are summed, so the loss is divided
    by the number of replicas to get the gradient of the global mean; under mixed precision
    the loss is scaled by the LossScaleOptimizer. Both happen inside the tape.

    ``tape``: a GradientTape that already recorded part of the computation (e.g. a generator
    pass whose output ``loss_fn`` reuses); recording resumes on it instead of a new tape.
    """
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    tape = tape if tape is not None else tf.GradientTape()
    with tape:
        result = loss_fn()
        loss = result[0] if isinstance(result, tuple) else result
        scaled = tf.cast(loss, tf.float32)
        if replicas > 1:
            scaled = scaled / replicas
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            scaled = optimizer.scale_loss(scaled)
    grads = tape.gradient(scaled, variables)
    optimizer.apply_gradients(zip(grads, variables, strict=True))
    return result
