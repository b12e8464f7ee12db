"""DoppelGANger's networks and generator pass: which networks the spec calls for, their
variables, the noise (stateful for training, stateless for reproducible generation)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ..gan.averaging import assign_average, average_variables
from ..nn.blocks import harden
from ..nn.doppelganger import (
    AttributeDiscriminator,
    AttributeGenerator,
    Discriminator,
    FeatureGenerator,
    MinMaxGenerator,
)
from ..seeding import network_seeds


class DoppelGANgerNetworks:
    """Mixin of :class:`DoppelGANger`: building and running its networks."""

    # ------------------------------------------------------------------ networks -----
    def _make_networks(self):
        spec, s = self.spec, self.sizes
        T = spec.max_length_
        if T % self.sample_len:
            divisors = [k for k in range(1, T + 1) if T % k == 0]
            raise ValueError(
                f"sample_len={self.sample_len} does not divide max_length={T}; choose one of "
                f"{divisors} or set the spec's max_length to a multiple of sample_len"
            )
        self.attr_blocks = [(o.dim, o.activation) for o in spec.attribute_outputs()]
        self.derived_blocks = [(o.dim, o.activation) for o in spec.derived_outputs()]
        self.feature_blocks = [(o.dim, o.activation) for o in spec.feature_outputs()]
        self.attribute_dim = spec.attribute_dim
        self.derived_dim = spec.derived_dim
        self.feature_dim = spec.feature_dim
        self.max_length = T
        self.cells = T // self.sample_len
        # every training sequence has max_length steps: no generation flags to learn
        self.variable_length = not bool(spec.fixed_length_)
        seeds = network_seeds(self.weights_seed, 5)
        self.attribute_generator = (
            AttributeGenerator(self.attr_blocks, s["attribute_units"], s["attribute_layers"],
                               seed=seeds[0], name="attribute_generator")
            if self.attribute_dim and self.attribute_source == "generator" else None
        )
        self.minmax_generator = (
            MinMaxGenerator(self.derived_blocks, s["minmax_units"], s["minmax_layers"],
                            seed=seeds[1], name="minmax_generator") if self.derived_dim else None
        )
        self.feature_generator = FeatureGenerator(
            self.feature_blocks, T, self.sample_len, s["lstm_units"], s["lstm_layers"],
            variable_length=self.variable_length, decoder_filters=s["decoder_filters"],
            seed=seeds[2], name="feature_generator")
        self.discriminator = Discriminator(
            s["discriminator_units"], s["discriminator_layers"], s["critic_filters"],
            seed=seeds[3], name="discriminator")
        # no attribute critic when attributes come from a released table (DP)
        self.has_attr_d = self.use_attribute_discriminator and (
            self.attribute_dim + self.derived_dim > 0) and self.attribute_source != "released"
        self.attribute_discriminator = (
            AttributeDiscriminator(s["attribute_discriminator_units"],
                                   s["attribute_discriminator_layers"], seed=seeds[4],
                                   name="attribute_discriminator") if self.has_attr_d else None
        )
        self._networks_ready = True

    def build(self, input_shape=None):  # noqa: ARG002 (shapes come from the spec)
        """Create every variable by running the networks once on zeros."""
        if not self._networks_ready:
            raise ValueError(
                "the model's spec is not fitted yet: call model.fit(df) or fit the spec first")
        z = self._noise(2, seed=0)
        given = (tf.zeros([2, self.attribute_dim], self.compute_dtype)
                 if self.attribute_generator is None else None)
        attr, derived, steps, _ = self._forward(*z, attributes=given)
        self.discriminator([attr, derived, steps])
        if self.has_attr_d:
            self.attribute_discriminator([attr, derived])
        if self.generator_average:
            self._generator_averages = average_variables(self.generator_variables,
                                                         "generator_average")
        if self._uses_embedding:
            self._make_embedding_variables()
        self.built = True

    @property
    def generator_variables(self):
        nets = [self.attribute_generator, self.minmax_generator, self.feature_generator]
        return [v for net in nets if net is not None for v in net.trainable_variables]

    def _use_averaged_generator(self):
        """After training, the generator takes its averaged weights (``generator_average``)."""
        if self.generator_average:
            assign_average(self._generator_averages, self.generator_variables)

    @staticmethod
    def _check_generator_optimizer(optimizer):
        if getattr(optimizer, "use_ema", False):
            raise ValueError("a generator optimizer with use_ema=True would have Keras "
                             "overwrite weights by position at the end of fit; use "
                             "DoppelGANger(generator_average=momentum) instead")

    def _optimizer_pairs(self):
        pairs = [(self.generator_optimizer, self.generator_variables),
                 (self.discriminator_optimizer, self.discriminator.trainable_variables)]
        if self.has_attr_d:
            pairs.append((self.attribute_discriminator_optimizer,
                          self.attribute_discriminator.trainable_variables))
        return pairs

    # ------------------------------------------------------------------ forward ------
    def _noise(self, batch, seed=None):
        """Noise for a batch: from the model's seed generator, or stateless from ``seed``
        (an int or a 2-vector), so generation is reproducible."""
        n_a = self.sizes["attribute_noise_dim"]
        n_f = self.sizes["feature_noise_dim"]
        shapes = [(batch, n_a), (batch, n_a), (batch, self.cells, n_f)]
        if seed is None:
            return [keras.random.normal(s, seed=self.seed_generator) for s in shapes]
        if isinstance(seed, (int, np.integer)):
            seed = tf.constant([int(seed), 0], tf.int64)
        seed = tf.cast(seed, tf.int64)
        # stream i of batch b uses counter 4·b + i: no two draws share a seed
        return [tf.random.stateless_normal(
                    s, seed=seed * tf.constant([1, 4], tf.int64) + tf.constant([0, i], tf.int64))
                for i, s in enumerate(shapes)]

    def _forward(self, z_attr, z_minmax, z_feat, attributes=None):
        """Generator pass. Returns (attributes, derived, steps with flags, mask).

        ``attributes`` (encoded) skips the attribute generator: conditional generation."""
        batch = tf.shape(z_attr)[0]
        dtype = self.compute_dtype
        if attributes is not None:
            attr = tf.cast(attributes, dtype)
        elif self.attribute_generator is not None:
            attr = self.attribute_generator(z_attr)
        else:
            attr = tf.zeros([batch, 0], dtype)
        attr_in = harden(attr, self.attr_blocks) if self.attr_blocks else attr
        if self.minmax_generator is not None:
            derived = self.minmax_generator([z_minmax, attr_in])
        else:
            derived = tf.zeros([batch, 0], attr.dtype)
        steps, mask = self.feature_generator([tf.concat([attr_in, derived], -1), z_feat])
        return attr, derived, steps, mask

