"""Networks for GAN imputation (GAIN, Yoon et al. 2018) over windows of a multivariate
series. Generators read [values with noise in the gaps, mask] and return values in (0, 1)
for every entry; discriminators read [imputed values, hint] and return, per entry, the
probability that it was observed. Inputs and outputs are [batch, window, features]."""

from __future__ import annotations

import keras
from keras import ops

from ..seeding import Seeds
from .blocks import MLP


def _flatten(x):
    return ops.reshape(x, (ops.shape(x)[0], -1))


class _WindowMLP(keras.Model):
    """MLP over the flattened window of two stacked inputs → one sigmoid per entry."""

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
        width = self.units if self.n_layers else 2 * self.window * self.features
        self.head.build((None, width))
        self.built = True

    def call(self, inputs):
        values, second = inputs
        x = ops.concatenate([_flatten(values), _flatten(second)], axis=-1)
        out = self.head(self.mlp(x))
        return ops.reshape(out, (-1, self.window, self.features))

    def get_config(self):
        return {**super().get_config(), "units": self.units, "layers": self.n_layers,
                "seed": self.seed}


@keras.saving.register_keras_serializable(package="tfgan_ts")
class MLPImputerGenerator(_WindowMLP):
    """GAIN's generator: an MLP on [values with noise in the gaps, mask] of a whole window."""


@keras.saving.register_keras_serializable(package="tfgan_ts")
class MLPImputerDiscriminator(_WindowMLP):
    """GAIN's discriminator: an MLP on [imputed values, hint] of a whole window."""


class _BiLSTMAttention(keras.Model):
    """Input projection + layer normalization, bidirectional LSTM, self-attention over time
    (with its own residual and normalization), a sigmoid head per entry, and a residual
    path from the input straight to the head's logits."""

    def __init__(self, units: int = 64, heads: int = 4, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.heads = int(units), int(heads)
        self.seed = seed
        self._seeds = seeds = Seeds(seed)
        self.project = keras.layers.Dense(self.units, name="project",
                                          kernel_initializer=seeds.init())
        self.norm_in = keras.layers.LayerNormalization(name="norm_in")
        # seed=: an LSTM cell's dropout seed, drawn from Python's random when not given
        lstm = dict(kernel_initializer=seeds.init(), recurrent_initializer=seeds.init("orthogonal"),
                    seed=seeds.next())
        backward = dict(kernel_initializer=seeds.init(),
                        recurrent_initializer=seeds.init("orthogonal"), seed=seeds.next())
        self.lstm = keras.layers.Bidirectional(
            keras.layers.LSTM(self.units, return_sequences=True, **lstm), name="bilstm",
            backward_layer=None if seed is None else keras.layers.LSTM(
                self.units, return_sequences=True, go_backwards=True, **backward))
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.heads, key_dim=max(1, 2 * self.units // self.heads), name="attention",
            kernel_initializer=seeds.init(), seed=seeds.next())
        self.norm_att = keras.layers.LayerNormalization(name="norm_attention")
        self.head = None
        self.skip = None

    def build(self, input_shape):
        features = int(input_shape[0][-1])
        window = input_shape[0][1]
        self.head = keras.layers.Dense(features, name="head",
                                       kernel_initializer=self._seeds.init())
        self.skip = keras.layers.Dense(features, name="skip",
                                       kernel_initializer=self._seeds.init())
        x_shape = (None, window, 2 * features)
        self.project.build(x_shape)
        self.norm_in.build((None, window, self.units))
        self.lstm.build((None, window, self.units))
        h_shape = (None, window, 2 * self.units)
        self.attention.build(h_shape, h_shape)
        self.norm_att.build(h_shape)
        self.head.build(h_shape)
        self.skip.build(x_shape)
        self.built = True

    def call(self, inputs):
        values, second = inputs
        x = ops.concatenate([values, second], axis=-1)
        h = self.lstm(self.norm_in(self.project(x)))
        h = self.norm_att(h + self.attention(h, h))
        return ops.sigmoid(self.head(h) + self.skip(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units, "heads": self.heads,
                "seed": self.seed}


@keras.saving.register_keras_serializable(package="tfgan_ts")
class BiLSTMImputerGenerator(_BiLSTMAttention):
    """Generator over windows: reads neighbouring steps in both directions and attends to
    any step of the window, so a gap is filled from what was observed around it."""


@keras.saving.register_keras_serializable(package="tfgan_ts")
class BiLSTMImputerDiscriminator(_BiLSTMAttention):
    """Discriminator over windows, same shape as the generator (imputed values, hint)."""
