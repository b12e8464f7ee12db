"""DoppelGANger as a ``keras.Model`` with its own ``train_step`` (WGAN-GP).

Lin, Jain, Wang, Fanti, Sekar: "Using GANs for Sharing Networked Time Series Data:
Challenges, Initial Promise, and Open Questions", IMC 2020. Defaults follow the paper.
Input pipelines live in ``sequence_pipeline``, the training data in ``doppelganger_data``,
generation (in memory, in chunks, to files) in ``doppelganger_generation`` and
``sequence_generation``, the networks and generator pass in
``doppelganger_networks``, the DP-SGD step in ``doppelganger_dp``, the one-shot private
mechanism in ``doppelganger_embedding`` and the privacy bookkeeping in ``gan.dp.ledger``.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ..gan import critic_loss, minimize, update_average
from ..gan.losses import wasserstein_generator_loss
from ..spec import SequenceSpec
from .attribute_table import AttributeTable, check_attribute_source
from .base import GANModel, check_positive_int
from .doppelganger_data import SequenceTraining
from .doppelganger_dp import DPTraining, EpsilonLogger
from .doppelganger_embedding import EmbeddingTraining
from .doppelganger_generation import SequenceGeneration
from .doppelganger_networks import DoppelGANgerNetworks
from .sequence_pipeline import poisson_shape


@keras.saving.register_keras_serializable(package="tfgan_ts")
class DoppelGANger(DoppelGANgerNetworks, SequenceTraining, SequenceGeneration, DPTraining,
                   EmbeddingTraining, GANModel):
    """DoppelGANger for sequences with attributes.

    Args:
        spec: a :class:`tfgan_ts.SequenceSpec` (fitted on the first ``fit`` if it is not).
        sample_len: steps emitted per LSTM cell; must divide the spec's max_length.
        attribute_noise_dim, feature_noise_dim: noise sizes (attribute generator and min/max
            generator each get ``attribute_noise_dim``; each LSTM cell ``feature_noise_dim``).
        attribute_units/layers, minmax_units/layers: the two attribute MLPs (3×100).
        lstm_units/layers: the feature generator (1×100).
        discriminator_units/layers, attribute_discriminator_units/layers: critics (5×200).
        use_attribute_discriminator: the auxiliary critic on attributes (paper: on).
        attribute_source: ``"generator"`` (the paper's attribute MLP), ``"empirical"``:
            attributes drawn from the training set's attribute combinations with their
            frequencies (every attribute Discrete; not with ``dp``), and the feature
            generator trained on the real combinations of each batch; ``"released"`` (with
            ``dp``): drawn from a table released once (public attributes exact, noisy
            histograms of the others), no attribute critic; ``"auto"`` (default): empirical,
            or released with ``dp``, where every attribute is Discrete.
        decoder_filters: > 0 replaces the per-cell dense output by ``decoder_filters``
            channels per step and two convolutions along time that span cell boundaries.
        critic_filters: > 0 adds a local convolutional branch over steps and their first
            differences to the critic (smoother, less jagged sequences; about 2× the training
            time); 0 = the paper's MLP critic. Default 32, but 0 with ``dp``: DP-SGD's
            per-example gradients of the convolutions made a step 3.5× slower (the
            embedding mechanism has no critic).
        generator_average: momentum of the exponential moving average of the generator's
            weights that ``fit`` leaves the generator with (sampling from averaged weights
            gives smoother, less noisy sequences; 0 = the last step's weights, as the paper).
        seed: seeds the training noise (not the DP noise or sampling, which always come
            from the operating system).
        weights_seed: seeds the networks' initial weights (None: Keras's global generator).
        dp: a :class:`tfgan_ts.DPConfig` (or its dict): train the critics with DP-SGD on
            Poisson-sampled batches, or release a noisy embedding once and train the
            generator against it (``mechanism="embedding"``); see :meth:`privacy_spent`.
        dp_state: the privacy ledger of a saved model (set by ``load_model``).
    """

    METRICS = ("d_loss", "attr_d_loss", "g_loss", "gp", "attr_gp", "wasserstein")
    OPTIMIZERS = ("generator_optimizer", "discriminator_optimizer",
                  "attribute_discriminator_optimizer")

    def __init__(
        self,
        spec,
        sample_len: int = 1,
        attribute_noise_dim: int = 5,
        feature_noise_dim: int = 5,
        attribute_units: int = 100,
        attribute_layers: int = 3,
        minmax_units: int = 100,
        minmax_layers: int = 3,
        lstm_units: int = 100,
        lstm_layers: int = 1,
        discriminator_units: int = 200,
        discriminator_layers: int = 5,
        attribute_discriminator_units: int = 200,
        attribute_discriminator_layers: int = 5,
        use_attribute_discriminator: bool = True,
        attribute_source: str = "auto",
        decoder_filters: int = 0,
        critic_filters: int | None = None,
        generator_average: float = 0.999,
        seed: int | None = None,
        weights_seed: int | None = None,
        dp=None,
        dp_state: dict | None = None,
        attribute_table: dict | None = None,
        **kwargs,
    ):
        super().__init__(seed=seed, weights_seed=weights_seed, **kwargs)
        if isinstance(spec, dict):
            spec = SequenceSpec.from_config(spec)
        if not isinstance(spec, SequenceSpec):
            raise ValueError(f"spec must be a tg.SequenceSpec, got {type(spec).__name__}")
        # the model owns a copy: refitting the caller's spec later must not change decoding
        spec = SequenceSpec.from_config(spec.get_config())
        sizes = dict(
            sample_len=sample_len, attribute_noise_dim=attribute_noise_dim,
            feature_noise_dim=feature_noise_dim, attribute_units=attribute_units,
            attribute_layers=attribute_layers, minmax_units=minmax_units,
            minmax_layers=minmax_layers, lstm_units=lstm_units, lstm_layers=lstm_layers,
            discriminator_units=discriminator_units, discriminator_layers=discriminator_layers,
            attribute_discriminator_units=attribute_discriminator_units,
            attribute_discriminator_layers=attribute_discriminator_layers,
            decoder_filters=decoder_filters,
            critic_filters=critic_filters if critic_filters is not None else (
                0 if dp is not None else 32),
        )
        for name, value in sizes.items():
            minimum = (0 if name.endswith(("layers", "filters")) and name != "lstm_layers"
                       else 1)
            if not isinstance(value, (int, np.integer)) or value < minimum:
                raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
        self.spec = spec
        self.sizes = {k: int(v) for k, v in sizes.items()}
        self.sample_len = int(sample_len)
        self.use_attribute_discriminator = bool(use_attribute_discriminator)
        self._networks_ready = False
        self._init_dp(dp, dp_state)
        if self._uses_embedding:  # no critics: the loss is the distance to the release
            self.trackers = [keras.metrics.Mean(name="embedding_distance")]
        self._attribute_pool = None
        self.attribute_source = check_attribute_source(attribute_source, spec, self.dp)
        if not isinstance(generator_average, (int, float)) or not 0 <= generator_average < 1:
            raise ValueError("generator_average must be a momentum in [0, 1) (0: off), got "
                             f"{generator_average!r}")
        self.generator_average = float(generator_average)
        self.attribute_table = (AttributeTable.from_config(attribute_table)
                                if attribute_table else None)
        if spec.fitted_:
            self._make_networks()

    def call(self, inputs, training=False):  # noqa: ARG002 (no dropout or batch statistics)
        """``inputs``: [attribute noise, min/max noise, feature noise] → generated
        (attributes, derived attributes, steps with flags, mask)."""
        return self._forward(*inputs)

    # ------------------------------------------------------------------ compile ------
    def compile(
        self,
        generator_optimizer=None,
        discriminator_optimizer=None,
        attribute_discriminator_optimizer=None,
        gp_weight: float = 10.0,
        attribute_gp_weight: float = 10.0,
        g_attr_d_coef: float = 1.0,
        d_rounds: int = 1,
        g_rounds: int = 1,
        jit_compile: bool = False,
        steps_per_execution: int | None = None,
    ):
        """Paper defaults: three Adam(lr 1e-3, β1 0.5), gradient penalty 10 on both critics,
        attribute-critic weight 1 in the generator loss, one critic and one generator step
        per batch. ``steps_per_execution`` batches run per call into TensorFlow (default 16:
        fewer round trips from Python, callbacks see every 16th batch; 1 under a
        multi-replica strategy, where Keras's multi-step loop fails); ``jit_compile`` (XLA) is
        off because on CPUs it was not faster and compiles for ~15 s (benchmarks/RESULTS.md).
        """
        self._check_generator_optimizer(generator_optimizer)
        check_positive_int("d_rounds", d_rounds)
        check_positive_int("g_rounds", g_rounds)
        if steps_per_execution is not None:
            check_positive_int("steps_per_execution", steps_per_execution)
        self._check_dp_precision()
        self.gp_weight = float(gp_weight)
        self.attribute_gp_weight = float(attribute_gp_weight)
        self.g_attr_d_coef = float(g_attr_d_coef)
        self.d_rounds, self.g_rounds = int(d_rounds), int(g_rounds)
        if steps_per_execution is None:
            steps_per_execution = (
                16 if self.distribute_strategy.num_replicas_in_sync == 1 else 1)
        self._compile_gan(
            {"generator_optimizer": generator_optimizer,
             "discriminator_optimizer": discriminator_optimizer,
             "attribute_discriminator_optimizer": attribute_discriminator_optimizer},
            dict(gp_weight=self.gp_weight, attribute_gp_weight=self.attribute_gp_weight,
                 g_attr_d_coef=self.g_attr_d_coef, d_rounds=self.d_rounds,
                 g_rounds=self.g_rounds),
            jit_compile=jit_compile, steps_per_execution=steps_per_execution)

    # ------------------------------------------------------------------ training -----
    def train_step(self, data):
        """d_rounds critic steps, then g_rounds generator steps. The first critic round and
        the first generator step share one generator pass (same noise, as in the original
        DoppelGANger and gretel's DGAN): its tape is paused while the critics update and
        resumed for the generator loss against the updated critics."""
        if self._uses_embedding:
            return self._embedding_train_step(data)
        if self.dp is not None:
            return self._dp_train_step(data)
        real_a = tf.cast(data["attributes"], self.compute_dtype)
        real_d = tf.cast(data["derived_attributes"], self.compute_dtype)
        real_s = tf.cast(data["features"], self.compute_dtype)
        batch = tf.shape(real_s)[0]
        real = [real_a, real_d, real_s]
        cond = real_a if self.attribute_source == "empirical" else None
        g_tape = tf.GradientTape(watch_accessed_variables=False)
        with g_tape:
            g_tape.watch([v.value for v in self.generator_variables])
            shared = list(self._forward(*self._noise(batch), attributes=cond)[:3])
        for r in range(self.d_rounds):
            fake = ([tf.stop_gradient(t) for t in shared] if r == 0
                    else list(self._forward(*self._noise(batch), attributes=cond)[:3]))
            alpha = keras.random.uniform((batch,), seed=self.seed_generator)

            def main_loss(real=real, fake=fake, alpha=alpha):
                total, w, gp = critic_loss(self.discriminator, real, fake, alpha,
                                           self.gp_weight)
                return total, (w, gp)

            d_loss, (w_loss, gp) = minimize(self.discriminator_optimizer, main_loss,
                                            self.discriminator.trainable_variables)
            if self.has_attr_d:
                alpha = keras.random.uniform((batch,), seed=self.seed_generator)

                def attr_loss(real=real[:2], fake=fake[:2], alpha=alpha):
                    total, _, gp = critic_loss(self.attribute_discriminator, real, fake, alpha,
                                               self.attribute_gp_weight)
                    return total, gp

                attr_d_loss, attr_gp = minimize(
                    self.attribute_discriminator_optimizer, attr_loss,
                    self.attribute_discriminator.trainable_variables)
            else:
                attr_gp = attr_d_loss = tf.constant(0.0)

        g_loss = self._generator_steps(batch, shared=(g_tape, shared), cond=cond)
        return self._update_metrics(dict(d_loss=d_loss, attr_d_loss=attr_d_loss, g_loss=g_loss,
                                         gp=gp, attr_gp=attr_gp, wasserstein=-w_loss))

    def _generator_loss(self, fake_a, fake_d, fake_s):
        loss = wasserstein_generator_loss(self.discriminator([fake_a, fake_d, fake_s]))
        if self.has_attr_d:
            loss += self.g_attr_d_coef * wasserstein_generator_loss(
                self.attribute_discriminator([fake_a, fake_d]))
        return loss

    def _generator_steps(self, batch, shared=None, cond=None):
        """g_rounds generator updates (no real data but ``cond``, the batch's attributes
        with ``attribute_source="empirical"``). ``shared``: (tape, generated parts) of a
        generator pass already taken with the current weights, which the first update
        reuses; the others draw fresh noise."""
        for r in range(self.g_rounds):
            if r == 0 and shared is not None:
                tape, parts = shared
                g_loss = minimize(self.generator_optimizer,
                                  lambda parts=parts: self._generator_loss(*parts),
                                  self.generator_variables, tape=tape)
            else:
                g_loss = minimize(
                    self.generator_optimizer,
                    lambda: self._generator_loss(
                        *self._forward(*self._noise(batch), attributes=cond)[:3]),
                    self.generator_variables)
        if self.generator_average:
            update_average(self._generator_averages, self.generator_variables,
                           self.generator_average)
        return g_loss

    def fit(self, x=None, epochs: int = 1, batch_size: int | None = None, shuffle: bool = True,
            callbacks=None, verbose="auto", **kwargs):
        """Train on a long/wide DataFrame (the spec is fitted on it if not yet), a
        SequenceData, a tf.data.Dataset from :meth:`make_dataset`, or the path of Parquet
        files (or a CSV) larger than memory, read a chunk at a time every epoch. Returns the History
        (d_loss, attr_d_loss, g_loss, gp, attr_gp, wasserstein per epoch). With
        ``DPConfig(mechanism="embedding")`` the data are read once (the release) and an
        epoch is ⌈n / batch_size⌉ generator steps of ``batch_size`` generated sequences;
        History has ``embedding_distance``."""
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        if self.dp is not None:
            self._check_restart(callbacks)
        if self._uses_embedding:
            kwargs.setdefault("shuffle", False)
            history = self._embedding_fit(x, epochs, batch_size or 100, callbacks, verbose,
                                          super().fit, **kwargs)
            self._use_averaged_generator()
            return history
        if isinstance(x, tf.data.Dataset):
            if not self.spec.fitted_:
                raise ValueError("fit on a tf.data.Dataset needs a fitted spec: spec.fit(df)")
            if batch_size is not None:
                raise ValueError("a tf.data.Dataset is batched already: pass batch_size to "
                                 "model.make_dataset(...), not to fit")
            dataset = x
        else:
            dataset = self.make_dataset(x, batch_size=batch_size or 100, shuffle=shuffle)
        self._ensure_ready()
        kwargs.setdefault("shuffle", False)  # the dataset is shuffled already
        if self.dp is None:
            history = super().fit(dataset, epochs=epochs, callbacks=callbacks,
                                  verbose=verbose, **kwargs)
            self._use_averaged_generator()
            return history
        self._dp_begin(poisson_shape(dataset), epochs, kwargs.get("steps_per_epoch"))
        self._set_attribute_pool()
        callbacks = [EpsilonLogger(), *(callbacks or [])]
        try:
            history = super().fit(dataset, epochs=epochs, callbacks=callbacks,
                                  verbose=verbose, **kwargs)
        finally:
            self.ledger.close()
        self._use_averaged_generator()
        return history

    # ------------------------------------------------------------------ config -------
    def get_config(self):
        return {
            "spec": self.spec.get_config(),
            **self.sizes,
            "use_attribute_discriminator": self.use_attribute_discriminator,
            "attribute_source": self.attribute_source,
            "generator_average": self.generator_average,
            "attribute_table": (self.attribute_table.get_config()
                                if self.attribute_table is not None else None),
            **super().get_config(),
            **self._dp_config(),
        }
