"""GAIN (Yoon, Jordon, van der Schaar, ICML 2018) over windows, with a generator that corrects
linear interpolation and learns on observed entries hidden on purpose (the masked-imputation
task of SAITS, Du et al. 2023).

A batch is a dict of ``[batch, window, features]`` float tensors:

* ``values``: the series scaled to [0, 1] (anything where ``observed`` is 0);
* ``observed``: 1 where the value is known;
* ``mask``: 1 where the generator may read the value — ``observed`` minus the entries hidden
  for this batch (the training targets);
* ``prior``, ``distances``: the interpolation and gap distances computed with ``mask``
  (:func:`tfgan_ts.gap_context.gap_context`).

The generator sees ``[prior, mask, distances]``; the discriminator sees the imputed window
plus a hint (the mask revealed for ``hint_rate`` of the entries, 0.5 elsewhere) and guesses
which entries were observed. Generator loss: fool the discriminator on the gaps + ``alpha`` ×
the squared error on the hidden observed entries.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from ..gan import gain_discriminator_loss, gain_generator_loss, minimize
from .base import GANModel

KEYS = ("values", "observed", "mask", "prior", "distances")


@keras.saving.register_keras_serializable(package="tfgan_ts")
class ImputationGAN(GANModel):
    """GAIN over windows whose generator corrects a prior (see the module docstring).

    Args:
        generator, discriminator: networks from :mod:`tfgan_ts.nn`, e.g.
            ``BiLSTMImputerGenerator()`` and ``MLPImputerDiscriminator()``.
        hint_rate: share of entries whose mask the hint reveals (paper: 0.9).
        alpha: weight of the squared error on the hidden entries (paper: 100).
        seed: seeds the hints. The networks are given, so their initial weights are seeded
            where they are made (their ``seed=``).

    ``fit`` takes a dataset of batches as above (``GANImputer`` builds one from a series).
    """

    METRICS = ("d_loss", "g_loss", "adversarial", "reconstruction")

    def __init__(self, generator, discriminator, hint_rate: float = 0.9, alpha: float = 100.0,
                 seed: int | None = None, **kwargs):
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

    def build(self, input_shape):
        """``input_shape``: (window, features) or (batch, window, features)."""
        window, features = tuple(input_shape)[-2:]
        zeros = tf.zeros((1, window, features))
        self.generator([zeros, zeros, tf.zeros((1, window, 2 * features))])
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

    def estimate(self, prior, mask, distances):
        """The generator's value for every entry of windows ``[b, w, f]`` (float32)."""
        return tf.cast(self.generator([tf.cast(prior, tf.float32), tf.cast(mask, tf.float32),
                                       tf.cast(distances, tf.float32)]), tf.float32)

    def impute_window(self, values, mask, prior, distances):
        """The generator's estimate on the gaps, the observed values elsewhere."""
        mask = tf.cast(mask, tf.float32)
        values = tf.where(mask > 0, tf.cast(values, tf.float32), 0.0)
        return mask * values + (1.0 - mask) * self.estimate(prior, mask, distances)

    def train_step(self, data):
        observed = tf.cast(data["observed"], tf.float32)
        mask = tf.cast(data["mask"], tf.float32) * observed
        values = tf.where(observed > 0, tf.cast(data["values"], tf.float32), 0.0)
        targets = observed * (1.0 - mask)  # observed entries hidden from the generator
        reveal = tf.cast(keras.random.uniform(tf.shape(mask), seed=self.seed_generator)
                         < self.hint_rate, tf.float32)
        hint = reveal * mask + 0.5 * (1.0 - reveal)
        inputs = (data["prior"], mask, data["distances"])

        def d_loss_fn():
            imputed = mask * values + (1.0 - mask) * tf.stop_gradient(self.estimate(*inputs))
            return gain_discriminator_loss(mask, self.discriminator([imputed, hint]))

        d_loss = minimize(self.discriminator_optimizer, d_loss_fn,
                          self.discriminator.trainable_variables)

        def g_loss_fn():
            generated = self.estimate(*inputs)
            imputed = mask * values + (1.0 - mask) * generated
            probs = self.discriminator([imputed, hint])
            total, adversarial, mse = gain_generator_loss(mask, probs, values, generated,
                                                          self.alpha, observed=targets)
            return total, (adversarial, mse)

        g_loss, (adversarial, mse) = minimize(self.generator_optimizer, g_loss_fn,
                                              self.generator.trainable_variables)
        return self._update_metrics(dict(d_loss=d_loss, g_loss=g_loss, adversarial=adversarial,
                                         reconstruction=mse))

    def fit(self, x=None, epochs: int = 1, steps_per_epoch=None, callbacks=None,
            verbose="auto", **kwargs):
        """Train on a ``tf.data.Dataset`` of batch dicts (see the module docstring)."""
        if not isinstance(x, tf.data.Dataset):
            raise ValueError("ImputationGAN.fit takes a tf.data.Dataset of dicts with keys "
                             f"{KEYS}; tg.GANImputer builds one from a series with gaps")
        missing = [k for k in KEYS if k not in x.element_spec]
        if missing:
            raise ValueError(f"the dataset's batches lack {missing}; they need {KEYS}")
        if not self.built:
            self.build(tuple(x.element_spec["values"].shape)[1:])
        self._ensure_ready()
        kwargs.setdefault("shuffle", False)
        return super().fit(x, epochs=epochs, steps_per_epoch=steps_per_epoch,
                           callbacks=callbacks, verbose=verbose, **kwargs)

    def get_config(self):
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "hint_rate": self.hint_rate, "alpha": self.alpha,
            **super().get_config(),
        }
