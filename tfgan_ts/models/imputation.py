"""GAIN (Yoon, Jordon, van der Schaar, ICML 2018) as a ``keras.Model`` over windows.

The generator sees the observed values with small noise in the gaps plus the mask; the
discriminator sees the imputed window plus a hint (the mask revealed for ``hint_rate`` of the
entries, 0.5 elsewhere) and guesses which entries were observed. Generator loss: fool the
discriminator on the gaps + ``alpha`` × reconstruction error on the observed entries.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ..gan import gain_discriminator_loss, gain_generator_loss, minimize
from .base import GANModel


@keras.saving.register_keras_serializable(package="tfgan_ts")
class ImputationGAN(GANModel):
    """GAIN over windows [batch, window, features] of values scaled to [0, 1].

    Args:
        generator, discriminator: networks from :mod:`tfgan_ts.nn` (e.g.
            ``BiLSTMImputerGenerator()``, ``MLPImputerDiscriminator()``): both map
            ``[values, mask-or-hint]`` to per-entry values in (0, 1).
        hint_rate: share of entries whose mask the hint reveals (paper: 0.9).
        alpha: weight of the reconstruction loss on observed entries (paper: 100).
        noise_scale: the gaps are filled with U(0, noise_scale) noise before the generator.
        hide_rate: share of the observed entries hidden from the generator at each step
            (treated as gaps) while the reconstruction loss still scores them, so that loss
            teaches filling gaps rather than copying inputs (the masked-imputation task of
            SAITS, Du et al. 2023); 0 is plain GAIN.
        seed: seeds training noise and hints. The networks are given, so their initial
            weights are seeded where they are made (their ``seed=``).

    ``fit`` takes a dict dataset ``{"values": ..., "mask": ...}`` (gaps in values may hold
    anything; they are never read) or the two arrays via :meth:`make_dataset`.
    """

    METRICS = ("d_loss", "g_loss", "adversarial", "reconstruction")

    def __init__(self, generator, discriminator, hint_rate: float = 0.9, alpha: float = 100.0,
                 noise_scale: float = 0.01, hide_rate: float = 0.2, seed: int | None = None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        if isinstance(generator, dict):
            generator = keras.saving.deserialize_keras_object(generator)
        if isinstance(discriminator, dict):
            discriminator = keras.saving.deserialize_keras_object(discriminator)
        if not 0.0 <= float(hint_rate) <= 1.0:
            raise ValueError(f"hint_rate must be in [0, 1], got {hint_rate!r}")
        if not float(alpha) >= 0.0:
            raise ValueError(f"alpha must be >= 0, got {alpha!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.hint_rate = float(hint_rate)
        self.alpha = float(alpha)
        self.noise_scale = float(noise_scale)
        if not 0.0 <= float(hide_rate) < 1.0:
            raise ValueError(f"hide_rate must be in [0, 1), got {hide_rate!r}")
        self.hide_rate = float(hide_rate)

    def build(self, input_shape):
        """``input_shape``: (window, features) or (batch, window, features)."""
        shape = tuple(input_shape)[-2:]
        zeros = tf.zeros((1, *shape))
        self.generator([zeros, zeros])
        self.discriminator([zeros, zeros])
        self.built = True

    def compile(self, generator_optimizer=None, discriminator_optimizer=None,
                jit_compile: bool = False, steps_per_execution: int = 1):
        """Adam (lr 1e-3, β1 0.5) for both, unless given."""
        self._compile_gan({"generator_optimizer": generator_optimizer,
                           "discriminator_optimizer": discriminator_optimizer}, {},
                          jit_compile=jit_compile, steps_per_execution=steps_per_execution)

    def _optimizer_pairs(self):
        return [(self.generator_optimizer, self.generator.trainable_variables),
                (self.discriminator_optimizer, self.discriminator.trainable_variables)]

    def _build_networks(self):
        """The networks are built by :meth:`build` from the windows' shape (in ``fit``)."""

    # built from the window shape Keras records, not from a spec
    get_build_config = keras.Model.get_build_config
    build_from_config = keras.Model.build_from_config

    def _inputs(self, values, mask, noise):
        """Observed values with noise in the gaps (the generator's view)."""
        return mask * values + (1.0 - mask) * noise

    def impute_window(self, values, mask, seed=0):
        """Generator output merged with the observed entries, for windows [b, w, f]."""
        values = tf.cast(tf.where(mask > 0, values, 0.0), tf.float32)
        mask = tf.cast(mask, tf.float32)
        noise = tf.random.stateless_uniform(tf.shape(values), seed=[int(seed), 1],
                                            maxval=self.noise_scale)
        generated = tf.cast(self.generator([self._inputs(values, mask, noise), mask]),
                            tf.float32)
        return mask * values + (1.0 - mask) * generated

    def train_step(self, data):
        observed = tf.cast(data["mask"], tf.float32)
        values = tf.where(observed > 0, tf.cast(data["values"], tf.float32), 0.0)
        shape = tf.shape(values)
        hide = tf.cast(keras.random.uniform(shape, seed=self.seed_generator)
                       < self.hide_rate, tf.float32)
        mask = observed * (1.0 - hide)  # what the generator and discriminator treat as known
        noise = keras.random.uniform(shape, maxval=self.noise_scale, seed=self.seed_generator)
        reveal = tf.cast(keras.random.uniform(shape, seed=self.seed_generator)
                         < self.hint_rate, tf.float32)
        hint = reveal * mask + 0.5 * (1.0 - reveal)
        x_in = self._inputs(values, mask, noise)

        def d_loss_fn():
            generated = tf.stop_gradient(self.generator([x_in, mask]))
            imputed = mask * values + (1.0 - mask) * tf.cast(generated, tf.float32)
            return gain_discriminator_loss(mask, self.discriminator([imputed, hint]))

        d_loss = minimize(self.discriminator_optimizer, d_loss_fn,
                          self.discriminator.trainable_variables)

        def g_loss_fn():
            generated = tf.cast(self.generator([x_in, mask]), tf.float32)
            imputed = mask * values + (1.0 - mask) * generated
            probs = self.discriminator([imputed, hint])
            # reconstruction on every observed entry, the hidden ones included
            total, adversarial, mse = gain_generator_loss(mask, probs, values, generated,
                                                          self.alpha, observed=observed)
            return total, (adversarial, mse)

        g_loss, (adversarial, mse) = minimize(self.generator_optimizer, g_loss_fn,
                                              self.generator.trainable_variables)
        return self._update_metrics(dict(d_loss=d_loss, g_loss=g_loss, adversarial=adversarial,
                                         reconstruction=mse))

    def make_dataset(self, values, mask, batch_size: int = 128, shuffle: bool = True,
                     seed=None):
        """Batches of windows; the last partial batch is kept (GAIN has no batch
        statistics)."""
        values = np.asarray(values, np.float32)
        mask = np.asarray(mask, np.float32)
        if values.shape != mask.shape or values.ndim != 3:
            raise ValueError(f"values and mask must both be [windows, window, features]; got "
                             f"{values.shape} and {mask.shape}")
        values = np.where(mask > 0, values, 0.0).astype(np.float32)
        ds = tf.data.Dataset.from_tensor_slices({"values": values, "mask": mask})
        if shuffle:
            ds = ds.shuffle(len(values), seed=seed if seed is not None else self.seed,
                            reshuffle_each_iteration=True)
        return ds.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)

    def fit(self, x=None, mask=None, epochs: int = 1, batch_size: int = 128, callbacks=None,
            verbose="auto", **kwargs):
        """Train on windows ``x`` [n, window, features] with ``mask`` (1 = observed), or on
        a dataset from :meth:`make_dataset`."""
        if isinstance(x, tf.data.Dataset):
            dataset = x
            window_shape = tuple(x.element_spec["values"].shape)[1:]
        else:
            dataset = self.make_dataset(x, mask, batch_size=batch_size)
            window_shape = np.shape(x)[1:]
        if not self.built:
            self.build(window_shape)
        self._ensure_ready()
        kwargs.setdefault("shuffle", False)
        return super().fit(dataset, epochs=epochs, callbacks=callbacks, verbose=verbose,
                           **kwargs)

    def get_config(self):
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "hint_rate": self.hint_rate, "alpha": self.alpha,
            "noise_scale": self.noise_scale, "hide_rate": self.hide_rate,
            **super().get_config(),
        }
