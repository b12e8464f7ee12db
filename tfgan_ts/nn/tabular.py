"""Networks of the conditional tabular GAN (CTGAN's shapes, Xu et al. 2019): a generator of
residual blocks and a critic over packs of rows (PacGAN, Lin et al. 2018)."""

from __future__ import annotations

import keras
from keras import ops

from ..seeding import Seeds


class ResidualBlock(keras.layers.Layer):
    """Dense → BatchNorm → ReLU, concatenated with the block's input (the width grows by
    ``units``), so later blocks still see the noise and condition."""

    def __init__(self, units: int, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.seed = seed
        self.dense = keras.layers.Dense(self.units, name="dense",
                                        kernel_initializer=Seeds(seed).init())
        # PyTorch's default momentum (0.1 there is 0.9 here): short runs still get
        # usable moving statistics for generation
        self.norm = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="norm")

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.norm.build(input_shape[:-1] + (self.units,))

    def call(self, x, training=None):
        h = ops.relu(self.norm(self.dense(x), training=training))
        return ops.concatenate([h, ops.cast(x, h.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (input_shape[-1] + self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "seed": self.seed}


@keras.saving.register_keras_serializable(package="tfgan_ts")
class TabularGenerator(keras.Model):
    """[noise, condition] → logits of one encoded row ([batch, output_dim]); the model applies
    tanh / (Gumbel-)softmax per output block. With ``prior=True`` the inputs are [noise,
    condition, prior row] and the output is a correction of the prior's logits: its head
    starts at zero, so an untrained generator returns the prior unchanged."""

    def __init__(self, output_dim: int, units=(256, 256), seed: int | None = None,
                 prior: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.output_dim = int(output_dim)
        self.units = [int(u) for u in units]
        self.seed = seed
        self.prior = bool(prior)
        seeds = Seeds(seed)
        self.blocks = [ResidualBlock(u, seed=seeds.next(), name=f"residual_{i}")
                       for i, u in enumerate(self.units)]
        head_init = "zeros" if self.prior else seeds.init()
        self.head = keras.layers.Dense(self.output_dim, name="logits",
                                       kernel_initializer=head_init)

    def call(self, inputs, training=None):
        z, cond, *prior = inputs
        x = ops.concatenate([z, ops.cast(cond, z.dtype), *[ops.cast(p, z.dtype) for p in prior]],
                            axis=-1)
        for block in self.blocks:
            x = block(x, training=training)
        return self.head(x)

    def get_config(self):
        return {**super().get_config(), "output_dim": self.output_dim, "units": self.units,
                "seed": self.seed, "prior": self.prior}


@keras.saving.register_keras_serializable(package="tfgan_ts")
class TabularDiscriminator(keras.Model):
    """Critic over packs: input [batch / pac, pac × (row + condition)] → score [.., 1].
    Dense → LeakyReLU(0.2) → Dropout per layer; no batch statistics, so the gradient penalty
    sees each pack on its own."""

    def __init__(self, units=(256, 256), dropout: float = 0.5, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = [int(u) for u in units]
        self.dropout = float(dropout)
        self.seed = seed
        seeds = Seeds(seed)
        self.hidden = [keras.layers.Dense(u, name=f"dense_{i}", kernel_initializer=seeds.init())
                       for i, u in enumerate(self.units)]
        self.drops = [keras.layers.Dropout(self.dropout, name=f"dropout_{i}", seed=seeds.next())
                      for i in range(len(self.units))]
        self.score = keras.layers.Dense(1, name="score", kernel_initializer=seeds.init())

    def call(self, x, training=None):
        for dense, drop in zip(self.hidden, self.drops, strict=True):
            x = drop(ops.leaky_relu(dense(x), negative_slope=0.2), training=training)
        return self.score(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "dropout": self.dropout,
                "seed": self.seed}


def activate(logits, blocks, tau: float = 0.2, gumbel=None, hard: bool = False):
    """Per output block: tanh for ``"tanh"`` blocks; for ``"softmax"`` blocks the softmax of
    (logits + ``gumbel`` noise) / ``tau`` (Gumbel-softmax, Jang et al. 2017), or with ``hard``
    the one-hot of its argmax — a draw from softmax(logits) when Gumbel noise is given."""
    outs, start = [], 0
    for dim, act in blocks:
        part = logits[..., start:start + dim]
        start += dim
        if act == "tanh":
            outs.append(ops.tanh(part))
            continue
        if act != "softmax":
            raise ValueError(f"unknown output activation {act!r}")
        if dim == 1:  # a one-mode column: the block is the constant 1
            outs.append(ops.ones_like(part))
            continue
        if gumbel is not None:
            part = part + ops.cast(gumbel[..., start - dim:start], part.dtype)
        if hard:
            outs.append(ops.one_hot(ops.argmax(part, axis=-1), dim, dtype=part.dtype))
        else:
            outs.append(ops.softmax(part / tau, axis=-1))
    return ops.concatenate(outs, axis=-1) if len(outs) > 1 else outs[0]
