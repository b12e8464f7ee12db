"""Building blocks: an MLP and a layer that applies each output block's activation."""

from __future__ import annotations

import keras
from keras import ops

from ..seeding import Seeds


class MLP(keras.layers.Layer):
    """``layers`` Dense layers of ``units`` with ReLU (no batch statistics, so per-example
    gradients stay per example)."""

    def __init__(self, units: int, layers: int, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.n_layers = int(units), int(layers)
        self.seed = seed
        seeds = Seeds(seed)
        self.dense = [keras.layers.Dense(self.units, activation="relu", name=f"dense_{i}",
                                         kernel_initializer=seeds.init())
                      for i in range(self.n_layers)]

    def build(self, input_shape):
        shape = input_shape
        for layer in self.dense:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)

    def call(self, x):
        for layer in self.dense:
            x = layer(x)
        return x

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (self.units if self.n_layers else input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "layers": self.n_layers,
                "seed": self.seed}


class OutputActivation(keras.layers.Layer):
    """Split the last axis into blocks and apply each block's activation: softmax for a
    discrete column, sigmoid/tanh for a continuous one."""

    def __init__(self, blocks, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [(int(dim), str(act)) for dim, act in blocks]

    def call(self, logits):
        outs, start = [], 0
        for dim, act in self.blocks:
            part = logits[..., start:start + dim]
            start += dim
            if act == "softmax":
                outs.append(ops.softmax(part, axis=-1))
            elif act == "sigmoid":
                outs.append(ops.sigmoid(part))
            elif act == "tanh":
                outs.append(ops.tanh(part))
            else:
                raise ValueError(f"unknown output activation {act!r}")
        return ops.concatenate(outs, axis=-1) if len(outs) > 1 else outs[0]

    def get_config(self):
        return {**super().get_config(), "blocks": self.blocks}


def harden(x, blocks):
    """Discrete blocks as one-hot of their argmax (no gradient); continuous ones unchanged."""
    outs, start = [], 0
    for dim, act in blocks:
        part = x[..., start:start + dim]
        start += dim
        if act == "softmax":
            part = ops.stop_gradient(ops.one_hot(ops.argmax(part, axis=-1), dim, dtype=x.dtype))
        outs.append(part)
    if not outs:
        return x
    return ops.concatenate(outs, axis=-1) if len(outs) > 1 else outs[0]
