"""An exponential moving average of a generator's weights, to sample from: GAN weights keep
oscillating around a good solution, and their average draws smoother, less noisy samples
than the weights of the last step (Yazıcı et al., ICLR 2019)."""

from __future__ import annotations

import keras
from keras import ops


def average_variables(variables, name: str = "ema") -> list:
    """Non-trainable copies of ``variables`` (their current values), to hold the average;
    the last one counts the updates."""
    # a copy of the value: keras.Variable(v.value) would alias the tf.Variable itself
    copies = [keras.Variable(ops.copy(ops.convert_to_tensor(v)), trainable=False,
                             name=f"{name}_{i}") for i, v in enumerate(variables)]
    return [*copies, keras.Variable(0.0, trainable=False, name=f"{name}_count")]


def update_average(averages: list, variables, momentum: float) -> None:
    """One step: ``avg = m·avg + (1 − m)·var`` with ``m = min(momentum, (1 + t)/(10 + t))``
    after t updates, so early averages are not stuck near the initial weights."""
    count = averages[-1]
    count.assign_add(1.0)
    m = ops.minimum(momentum, (1.0 + count) / (10.0 + count))
    for avg, var in zip(averages[:-1], variables, strict=True):
        avg.assign(m * avg + (1.0 - m) * ops.cast(var, avg.dtype))


def assign_average(averages: list, variables) -> None:
    """Set ``variables`` to their averages (the weights generation then uses)."""
    for avg, var in zip(averages[:-1], variables, strict=True):
        var.assign(ops.cast(avg, var.dtype))
