"""DoppelGANger as a ``keras.Model`` with its own ``train_step`` (WGAN-GP).

Lin, Jain, Wang, Fanti, Sekar: "Using GANs for Sharing Networked Time Series Data:
Challenges, Initial Promise, and Open Questions", IMC 2020. Defaults follow the paper.
"""

from __future__ import annotations

import dataclasses
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from ..gan import dp as dpsgd
from ..gan import gradient_penalty, make_optimizer, minimize, prepare_optimizer
from ..gan.losses import wasserstein_critic_loss, wasserstein_generator_loss
from ..nn.blocks import harden
from ..nn.doppelganger import (
    AttributeDiscriminator,
    AttributeGenerator,
    Discriminator,
    FeatureGenerator,
    MinMaxGenerator,
)
from ..runtime import available_cores
from ..sequence_data import SequenceData
from ..spec import SequenceSpec

_METRICS = ("d_loss", "attr_d_loss", "g_loss", "gp", "attr_gp", "wasserstein")


class PrivacySpent(NamedTuple):
    """(epsilon, delta) of the differential-privacy guarantee for the steps taken."""

    epsilon: float
    delta: float

    def __repr__(self):
        return f"PrivacySpent(epsilon={self.epsilon:.4g}, delta={self.delta:.3g})"


class _Box:
    """Holds an object out of Keras/TF tracking (never saved)."""

    def __init__(self, value=None):
        self.value = value


class EpsilonLogger(keras.callbacks.Callback):
    """Adds the epsilon spent so far to each epoch's logs (so History and the progress bar
    show it). Put first so the callbacks after it see the value."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["epsilon"] = self.model.privacy_spent().epsilon


def real_steps(data: SequenceData, variable_length: bool = True) -> np.ndarray:
    """Features with the (continue, end) flag pair appended per step, zero after the end —
    the form the feature generator emits (no flags for fixed-length data)."""
    if not variable_length:
        return data.features.astype(np.float32)
    flags = data.gen_flags
    cont = np.concatenate([flags[:, 1:], np.zeros_like(flags[:, :1])], axis=1)
    end = flags - cont
    return np.concatenate([data.features, cont[..., None], end[..., None]], axis=-1).astype(
        np.float32
    )


def without_autotune(ds: tf.data.Dataset) -> tf.data.Dataset:
    """tf.data's autotuner runs a background thread that, on a 2-core machine, made every
    few epochs take twice as long (traffic: 0.30 vs 0.60 s); the pipelines here are arrays
    in memory with nothing to tune."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


