"""A conditional tabular GAN as a ``keras.Model`` (CTGAN: Xu, Skoularidou, Cuesta-Infante,
Veeramachaneni, "Modeling Tabular Data using Conditional GAN", NeurIPS 2019).

WGAN-GP (the library's shared loss and gradient penalty) over packs of rows; the generator
gets noise and a condition vector (one category of one condition column), emits tanh offsets
and Gumbel-softmax blocks, and is also trained to reproduce the condition (cross-entropy).
Training-by-sampling: the condition's category is drawn with probability ∝ log(1 + count)
and the real rows are drawn from that category, so rare categories get learnt.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from ..columns import Discrete
from ..copula import GaussianCopula
from ..gan import critic_loss, minimize
from ..gan.losses import wasserstein_generator_loss
from ..nn.tabular import TabularDiscriminator, TabularGenerator, activate
from ..seeding import network_seeds
from ..tabular_spec import TabularSpec
from .base import GANModel
from .base import check_positive_int as _positive_int
from .tabular_generation import condition_code, draw_rows
from .tabular_prior import prior_pools
from .tabular_sampling import training_by_sampling

_MIN_STEPS = 10  # steps per epoch at least, whatever the table's size


@keras.saving.register_keras_serializable(package="tfgan_ts")
class TabularGAN(GANModel):
    """Conditional WGAN-GP for tables with continuous and discrete columns.

    Args:
        spec: a :class:`tfgan_ts.TabularSpec` (fitted on the first ``fit`` if it is not), or
            ``None`` to infer one from the table (condition columns made discrete).
        conditions: discrete columns the generator can be conditioned on (and that
            training-by-sampling balances); ``None``: every discrete column; ``[]``: none.
        noise_dim: size of the generator's noise (CTGAN: 128).
        generator_units: widths of the generator's residual blocks (256, 256).
        discriminator_units: widths of the critic's layers (256, 256), with dropout.
        pac: rows the critic judges together (PacGAN; 10), against mode collapse; the batch
            size must be a multiple of it.
        tau: Gumbel-softmax temperature during training (0.2).
        same_condition_packs: draw one condition per pack, so the critic compares
            ``pac`` rows of one class/level at a time (CTGAN draws one per row). On breast
            cancer and digits made imbalanced this lifted the oversampler's minority F1
            from 0.78 to 0.92 and from 0.70 to 0.95 (generated rows had landed among the
            majority class).
        prior: ``"copula"`` (default) — the generator corrects rows of a
            :class:`tfgan_ts.GaussianCopula` (one per condition category, fitted on the
            training table) instead of starting from noise alone, so an untrained model is
            the copula; or any object with the copula's ``generate(n, conditions, seed)``
            (not saved with the model); None: CTGAN's noise-only generator. On diabetes and
            wine (a few hundred rows) the copula prior lifted similarity per factor level
            from 0.78 / 0.63 (None) to 0.85 / 0.71, level with the copula itself
            (benchmarks/RESULTS.md).
        prior_pool: prior rows per condition category drawn once for training (2,000).
        prior_weight: weight of the mean squared correction of the prior's logits in the
            generator's loss (30), which holds the generator near the prior unless the critic
            keeps disagreeing; without it the corrections drift within a few hundred steps
            on small tables and the marginals get worse than the prior's.
        seed: seeds training noise and batch sampling.
        weights_seed: seeds the networks' initial weights and dropout (None: Keras's global
            generator).
    """

    METRICS = ("d_loss", "g_loss", "gp", "wasserstein", "condition_loss")

    def __init__(self, spec=None, conditions=None, noise_dim: int = 128,
                 generator_units=(256, 256), discriminator_units=(256, 256), pac: int = 10,
                 tau: float = 0.2, same_condition_packs: bool = True, prior="copula",
                 prior_pool: int = 2000, prior_weight: float = 30.0,
                 seed: int | None = None,
                 weights_seed: int | None = None, condition_state: dict | None = None,
                 prior_state: dict | None = None, **kwargs):
        super().__init__(seed=seed, weights_seed=weights_seed, **kwargs)
        if isinstance(conditions, str):
            conditions = [conditions]
        self.conditions = None if conditions is None else [str(c) for c in conditions]
        if isinstance(spec, dict):
            spec = TabularSpec.from_config(spec)
        if spec is None:
            spec = TabularSpec(discrete=self.conditions or ())
        if not isinstance(spec, TabularSpec):
            raise ValueError(f"spec must be a tg.TabularSpec or None, got {type(spec).__name__}")
        # the model owns a copy: refitting the caller's spec must not change decoding
        self.spec = TabularSpec.from_config(spec.get_config())
        self.noise_dim = _positive_int("noise_dim", noise_dim)
        self.generator_units = [_positive_int("generator_units", u) for u in generator_units]
        self.discriminator_units = [_positive_int("discriminator_units", u)
                                    for u in discriminator_units]
        self.pac = _positive_int("pac", pac)
        if not float(tau) > 0:
            raise ValueError(f"tau must be > 0, got {tau!r}")
        self.tau = float(tau)
        self.same_condition_packs = bool(same_condition_packs)
        self.condition_state = condition_state
        if prior == "custom":
            raise ValueError("this model was trained with a custom prior object, which is not "
                             "saved with it; rebuild it with prior=<the object>")
        if prior is not None and prior != "copula" and not callable(
                getattr(prior, "generate", None)):
            raise ValueError(f"prior must be None, 'copula' or an object with generate(n, "
                             f"conditions, seed), got {prior!r}")
        self.prior = prior
        self.prior_pool = _positive_int("prior_pool", prior_pool)
        if not float(prior_weight) >= 0:
            raise ValueError(f"prior_weight must be >= 0, got {prior_weight!r}")
        self.prior_weight = float(prior_weight)
        self.prior_state = prior_state
        self._prior = (GaussianCopula.from_config(prior_state) if prior == "copula"
                       and prior_state is not None else None if prior == "copula" else prior)
        self._networks_ready = False
        self._steps_per_epoch = None  # of the last dataset make_dataset built
        if self.spec.fitted_ and condition_state is not None:
            self._make_networks()

    # ------------------------------------------------------------------ conditions ---
    def _resolve_conditions(self) -> list[str]:
        """The condition columns, checked against the fitted spec."""
        discrete = [c.name for c in self.spec.columns_ if isinstance(c, Discrete)]
        if self.conditions is None:
            return discrete
        for name in self.conditions:
            if name not in self.spec.column_names:
                raise ValueError(f"condition column {name!r} is not in the table; columns: "
                                 f"{self.spec.column_names}")
            if name not in discrete:
                raise ValueError(
                    f"condition column {name!r} is {type(self.spec.column(name)).__name__}; a "
                    "condition must be discrete: declare it tg.Discrete (or with spec=None it "
                    "is made discrete for you)")
        return list(self.conditions)

    def _fit_condition_state(self, df: pd.DataFrame):
        names = self._resolve_conditions()
        counts = []
        for name in names:
            codes = self.spec.category_codes(df, name)
            counts.append(np.bincount(codes, minlength=self.spec.column(name).dim).tolist())
        self.condition_state = {"columns": names, "counts": counts}

    @property
    def condition_columns(self) -> list[str]:
        return list(self.condition_state["columns"]) if self.condition_state else []

    # ------------------------------------------------------------------ networks -----
    def _make_networks(self):
        spec = self.spec
        self.blocks = [(o.dim, o.activation) for o in spec.outputs()]
        self.data_dim = spec.dim
        slices = spec.slices()
        self.cond_sizes = [len(c) for c in self.condition_state["counts"]]
        self.cond_dim = int(sum(self.cond_sizes))
        starts = np.concatenate([[0], np.cumsum(self.cond_sizes)]).astype(int)
        # (slice in the row vector, slice in the condition vector) of each condition column
        self.cond_slices = [(slices[name], slice(int(starts[j]), int(starts[j + 1])))
                            for j, name in enumerate(self.condition_state["columns"])]
        g_seed, d_seed = network_seeds(self.weights_seed, 2)
        self.generator = TabularGenerator(self.data_dim, self.generator_units, seed=g_seed,
                                          prior=self.prior is not None, name="generator")
        self.discriminator = TabularDiscriminator(self.discriminator_units, seed=d_seed,
                                                  name="discriminator")
        self._networks_ready = True

    def build(self, input_shape=None):  # noqa: ARG002 (shapes come from the spec)
        if not self._networks_ready:
            raise ValueError("the model's spec is not fitted yet: call model.fit(df) first")
        self.generator([tf.zeros([self.pac, self.noise_dim]), tf.zeros([self.pac, self.cond_dim]),
                        *([tf.zeros([self.pac, self.data_dim])] if self.prior is not None
                          else [])])
        self.discriminator(tf.zeros([1, self.pac * (self.data_dim + self.cond_dim)]))
        self.built = True

    def _optimizer_pairs(self):
        return [(self.generator_optimizer, self.generator.trainable_variables),
                (self.discriminator_optimizer, self.discriminator.trainable_variables)]

    # ------------------------------------------------------------------ compile ------
    def compile(self, generator_optimizer=None, discriminator_optimizer=None,
                learning_rate: float = 1e-3, gp_weight: float = 10.0, d_rounds: int = 1,
                jit_compile: bool = False, steps_per_execution: int = 1):
        """Adam(``learning_rate``, β 0.5/0.9, weight decay 1e-6) for both networks unless
        given, gradient penalty 10, one critic step per generator step. CTGAN uses lr 2e-4
        with many steps on large tables; on wine (178 rows, 3,000 steps) 1e-3 did better."""
        if (keras.mixed_precision.dtype_policy().compute_dtype == "float16"
                and self.distribute_strategy.num_replicas_in_sync > 1):
            raise ValueError(
                "TabularGAN under mixed_float16 with several replicas gave NaN losses in 3 of 4 "
                "seeded runs (2 logical CPUs); use float32 or a single device for now")
        self.gp_weight = float(gp_weight)
        self.d_rounds = _positive_int("d_rounds", d_rounds)
        adam = dict(learning_rate=learning_rate, beta_1=0.5, beta_2=0.9, weight_decay=1e-6)
        self._compile_gan(
            {"generator_optimizer": generator_optimizer,
             "discriminator_optimizer": discriminator_optimizer},
            dict(gp_weight=self.gp_weight, d_rounds=self.d_rounds), defaults=adam,
            jit_compile=jit_compile, steps_per_execution=steps_per_execution)

    # ------------------------------------------------------------------ training -----
    def _pack(self, rows, cond):
        """[batch, d] rows with their conditions → [batch / pac, pac × (d + c)]."""
        x = tf.concat([tf.cast(rows, self.compute_dtype), tf.cast(cond, self.compute_dtype)], -1)
        return tf.reshape(x, [-1, self.pac * (self.data_dim + self.cond_dim)])

    def _gumbel(self, shape, seed=None):
        if seed is None:
            u = keras.random.uniform(shape, minval=1e-10, maxval=1.0, seed=self.seed_generator)
        else:
            u = tf.random.stateless_uniform(shape, seed=seed, minval=1e-10, maxval=1.0)
        return -tf.math.log(-tf.math.log(u))

    def _logits(self, z, cond, prior, training):
        """The generator's logits: alone, or the prior's logits plus its correction."""
        if prior is None:
            return self.generator([z, cond], training=training)
        prior = tf.cast(prior, self.compute_dtype)
        rows = activate(prior, self.blocks, hard=True)
        return prior + self.generator([z, cond, rows], training=training)

    def _fake(self, cond, batch, prior=None):
        """Generated rows (Gumbel-softmax blocks) and the raw logits, training mode."""
        z = keras.random.normal((batch, self.noise_dim), seed=self.seed_generator)
        logits = self._logits(z, cond, prior, training=True)
        gumbel = self._gumbel((batch, self.data_dim))
        return activate(logits, self.blocks, tau=self.tau, gumbel=gumbel), logits

    def _condition_loss(self, logits, cond):
        """Cross-entropy between the condition and the generated block of its column."""
        logits = tf.cast(logits, tf.float32)
        cond = tf.cast(cond, tf.float32)
        total = tf.zeros([tf.shape(logits)[0]])
        for data_sl, cond_sl in self.cond_slices:
            target = cond[:, cond_sl]
            ce = tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=logits[:, data_sl])
            total += ce * tf.reduce_sum(target, axis=1)
        return tf.reduce_mean(total)

    def train_step(self, data):
        real, cond, g_cond = data["real"], data["cond"], data["g_cond"]
        prior, g_prior = data.get("prior"), data.get("g_prior")
        batch = tf.shape(real)[0]
        def critic(parts):
            return self.discriminator(parts[0], training=True)

        real_p = self._pack(real, cond)
        for _ in range(self.d_rounds):
            fake, _ = self._fake(cond, batch, prior)
            fake_p = tf.stop_gradient(self._pack(fake, cond))
            alpha = keras.random.uniform((tf.shape(real_p)[0],), seed=self.seed_generator)

            def loss(real_p=real_p, fake_p=fake_p, alpha=alpha):
                total, w, gp = critic_loss(critic, [real_p], [fake_p], alpha, self.gp_weight)
                return total, (w, gp)

            d_loss, (w, gp) = minimize(self.discriminator_optimizer, loss,
                                       self.discriminator.trainable_variables)

        def generator_loss():
            fake, logits = self._fake(g_cond, batch, g_prior)
            adversarial = wasserstein_generator_loss(critic([self._pack(fake, g_cond)]))
            ce = self._condition_loss(logits, g_cond) if self.cond_slices else tf.constant(0.0)
            total = adversarial + ce
            if g_prior is not None and self.prior_weight:
                shift = tf.cast(logits, tf.float32) - tf.cast(g_prior, tf.float32)
                total += self.prior_weight * tf.reduce_mean(tf.square(shift))
            return total, ce

        g_loss, ce = minimize(self.generator_optimizer, generator_loss,
                              self.generator.trainable_variables)
        return self._update_metrics(dict(d_loss=d_loss, g_loss=g_loss, gp=gp, wasserstein=-w,
                                         condition_loss=ce))

    # ------------------------------------------------------------------ data ---------
    def _prepare(self, df) -> np.ndarray:
        """Fit the spec and condition state on a first table, build the networks; return the
        encoded rows."""
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"fit takes a pandas DataFrame, got {type(df).__name__}")
        if not self.spec.fitted_:
            self.spec.fit(df)
        if self.condition_state is None:
            self._fit_condition_state(df)
        if not self._networks_ready:
            self._make_networks()
        if self.prior == "copula" and self._prior is None:
            declared = TabularSpec(columns=self.spec.columns, discrete=self.spec.discrete,
                                   mode_specific=False)
            self._prior = GaussianCopula(declared, conditions=self.condition_columns,
                                         seed=self.seed or 0).fit(df)
            self.prior_state = self._prior.get_config()
        return self.spec.transform(df, seed=self.seed)

    def make_dataset(self, df: pd.DataFrame, batch_size: int = 100, seed=None):
        """Batches drawn by training-by-sampling, an endless stream (``fit`` makes an epoch
        ``max(10, n // batch_size)`` steps). Each element is a dict with the real rows,
        their condition vectors and the generator's condition vectors."""
        batch_size = _positive_int("batch_size", batch_size)
        if batch_size % self.pac:
            raise ValueError(f"batch_size={batch_size} must be a multiple of pac={self.pac}; "
                             f"use {max(self.pac, batch_size // self.pac * self.pac)} or change "
                             "pac")
        encoded = self._prepare(df)
        codes = [self.spec.category_codes(df, name) for name in self.condition_columns]
        self._steps_per_epoch = max(_MIN_STEPS, len(df) // batch_size)
        seed = seed if seed is not None else self.seed
        pools = None
        if self._prior is not None:
            pools = prior_pools(self._prior, self.spec, self.blocks, self.condition_columns,
                                self.condition_state["counts"], self.prior_pool,
                                0 if seed is None else int(seed))
        return training_by_sampling(
            encoded, codes, self.cond_sizes, batch_size, self.pac, self.same_condition_packs,
            seed, prior=pools)

    def fit(self, x=None, epochs: int = 300, batch_size: int = 100, callbacks=None,
            verbose="auto", steps_per_epoch: int | None = None, **kwargs):
        """Train on a DataFrame (the spec is fitted on it if not yet) or a dataset from
        :meth:`make_dataset`. An epoch is ``max(10, n // batch_size)`` steps unless
        ``steps_per_epoch`` is given: one pass over the rows, but at least 10 steps, as
        CTGAN's one pass is a single step on a table of a few hundred rows. Returns the
        History (d_loss, g_loss, gp, wasserstein, condition_loss per epoch)."""
        epochs = _positive_int("epochs", epochs)
        dataset = x if isinstance(x, tf.data.Dataset) else self.make_dataset(x, batch_size)
        if not self._networks_ready:
            raise ValueError("fit on a tf.data.Dataset needs the model prepared by "
                             "model.make_dataset(df) first")
        if steps_per_epoch is None:
            steps_per_epoch = self._steps_per_epoch
        if steps_per_epoch is None:
            raise ValueError("pass steps_per_epoch= with a dataset not made by make_dataset")
        self._ensure_ready()
        kwargs.setdefault("shuffle", False)
        return super().fit(dataset, epochs=epochs, callbacks=callbacks, verbose=verbose,
                           steps_per_epoch=_positive_int("steps_per_epoch", steps_per_epoch),
                           **kwargs)

    # ------------------------------------------------------------------ generation ---
    def _condition_code(self, name: str, value) -> tuple[int, int]:
        """(condition column index, category index) of ``name == value``."""
        return condition_code(self, name, value)

    def _generation_pass(self, cond, seed_vec, prior=None):
        """Rows (hard one-hot blocks) for condition vectors, from stateless noise."""
        batch = tf.shape(cond)[0]
        seeds = tf.random.experimental.stateless_split(seed_vec, 2)
        z = tf.random.stateless_normal([batch, self.noise_dim], seed=seeds[0])
        logits = self._logits(z, cond, prior, training=False)
        gumbel = self._gumbel([batch, self.data_dim], seed=seeds[1])
        return tf.cast(activate(logits, self.blocks, gumbel=gumbel, hard=True), tf.float32)

    def generate(self, n: int, conditions: dict | None = None, seed=None,
                 batch_size: int = 1000, max_draws: int | None = None) -> pd.DataFrame:
        """``n`` rows as a DataFrame with the table's columns and dtypes.

        ``conditions={"factor": "B", ...}``: only rows with those values. The generator is
        conditioned on the rarest of them, and rows that do not match every condition are
        discarded and drawn again (at most ``max_draws`` rows in all, default
        ``max(100 n, 10,000)``; a ValueError says if that is not enough). Without conditions
        the condition vectors follow the training table's category frequencies. The same
        seed and batch_size give the same rows.
        """
        if not self._networks_ready or not self.built:
            raise ValueError("the model is not trained yet: call model.fit(df) first")
        return draw_rows(self, _positive_int("n", n), dict(conditions or {}),
                         self._generation_seed(seed), _positive_int("batch_size", batch_size),
                         max_draws)

    # ------------------------------------------------------------------ config -------
    def get_config(self):
        return {
            "spec": self.spec.get_config(), "conditions": self.conditions,
            "noise_dim": self.noise_dim, "generator_units": self.generator_units,
            "discriminator_units": self.discriminator_units, "pac": self.pac, "tau": self.tau,
            "same_condition_packs": self.same_condition_packs,
            "prior": self.prior if self.prior in (None, "copula") else "custom",
            "prior_pool": self.prior_pool, "prior_weight": self.prior_weight,
            "prior_state": self.prior_state,
            "condition_state": self.condition_state, **super().get_config(),
        }
