"""DoppelGANger networks (Lin et al., IMC 2020): attribute generator, min/max generator,
RNN feature generator with generation flags, and the two critics."""

from __future__ import annotations

import keras
from keras import ops

from ..seeding import Seeds
from .blocks import MLP, OutputActivation


class AttributeGenerator(keras.Model):
    """Noise → static attributes (softmax per discrete column, sigmoid/tanh otherwise)."""

    def __init__(self, blocks, units=100, layers=3, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [tuple(b) for b in blocks]
        seeds = Seeds(seed)
        self.mlp = MLP(units, layers, seed=seeds.next(), name="mlp")
        self.out = keras.layers.Dense(sum(d for d, _ in self.blocks), name="logits",
                                      kernel_initializer=seeds.init())
        self.act = OutputActivation(self.blocks, name="activation")

    def call(self, noise):
        return self.act(self.out(self.mlp(noise)))


class MinMaxGenerator(AttributeGenerator):
    """[noise, attributes] → derived attributes (per-example midpoint/half-range of each
    auto-normalized feature, start time of event sequences)."""

    def call(self, inputs):
        noise, attributes = inputs
        return super().call(ops.concatenate([noise, attributes], axis=-1))


# up to this many LSTM cells the recurrence is unrolled into straight-line operations: no
# while-loop overhead per cell, and TensorFlow can overlap the cells' gradient work
UNROLL_MAX_CELLS = 32


class FeatureGenerator(keras.Model):
    """LSTM over ``max_length / sample_len`` cells; each cell reads [attributes, min/max,
    noise] and emits ``sample_len`` steps of features plus, for variable-length data, a
    (continue, end) flag pair.

    Returns the steps with everything after each sequence's first "end" set to zero, and
    that mask [batch, max_length] (1 up to and including the end step; all ones when
    ``variable_length`` is False)."""

    def __init__(self, blocks, max_length, sample_len, units=100, layers=1,
                 variable_length=True, decoder_filters=0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.variable_length = bool(variable_length)
        self.blocks = [tuple(b) for b in blocks] + ([(2, "softmax")] if variable_length else [])
        self.max_length, self.sample_len = int(max_length), int(sample_len)
        self.step_dim = sum(d for d, _ in self.blocks)
        unroll = self.max_length // self.sample_len <= UNROLL_MAX_CELLS
        seeds = Seeds(seed)
        self.rnn = [keras.layers.LSTM(units, return_sequences=True, unroll=unroll,
                                      name=f"lstm_{i}", kernel_initializer=seeds.init(),
                                      recurrent_initializer=seeds.init("orthogonal"),
                                      seed=seeds.next())
                    for i in range(layers)]
        self.decoder_filters = int(decoder_filters)
        width = self.decoder_filters or self.step_dim
        self.out = keras.layers.Dense(self.sample_len * width, name="logits",
                                      kernel_initializer=seeds.init())
        # decoder_filters > 0: each cell emits `width` channels per step and two convolutions
        # along time turn them into the step outputs; their kernels span cell boundaries, so
        # one cell's last step and the next cell's first are made together
        self.decoder = [
            keras.layers.Conv1D(width, 5, padding="same", activation="relu", name="decoder_0",
                                kernel_initializer=seeds.init()),
            keras.layers.Conv1D(self.step_dim, 5, padding="same", name="decoder_1",
                                kernel_initializer=seeds.init()),
        ] if self.decoder_filters else []
        self.act = OutputActivation(self.blocks, name="activation")

    def call(self, inputs):
        conditions, noise = inputs  # [B, C], [B, cells, Z]
        cells = self.max_length // self.sample_len
        cond = ops.repeat(ops.expand_dims(conditions, 1), cells, axis=1)
        h = ops.concatenate([cond, noise], axis=-1)
        for rnn in self.rnn:
            h = rnn(h)
        steps = ops.reshape(self.out(h), (-1, self.max_length, self.decoder_filters
                                          or self.step_dim))
        for conv in self.decoder:
            steps = conv(steps)
        steps = self.act(steps)
        if not self.variable_length:
            return steps, ops.ones(ops.shape(steps)[:2], steps.dtype)
        ended = ops.cast(ops.argmax(steps[..., -2:], axis=-1) == 1, steps.dtype)
        # mask_t = 1 while no earlier step has ended the sequence
        ended_before = ops.cumsum(ended, axis=1) - ended
        mask = ops.stop_gradient(ops.cast(ended_before == 0, steps.dtype))
        return steps * ops.expand_dims(mask, -1), mask


class Discriminator(keras.Model):
    """Critic on [attributes, min/max, flattened steps with flags] → score.

    ``conv_filters`` > 0 adds a local branch: convolutions along time over the steps and
    their first differences, max- and mean-pooled, next to the flattened input (a patch
    critic that sees jumps and jaggedness wherever they are)."""

    def __init__(self, units=200, layers=5, conv_filters=0, seed=None, **kwargs):
        super().__init__(**kwargs)
        seeds = Seeds(seed)
        self.mlp = MLP(units, layers, seed=seeds.next(), name="mlp")
        self.out = keras.layers.Dense(1, name="score", kernel_initializer=seeds.init())
        # the second convolution strides by 2: half its cost (the critic's gradient penalty
        # differentiates it twice) for the same 9-step reach
        self.conv = [
            keras.layers.Conv1D(int(conv_filters), 5, strides=1 + i, padding="same",
                                name=f"local_{i}", activation=keras.activations.leaky_relu,
                                kernel_initializer=seeds.init())
            for i in range(2)] if conv_filters else []

    def call(self, parts):
        flat = [ops.reshape(p, (ops.shape(p)[0], -1)) for p in parts]
        if self.conv and len(parts) > 2:
            steps = parts[2]
            h = ops.concatenate([steps[:, 1:], steps[:, 1:] - steps[:, :-1]], axis=-1)
            for conv in self.conv:
                h = conv(h)
            flat += [ops.max(h, axis=1), ops.mean(h, axis=1)]
        return self.out(self.mlp(ops.concatenate(flat, axis=-1)))


class AttributeDiscriminator(Discriminator):
    """Critic on [attributes, min/max] only, which sharpens the attribute distribution."""