@keras.saving.register_keras_serializable(package="tfgan_ts")
class DoppelGANger(keras.Model):
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
        seed: seeds the training noise (not the DP noise or sampling, which always come
            from the operating system).
        dp: a :class:`tfgan_ts.DPConfig` (or its dict) to train the critics with DP-SGD on
            Poisson-sampled batches; see :meth:`privacy_spent`.
    """

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
        seed: int | None = None,
        dp=None,
        dp_state: dict | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
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
        )
        for name, value in sizes.items():
            minimum = 0 if name.endswith("layers") and name != "lstm_layers" else 1
            if not isinstance(value, (int, np.integer)) or value < minimum:
                raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
        self.spec = spec
        self.sizes = {k: int(v) for k, v in sizes.items()}
        self.sample_len = int(sample_len)
        self.use_attribute_discriminator = bool(use_attribute_discriminator)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._networks_ready = False
        self._dg_compiled = False
        self.trackers = [keras.metrics.Mean(name=n) for n in _METRICS]
        self.dp = None if dp is None else dpsgd.DPConfig.from_config(dp)
        if self.dp is not None:
            # discriminator steps taken under DP, saved with the weights; the ledger of
            # (q, σ) segments that they belong to lives in the config
            self.dp_steps = self.add_weight(
                shape=(), dtype="int64", initializer="zeros", trainable=False,
                aggregation="only_first_replica", name="dp_discriminator_steps")
            state = dict(dp_state or {})
            self._dp_segments = [dpsgd.Segment(**seg) for seg in state.get("segments", [])]
            self._dp_delta = state.get("delta")
            self._dp_n = state.get("n")
            self._dp_schema_excluded = list(state.get("schema_excluded", []))
            self._dp_open = None  # (segment, counter at its start) while fit runs
            self._dp_runtime = None
            self._dp_rng = _Box()
        elif dp_state:
            raise ValueError("dp_state given without dp")
        if spec.fitted_:
            self._make_networks()

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
        self.attribute_generator = (
            AttributeGenerator(self.attr_blocks, s["attribute_units"], s["attribute_layers"],
                               name="attribute_generator") if self.attribute_dim else None
        )
        self.minmax_generator = (
            MinMaxGenerator(self.derived_blocks, s["minmax_units"], s["minmax_layers"],
                            name="minmax_generator") if self.derived_dim else None
        )
        self.feature_generator = FeatureGenerator(
            self.feature_blocks, T, self.sample_len, s["lstm_units"], s["lstm_layers"],
            variable_length=self.variable_length, name="feature_generator")
        self.discriminator = Discriminator(
            s["discriminator_units"], s["discriminator_layers"], name="discriminator")
        self.has_attr_d = self.use_attribute_discriminator and (
            self.attribute_dim + self.derived_dim > 0)
        self.attribute_discriminator = (
            AttributeDiscriminator(s["attribute_discriminator_units"],
                                   s["attribute_discriminator_layers"],
                                   name="attribute_discriminator") if self.has_attr_d else None
        )
        self._networks_ready = True

    def build(self, input_shape=None):
        """Create every variable by running the networks once on zeros."""
        if not self._networks_ready:
            raise ValueError(
                "the model's spec is not fitted yet: call model.fit(df) or fit the spec first")
        z = self._noise(2, seed=0)
        attr, derived, steps, _ = self._forward(*z)
        self.discriminator([attr, derived, steps])
        if self.has_attr_d:
            self.attribute_discriminator([attr, derived])
        self.built = True

    def _ensure_ready(self):
        """Networks, variables, compile state and optimizer slots, created under the
        distribution strategy the model was made in."""
        with self.distribute_strategy.scope():
            self._ensure_ready_in_scope()

    def _ensure_ready_in_scope(self):
        self._ensure_networks_built()
        if not self._dg_compiled:
            self.compile()
        self._build_optimizers()

    def _build_optimizers(self):
        """Optimizer slots created up front, not lazily inside the traced train step."""
        for opt, variables in self._optimizer_pairs():
            if not opt.built:
                opt.build(variables)

    @property
    def generator_variables(self):
        nets = [self.attribute_generator, self.minmax_generator, self.feature_generator]
        return [v for net in nets if net is not None for v in net.trainable_variables]

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

    def call(self, inputs, training=False):
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
        for name, value in (("d_rounds", d_rounds), ("g_rounds", g_rounds),
                            ("steps_per_execution",
                             1 if steps_per_execution is None else steps_per_execution)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if self.dp is not None and keras.mixed_precision.dtype_policy().compute_dtype == "float16":
            raise ValueError(
                "DP-SGD does not run under the mixed_float16 policy: loss scaling skips "
                "overflowing steps, and whether a step overflows depends on the data outside "
                "the accountant's view. Use float32 or mixed_bfloat16")
        self.generator_optimizer = prepare_optimizer(make_optimizer(generator_optimizer))
        self.discriminator_optimizer = prepare_optimizer(make_optimizer(discriminator_optimizer))
        self.attribute_discriminator_optimizer = prepare_optimizer(
            make_optimizer(attribute_discriminator_optimizer))
        self.gp_weight = float(gp_weight)
        self.attribute_gp_weight = float(attribute_gp_weight)
        self.g_attr_d_coef = float(g_attr_d_coef)
        self.d_rounds, self.g_rounds = int(d_rounds), int(g_rounds)
        if steps_per_execution is None:
            steps_per_execution = (
                16 if self.distribute_strategy.num_replicas_in_sync == 1 else 1)
        self._dg_compile_args = dict(
            gp_weight=self.gp_weight, attribute_gp_weight=self.attribute_gp_weight,
            g_attr_d_coef=self.g_attr_d_coef, d_rounds=self.d_rounds, g_rounds=self.g_rounds,
            jit_compile=bool(jit_compile), steps_per_execution=int(steps_per_execution),
            generator_optimizer=keras.optimizers.serialize(self.generator_optimizer),
            discriminator_optimizer=keras.optimizers.serialize(self.discriminator_optimizer),
            attribute_discriminator_optimizer=keras.optimizers.serialize(
                self.attribute_discriminator_optimizer),
        )
        super().compile(optimizer=self.generator_optimizer, jit_compile=bool(jit_compile),
                        steps_per_execution=int(steps_per_execution))
        self._dg_compiled = True

    def get_compile_config(self):
        return dict(self._dg_compile_args) if self._dg_compiled else None

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("generator_optimizer", "discriminator_optimizer",
                    "attribute_discriminator_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key])
        self.compile(**config)
        if self._networks_ready:
            self._build_optimizers()

    @property
    def metrics(self):
        return list(getattr(self, "trackers", []))

    # ------------------------------------------------------------------ training -----
    def train_step(self, data):
        """d_rounds critic steps, then g_rounds generator steps. The first critic round and
        the first generator step share one generator pass (same noise, as in the original
        DoppelGANger and gretel's DGAN): its tape is paused while the critics update and
        resumed for the generator loss against the updated critics."""
        if self.dp is not None:
            return self._dp_train_step(data)
        real_a = tf.cast(data["attributes"], self.compute_dtype)
        real_d = tf.cast(data["derived_attributes"], self.compute_dtype)
        real_s = tf.cast(data["features"], self.compute_dtype)
        batch = tf.shape(real_s)[0]
        real = [real_a, real_d, real_s]
        g_tape = tf.GradientTape(watch_accessed_variables=False)
        with g_tape:
            g_tape.watch([v.value for v in self.generator_variables])
            shared = list(self._forward(*self._noise(batch))[:3])
        for r in range(self.d_rounds):
            fake = ([tf.stop_gradient(t) for t in shared] if r == 0
                    else list(self._forward(*self._noise(batch))[:3]))
            alpha = keras.random.uniform((batch,), seed=self.seed_generator)

            def critic_loss(critic=self.discriminator, real=real, fake=fake, alpha=alpha):
                w_loss = wasserstein_critic_loss(critic(real), critic(fake))
                gp = gradient_penalty(critic, real, fake, alpha)
                return w_loss + self.gp_weight * gp, (w_loss, gp)

            d_loss, (w_loss, gp) = minimize(self.discriminator_optimizer, critic_loss,
                                            self.discriminator.trainable_variables)
            if self.has_attr_d:
                alpha = keras.random.uniform((batch,), seed=self.seed_generator)

                def attr_critic_loss(critic=self.attribute_discriminator, real=real[:2],
                                     fake=fake[:2], alpha=alpha):
                    w = wasserstein_critic_loss(critic(real), critic(fake))
                    gp = gradient_penalty(critic, real, fake, alpha)
                    return w + self.attribute_gp_weight * gp, gp

                attr_d_loss, attr_gp = minimize(
                    self.attribute_discriminator_optimizer, attr_critic_loss,
                    self.attribute_discriminator.trainable_variables)
            else:
                attr_gp = attr_d_loss = tf.constant(0.0)

        g_loss = self._generator_steps(batch, shared=(g_tape, shared))
        return self._update_metrics(dict(d_loss=d_loss, attr_d_loss=attr_d_loss, g_loss=g_loss,
                                         gp=gp, attr_gp=attr_gp, wasserstein=-w_loss))

    def _generator_loss(self, fake_a, fake_d, fake_s):
        loss = wasserstein_generator_loss(self.discriminator([fake_a, fake_d, fake_s]))
        if self.has_attr_d:
            loss += self.g_attr_d_coef * wasserstein_generator_loss(
                self.attribute_discriminator([fake_a, fake_d]))
        return loss

    def _generator_steps(self, batch, shared=None):
        """g_rounds generator updates (no real data: post-processing). ``shared``: (tape,
        generated parts) of a generator pass already taken with the current weights, which
        the first update reuses; the others draw fresh noise."""
        for r in range(self.g_rounds):
            if r == 0 and shared is not None:
                tape, parts = shared
                g_loss = minimize(self.generator_optimizer,
                                  lambda parts=parts: self._generator_loss(*parts),
                                  self.generator_variables, tape=tape)
            else:
                g_loss = minimize(
                    self.generator_optimizer,
                    lambda: self._generator_loss(*self._forward(*self._noise(batch))[:3]),
                    self.generator_variables)
        return g_loss

    def _update_metrics(self, values):
        for tracker in self.trackers:
            tracker.update_state(tf.cast(values[tracker.name], tf.float32))
        return {t.name: t.result() for t in self.trackers}

    # ------------------------------------------------------------------ DP-SGD -------
    def _dp_example_loss(self, inputs):
        """Each example's critic loss, both critics: W-loss + λ·gradient penalty."""
        real, fake, alphas = inputs
        d = self.discriminator
        w = wasserstein_critic_loss(d(real), d(fake), per_example=True)
        gp = gradient_penalty(d, real, fake, alphas[:, 0], per_example=True)
        loss = w + self.gp_weight * gp
        aux = {"d_loss": loss, "gp": gp, "wasserstein": -w}
        if self.has_attr_d:
            a = self.attribute_discriminator
            w_a = wasserstein_critic_loss(a(real[:2]), a(fake[:2]), per_example=True)
            gp_a = gradient_penalty(a, real[:2], fake[:2], alphas[:, 1], per_example=True)
            aux.update(attr_d_loss=w_a + self.attribute_gp_weight * gp_a, attr_gp=gp_a)
            loss = loss + aux["attr_d_loss"]
        return loss, aux

    def _dp_train_step(self, data):
        """d_rounds DP-SGD critic steps, each on its own Poisson sample (both critics see
        the same sample and are clipped jointly: one Gaussian mechanism per step), then the
        generator steps."""
        clip, sigma, expected = self._dp_runtime
        dtype = self.compute_dtype
        n_main = len(self.discriminator.trainable_variables)
        variables = list(self.discriminator.trainable_variables)
        if self.has_attr_d:
            variables += self.attribute_discriminator.trainable_variables
        for r in range(self.d_rounds):
            real = [tf.cast(data[k][:, r], dtype)
                    for k in ("attributes", "derived_attributes", "features")]
            mask = data["mask"][:, r]
            # drop the padding rows, except under XLA (static shapes) and across replicas
            # (the gradient all-reduce then fails on varying per-replica shapes)
            if not self.jit_compile and self.distribute_strategy.num_replicas_in_sync == 1:
                real, mask = dpsgd.included_rows(real, mask)
            rows = tf.shape(mask)[0]
            fake = [tf.stop_gradient(t) for t in self._forward(*self._noise(rows))[:3]]
            alphas = keras.random.uniform((rows, 2), seed=self.seed_generator)
            grads, means, _ = dpsgd.dp_gradients(
                self._dp_example_loss, (real, fake, alphas), mask, variables,
                clip, sigma, expected, self._dp_rng.value)
            self.discriminator_optimizer.apply_gradients(
                zip(grads[:n_main], variables[:n_main], strict=True))
            if self.has_attr_d:
                self.attribute_discriminator_optimizer.apply_gradients(
                    zip(grads[n_main:], variables[n_main:], strict=True))
            self.dp_steps.assign_add(tf.constant(1, tf.int64))
        g_loss = self._generator_steps(int(round(expected)))
        zero = tf.constant(0.0)
        return self._update_metrics(dict(
            d_loss=means["d_loss"], attr_d_loss=means.get("attr_d_loss", zero), g_loss=g_loss,
            gp=means["gp"], attr_gp=means.get("attr_gp", zero),
            wasserstein=means["wasserstein"]))

    def make_dataset(self, x, batch_size: int = 100, shuffle: bool = True, seed=None):
        """A ``tf.data.Dataset`` of training batches from a DataFrame or SequenceData (fits the
        spec on a DataFrame if it is not fitted yet). Batches have a fixed size (the last
        partial batch of each pass is left out; with shuffling, a different one each epoch).

        With ``dp``: Poisson-sampled batches instead (each example in with probability
        batch_size / n at every discriminator step, padded to a fixed size with a mask);
        ``shuffle`` does not apply and ``seed`` is refused, as the sampling must stay secret.
        """
        x = self._training_data(x)
        n = len(x)
        if self.dp is not None:
            if seed is not None:
                raise ValueError("with dp the Poisson sampling is seeded from the operating "
                                 "system: a known seed would void the amplification by "
                                 "sampling that the accountant assumes; drop seed=")
            return self._dp_dataset(x, batch_size)
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if batch_size > n:
            warnings.warn(f"batch_size={batch_size} is larger than the {n} training sequences; "
                          f"using batch_size={n}", stacklevel=2)
            batch_size = n
        arrays = {"attributes": x.attributes, "derived_attributes": x.derived_attributes,
                  "features": real_steps(x, self.variable_length)}
        ds = tf.data.Dataset.from_tensor_slices(arrays)
        if shuffle:
            ds = ds.shuffle(n, seed=seed if seed is not None else self.seed,
                            reshuffle_each_iteration=True)
        return without_autotune(ds.batch(batch_size, drop_remainder=True).prefetch(2))

    def _training_data(self, x) -> SequenceData:
        """``x`` as a checked SequenceData (the spec fitted on a DataFrame if need be)."""
        if isinstance(x, pd.DataFrame):
            if not self.spec.fitted_:
                self.spec.fit(x)
            x = self.spec.transform(x)
        if not isinstance(x, SequenceData):
            raise ValueError(
                "fit takes a long/wide DataFrame, a tg.SequenceData or a tf.data.Dataset "
                f"from model.make_dataset; got {type(x).__name__}")
        if not self._networks_ready:
            self._make_networks()
        self.spec.check_layout(x)
        if len(x) == 0:
            raise ValueError("there are no sequences to train on")
        return x

    def _dp_dataset(self, x: SequenceData, batch_size: int):
        """One epoch of Poisson-sampled padded batches; the plan rides on the dataset."""
        if not self._dg_compiled:
            self._ensure_ready()
        replicas = self.distribute_strategy.num_replicas_in_sync
        plan = dpsgd.poisson_plan(len(x), batch_size, multiple_of=replicas)
        arrays = {"attributes": x.attributes, "derived_attributes": x.derived_attributes,
                  "features": real_steps(x, self.variable_length)}
        ds = without_autotune(dpsgd.poisson_dataset(arrays, plan, rounds=self.d_rounds))
        ds = ds.apply(tf.data.experimental.assert_cardinality(plan.steps_per_epoch))
        ds._tfgan_dp = (plan, self.d_rounds)
        return ds

    def fit(self, x=None, epochs: int = 1, batch_size: int | None = None, shuffle: bool = True,
            callbacks=None, verbose="auto", **kwargs):
        """Train on a long/wide DataFrame (the spec is fitted on it if not yet), a
        SequenceData, or a tf.data.Dataset from :meth:`make_dataset`. Returns the History
        (d_loss, attr_d_loss, g_loss, gp, attr_gp, wasserstein per epoch)."""
        if isinstance(x, tf.data.Dataset):
            if not self.spec.fitted_:
                raise ValueError("fit on a tf.data.Dataset needs a fitted spec: spec.fit(df)")
            if batch_size is not None:
                raise ValueError("a tf.data.Dataset is batched already: pass batch_size to "
                                 "model.make_dataset(...), not to fit")
            dataset = x
        else:
            dataset = self.make_dataset(x, batch_size=batch_size or 100, shuffle=shuffle)
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        self._ensure_ready()
        kwargs.setdefault("shuffle", False)  # the dataset is shuffled already
        if self.dp is None:
            return super().fit(dataset, epochs=epochs, callbacks=callbacks, verbose=verbose,
                               **kwargs)
        self._dp_begin(dataset, epochs, kwargs.get("steps_per_epoch"))
        callbacks = [EpsilonLogger(), *(callbacks or [])]
        try:
            return super().fit(dataset, epochs=epochs, callbacks=callbacks, verbose=verbose,
                               **kwargs)
        finally:
            self._dp_close_segments()

    # ------------------------------------------------------------------ privacy ------
    def _dp_begin(self, dataset, epochs, steps_per_epoch=None):
        """Check the schema, fix δ and σ (calibrated to target_epsilon for the planned
        steps), open a ledger segment."""
        tag = getattr(dataset, "_tfgan_dp", None)
        if tag is None:
            raise ValueError(
                "with dp, fit takes a DataFrame, a SequenceData or model.make_dataset(...): "
                "other datasets are not Poisson-sampled, which the privacy accounting assumes")
        plan, rounds = tag
        if rounds != self.d_rounds:
            raise ValueError(f"the dataset was made for d_rounds={rounds} but the model is "
                             f"compiled with d_rounds={self.d_rounds}; call make_dataset again")
        if steps_per_epoch is not None:
            raise ValueError("with dp an epoch is fixed by the dataset; drop steps_per_epoch")
        leaks = self.spec.data_derived_schema()
        if leaks and not self.dp.allow_data_derived_schema:
            raise ValueError(
                "DP-SGD protects the training steps, not facts that the spec read off the "
                f"data: {leaks}. Declare them from public knowledge (Continuous(name, "
                "bounds=(low, high)), Discrete(name, categories=[...]), "
                "SequenceSpec(max_length=...); Binned edges are always fitted, use Continuous "
                "with bounds), or pass DPConfig(allow_data_derived_schema=True) to train with "
                "a guarantee that excludes them")
        self._dp_schema_excluded = list(leaks)
        if self._dp_n is None:
            self._dp_n = plan.n
            self._dp_delta = self.dp.resolve_delta(plan.n)
        steps = int(epochs) * plan.steps_per_epoch * self.d_rounds
        self._dp_close_segments()
        if self.dp.noise_multiplier is not None:
            sigma = self.dp.noise_multiplier
        else:
            sigma = dpsgd.calibrate_noise_multiplier(
                self.dp.target_epsilon, self._dp_delta, plan, steps, self.dp.accountant,
                spent=self._dp_segments)
        segment = dpsgd.Segment(plan.sampling_probability, sigma, plan.overflow_probability)
        self._dp_open = (segment, int(self.dp_steps.numpy()))
        runtime = (self.dp.l2_norm_clip, float(sigma), float(plan.batch_size))
        if runtime != self._dp_runtime:
            self._dp_runtime = runtime
            self.train_function = None  # the step bakes in σ and the batch size
        if self._dp_rng.value is None:
            with self.distribute_strategy.scope():
                self._dp_rng.value = dpsgd.noise_generator()

    def _dp_close_segments(self):
        """Record the steps of the open segment (if any) in the ledger."""
        if self._dp_open is not None:
            segment, start = self._dp_open
            segment.steps = int(self.dp_steps.numpy()) - start
            if segment.steps:
                self._dp_segments.append(segment)
            self._dp_open = None

    def _dp_ledger(self):
        """All segments, the open one with its steps so far."""
        segments = list(self._dp_segments)
        if self._dp_open is not None:
            open_seg, start = self._dp_open
            segments.append(dpsgd.Segment(
                open_seg.sampling_probability, open_seg.noise_multiplier,
                open_seg.overflow_probability, int(self.dp_steps.numpy()) - start))
        return segments

    def privacy_spent(self) -> PrivacySpent:
        """(epsilon, delta) for the discriminator steps actually taken, from dp-accounting
        over Poisson-subsampled Gaussian events; (0, δ) before training."""
        if self.dp is None:
            raise ValueError("this model was trained without differential privacy: create it "
                             "with tg.DoppelGANger(..., dp=tg.DPConfig(...))")
        if self._dp_delta is None:
            return PrivacySpent(0.0, self.dp.delta if self.dp.delta is not None else 1e-5)
        eps = dpsgd.compute_epsilon(self._dp_ledger(), self._dp_delta, self.dp.accountant)
        return PrivacySpent(eps, self._dp_delta)

    def privacy_report(self) -> dict:
        """What the guarantee says and rests on, for the report and the CLI."""
        spent = self.privacy_spent()
        ledger = [s for s in self._dp_ledger() if s.steps]
        sigmas = sorted({round(s.noise_multiplier, 6) for s in ledger})
        qs = sorted({round(s.sampling_probability, 6) for s in ledger})
        schema = ("declared in the spec (covered)" if not self._dp_schema_excluded else
                  "NOT covered, fitted from the data: " + ", ".join(self._dp_schema_excluded))
        return {
            "epsilon": spent.epsilon,
            "delta": spent.delta,
            "accountant": {"rdp": "RDP (dp-accounting)", "pld": "PLD (dp-accounting)"}[
                self.dp.accountant],
            "neighbouring": dpsgd.NEIGHBOURING,
            "noise_multiplier": sigmas[0] if len(sigmas) == 1 else sigmas,
            "l2_norm_clip": self.dp.l2_norm_clip,
            "sampling_probability": qs[0] if len(qs) == 1 else qs,
            "discriminator_steps": int(sum(s.steps for s in ledger)),
            "truncation_delta": dpsgd.overflow_delta(ledger),
            "schema": schema,
            "assumptions": "; ".join(dpsgd.ASSUMPTIONS),
        }

    # ------------------------------------------------------------------ generation ---
    def generate_arrays(self, n: int | None = None, attributes=None, seed=None,
                        batch_size: int = 1000) -> SequenceData:
        """Generate ``n`` sequences, or one per row of the ``attributes`` DataFrame
        (conditional generation), as a SequenceData. The same seed and batch_size give
        the same sequences."""
        if not self._networks_ready or not self.built:
            raise ValueError("the model is not trained yet: call model.fit(...) first")
        cond = None
        if attributes is not None:
            if not self.attribute_dim:
                raise ValueError("this spec has no attributes to condition on")
            cond = self.spec.transform_attributes(attributes)
            if n is not None and n != len(cond):
                raise ValueError(f"n={n} but {len(cond)} attribute rows were given; pass one")
            n = len(cond)
        if n is None or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"n must be a positive integer (number of sequences), got {n!r}")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if seed is None:
            seed = int(np.random.default_rng().integers(2**31 - 1))
        fn = self._generation_function(cond is not None)

        def one_batch(b):
            start = b * batch_size
            m = min(batch_size, n - start)
            args = [tf.constant(m, tf.int32), tf.constant([int(seed), b], tf.int64)]
            if cond is not None:
                args.append(tf.constant(cond[start:start + m]))
            return [t.numpy() for t in fn(*args)]

        n_batches = -(-n // batch_size)
        outs = [one_batch(0)]  # traces the function once, before any parallel call
        workers = min(n_batches - 1, available_cores())
        if workers > 1:
            # batches are independent (batch b always draws from seed (seed, b)); running
            # them side by side uses every core when each operation runs on one thread
            with ThreadPoolExecutor(workers) as pool:
                outs += list(pool.map(one_batch, range(1, n_batches)))
        else:
            outs += [one_batch(b) for b in range(1, n_batches)]
        attr, derived, steps, mask = (np.concatenate(parts) for parts in zip(*outs, strict=True))
        return SequenceData(
            attributes=attr.astype(np.float32),
            derived_attributes=derived.astype(np.float32),
            features=steps[..., :self.feature_dim].astype(np.float32),
            gen_flags=mask,
            lengths=mask.sum(axis=1).astype(np.int64),
        )

    def _generation_function(self, conditional: bool):
        cache = self.__dict__.setdefault("_gen_fns_cache", {})
        if conditional not in cache:
            def gen(batch, seed_vec, cond=None):
                z = self._noise(batch, seed=seed_vec)
                out = self._forward(*z, attributes=cond)
                return [tf.cast(t, tf.float32) for t in out]

            cache[conditional] = tf.function(gen, reduce_retracing=True)
        return cache[conditional]

    def generate(self, n: int | None = None, attributes=None, seed=None, batch_size: int = 1000,
                 format: str | None = None) -> pd.DataFrame:
        """Generate sequences as a DataFrame in the training data's format (long or wide),
        with example ids 0..n-1, generated lengths and timestamps."""
        data = self.generate_arrays(n, attributes=attributes, seed=seed, batch_size=batch_size)
        if seed is None:
            return self.spec.inverse_transform(data, format=format)
        return self.spec.inverse_transform(data, format=format, seed=int(seed) + 1)

    # ------------------------------------------------------------------ config -------
    def get_config(self):
        return {
            "spec": self.spec.get_config(),
            **self.sizes,
            "use_attribute_discriminator": self.use_attribute_discriminator,
            "seed": self.seed,
            "name": self.name,
            **self._dp_config(),
        }

    def _dp_config(self):
        if self.dp is None:
            return {}
        return {"dp": self.dp.get_config(), "dp_state": {
            "segments": [dataclasses.asdict(s) for s in self._dp_ledger() if s.steps],
            "delta": self._dp_delta, "n": self._dp_n,
            "schema_excluded": list(self._dp_schema_excluded)}}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {"networks": bool(self.built)}

    def build_from_config(self, config):
        if config.get("networks"):
            self._ensure_networks_built()

    def _ensure_networks_built(self):
        if not self._networks_ready:
            self._make_networks()
        if not self.built:
            self.build()
