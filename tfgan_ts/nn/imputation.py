"""Networks for GAN imputation over windows ``[batch, window, features]`` of values in [0, 1].

Generators start from the strong prior a user already has and learn the correction: they read
``[prior, mask, distances]`` — each column's linear interpolation over its observed entries,
the mask (1 = observed), and the steps since / until the nearest observation (``2 ×
features`` channels in [0, 1), see :mod:`tfgan_ts.gap_context`) — and return ``prior +
residual``. The residual head starts at zero, so an untrained generator *is* linear
interpolation. Inside, each column of a window is centred on its mean over the window and
divided by ``scales`` (the column's typical step-to-step change), and the residual comes out
in those units: what the generator must learn is then of order one, whatever the column's
level, which makes it learn in hundreds of steps rather than thousands.

Discriminators (GAIN, Yoon et al. 2018) read ``[imputed values, hint]`` and return, per entry,
the probability that it was observed.
"""

from __future__ import annotations

import keras
from keras import ops

from ..seeding import Seeds
from .blocks import MLP


def _flatten(x):
    return ops.reshape(x, (ops.shape(x)[0], -1))


class _ResidualGenerator(keras.Model):
    """Shared frame: inputs normalized (per column: the window's level, and per step the
    centred prior, mask and two distances), a body, a zero-initialized residual head."""

    def __init__(self, units: int, scales=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.scales = None if scales is None else [float(v) for v in scales]
        self.seed = seed
        self._seeds = Seeds(seed)

    def _scales(self, features: int):
        if self.scales is None:
            return ops.ones((features,))
        if len(self.scales) != features:
            raise ValueError(f"scales has {len(self.scales)} values but the windows have "
                             f"{features} columns")
        return ops.convert_to_tensor(self.scales, dtype="float32")

    def normalize(self, inputs):
        """(prior, scales, level [batch, 1, features], per-step inputs [batch, window,
        4 × features]: centred prior, mask, distances)."""
        prior, mask, distances = inputs
        scales = self._scales(prior.shape[-1])
        level = ops.mean(prior, axis=1, keepdims=True)
        centred = (prior - level) / scales
        return prior, scales, level, ops.concatenate([centred, mask, distances], axis=-1)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scales": self.scales,
                "seed": self.seed}


@keras.saving.register_keras_serializable(package="tfgan_ts")
class BiLSTMImputerGenerator(_ResidualGenerator):
    """BRITS-style generator: a bidirectional LSTM reads every step's [prior, mask, distances]
    of all columns — so a gap is corrected from the neighbours in time *and* from the other
    columns — and a per-step head (fed the LSTM states and the step's own inputs) adds a
    residual to the interpolation."""

    def __init__(self, units: int = 32, scales=None, seed: int | None = None, **kwargs):
        super().__init__(units, scales, seed, **kwargs)
        seeds = self._seeds
        lstm = [dict(kernel_initializer=seeds.init(),
                     recurrent_initializer=seeds.init("orthogonal"), seed=seeds.next())
                for _ in range(2)]
        self.lstm = keras.layers.Bidirectional(
            keras.layers.LSTM(self.units, return_sequences=True, **lstm[0]), name="bilstm",
            backward_layer=None if seed is None else keras.layers.LSTM(
                self.units, return_sequences=True, go_backwards=True, **lstm[1]))
        self.hidden = keras.layers.Dense(2 * self.units, activation="relu", name="hidden",
                                         kernel_initializer=seeds.init())
        self.head = None

    def build(self, input_shape):
        window, features = input_shape[0][1], int(input_shape[0][-1])
        channels = 5 * features  # the level repeated at every step, then 4 per step
        self.lstm.build((None, window, channels))
        self.hidden.build((None, window, 2 * self.units + channels))
        self.head = keras.layers.Dense(features, name="residual", kernel_initializer="zeros")
        self.head.build((None, window, 2 * self.units))
        self.built = True

    def call(self, inputs):
        prior, scales, level, steps = self.normalize(inputs)
        x = ops.concatenate([ops.broadcast_to(level, ops.shape(prior)), steps], axis=-1)
        h = self.hidden(ops.concatenate([self.lstm(x), x], axis=-1))
        return prior + scales * self.head(h)


@keras.saving.register_keras_serializable(package="tfgan_ts")
class MLPImputerGenerator(_ResidualGenerator):
    """Cross-column MLP over the whole interpolated window (flattened [prior, mask,
    distances]), returning a residual for every entry of the window."""

    def __init__(self, units: int = 128, layers: int = 2, scales=None, seed: int | None = None,
                 **kwargs):
        super().__init__(units, scales, seed, **kwargs)
        self.n_layers = int(layers)
        self.mlp = MLP(self.units, self.n_layers, seed=self._seeds.next(), name="mlp")
        self.head = None

    def build(self, input_shape):
        self.window, self.features = int(input_shape[0][1]), int(input_shape[0][-1])
        width = (4 * self.window + 1) * self.features  # per-step inputs, and the level once
        self.mlp.build((None, width))
        self.head = keras.layers.Dense(self.window * self.features, name="residual",
                                       kernel_initializer="zeros")
        self.head.build((None, self.units if self.n_layers else width))
        self.built = True

    def call(self, inputs):
        prior, scales, level, steps = self.normalize(inputs)
        residual = self.head(self.mlp(ops.concatenate([_flatten(steps), _flatten(level)], -1)))
        return prior + scales * ops.reshape(residual, (-1, self.window, self.features))

    def get_config(self):
        return {**super().get_config(), "layers": self.n_layers}


@keras.saving.register_keras_serializable(package="tfgan_ts")
class MLPImputerDiscriminator(keras.Model):
    """GAIN's discriminator: an MLP on [imputed values, hint] of a whole window → for each
    entry the probability that it was observed."""

    def __init__(self, units: int = 128, layers: int = 2, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.n_layers = int(units), int(layers)
        self.seed = seed
        self._seeds = Seeds(seed)
        self.mlp = MLP(self.units, self.n_layers, seed=self._seeds.next(), name="mlp")
        self.head = None

    def build(self, input_shape):
        values_shape = input_shape[0]
        self.window, self.features = int(values_shape[1]), int(values_shape[2])
        self.mlp.build((None, 2 * self.window * self.features))
        self.head = keras.layers.Dense(self.window * self.features, activation="sigmoid",
                                       name="head", kernel_initializer=self._seeds.init())
        self.head.build((None, self.units if self.n_layers else 2 * self.window * self.features))
        self.built = True

    def call(self, inputs):
        values, hint = inputs
        x = ops.concatenate([_flatten(values), _flatten(hint)], axis=-1)
        return ops.reshape(self.head(self.mlp(x)), (-1, self.window, self.features))

    def get_config(self):
        return {**super().get_config(), "units": self.units, "layers": self.n_layers,
                "seed": self.seed}
