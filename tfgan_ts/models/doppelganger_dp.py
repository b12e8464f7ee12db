"""DoppelGANger's DP-SGD training: the private critic step (both critics clipped jointly,
one Gaussian mechanism per step) and the link to the model's privacy ledger."""

from __future__ import annotations

import os

import keras
import tensorflow as tf

from ..gan import critic_loss
from ..gan import dp as dpsgd


class EpsilonLogger(keras.callbacks.Callback):
    """Adds the epsilon spent so far to each epoch's logs (so History and the progress bar
    show it). Put first so the callbacks after it see the value."""

    def on_epoch_end(self, epoch, logs=None):  # noqa: ARG002 (Keras's signature)
        if logs is not None:
            logs["epsilon"] = self.model.privacy_spent().epsilon


class _Box:
    """Holds an object out of Keras/TF tracking (never saved)."""

    def __init__(self, value=None):
        self.value = value


class DPTraining:
    """Mixin of :class:`DoppelGANger` for training with ``dp=DPConfig(...)``."""

    def _init_dp(self, dp, dp_state):
        self.dp = None if dp is None else dpsgd.DPConfig.from_config(dp)
        if self.dp is None:
            if dp_state:
                raise ValueError("dp_state given without dp")
            return
        # discriminator steps taken under DP, saved with the weights; the ledger of
        # (q, σ) segments that they belong to lives in the config
        self.dp_steps = self.add_weight(
            shape=(), dtype="int64", initializer="zeros", trainable=False,
            aggregation="only_first_replica", name="dp_discriminator_steps")
        # a plain object: Keras tracks only variables, layers and containers
        self._ledger = dpsgd.PrivacyLedger(self.dp, dp_state,
                                           counter=lambda: int(self.dp_steps.numpy()))
        self._dp_runtime = None  # (clip, σ, expected batch) baked into the traced step
        self._dp_rng = _Box()

    @property
    def ledger(self) -> dpsgd.PrivacyLedger:
        """The model's privacy ledger (ValueError without dp)."""
        if self.dp is None:
            raise ValueError("this model was trained without differential privacy: create it "
                             "with tg.DoppelGANger(..., dp=tg.DPConfig(...))")
        return self._ledger

    def _check_dp_precision(self):
        if self.dp is not None and keras.mixed_precision.dtype_policy().compute_dtype == "float16":
            raise ValueError(
                "DP-SGD does not run under the mixed_float16 policy: loss scaling skips "
                "overflowing steps, and whether a step overflows depends on the data outside "
                "the accountant's view. Use float32 or mixed_bfloat16")

    def _check_restart(self, callbacks) -> None:
        """ValueError when ``BackupAndRestore`` is about to resume a private run that makes a
        one-shot release (noisy attribute histograms, the embedding): the release is not in
        the backup, so the resumed run would release again while its ledger counted only
        the new release, not the first one the restored weights were trained with."""
        private = [c.name for c in self.spec.attributes if c.name not in self.ledger.public]
        releases = self.dp.mechanism == "embedding" or (
            self.attribute_source == "released" and private)
        for cb in callbacks or []:
            if releases and isinstance(cb, keras.callbacks.BackupAndRestore) and \
                    os.path.isdir(cb.backup_dir) and os.listdir(cb.backup_dir):
                raise ValueError(
                    f"BackupAndRestore would resume this private run from {cb.backup_dir!r}, "
                    "but its one-shot release (attribute histograms or embedding) is not in "
                    "the backup: the resumed run would release again and its privacy ledger "
                    "could not count both. Delete the backup and start the run anew, or "
                    "train with attribute_source='generator' and mechanism='dp-sgd' (no "
                    "release), whose DP-SGD steps resume with their count")

    def _dp_begin(self, shape, epochs, steps_per_epoch=None):
        """Check that the dataset is this model's Poisson sample, open a ledger segment, and
        bake σ and the batch size into the train step."""
        plan = self.ledger.plan_made
        if shape is None or plan is None or shape[0] != plan.max_batch:
            raise ValueError(
                "with dp, fit takes a DataFrame, a SequenceData or model.make_dataset(...): "
                "other datasets are not Poisson-sampled, which the privacy accounting assumes")
        if shape[1] != self.d_rounds:
            raise ValueError(f"the dataset was made for d_rounds={shape[1]} but the model is "
                             f"compiled with d_rounds={self.d_rounds}; call make_dataset again")
        if steps_per_epoch is not None:
            raise ValueError("with dp an epoch is fixed by the dataset; drop steps_per_epoch")
        run = self.ledger.begin(self.spec, plan, epochs, self.d_rounds)
        runtime = (self.dp.l2_norm_clip, run.noise_multiplier, float(plan.batch_size))
        if runtime != self._dp_runtime:
            self._dp_runtime = runtime
            self.train_function = None  # the step bakes in σ and the batch size
        if self._dp_rng.value is None:
            with self.distribute_strategy.scope():
                self._dp_rng.value = dpsgd.noise_generator()

    def privacy_spent(self) -> dpsgd.PrivacySpent:
        """(epsilon, delta) for the discriminator steps actually taken, from dp-accounting
        over Poisson-subsampled Gaussian events; (0, δ) before training."""
        return self.ledger.spent()

    def privacy_report(self) -> dict:
        """What the guarantee says and rests on, for the report and the CLI."""
        return self.ledger.report()

    def _dp_config(self) -> dict:
        if self.dp is None:
            return {}
        return {"dp": self.dp.get_config(), "dp_state": self.ledger.get_state()}

    # ------------------------------------------------------------------ the step -----
    def _dp_example_loss(self, inputs):
        """Each example's critic loss, both critics: W-loss + λ·gradient penalty."""
        real, fake, alphas = inputs
        loss, w, gp = critic_loss(self.discriminator, real, fake, alphas[:, 0],
                                  self.gp_weight, per_example=True)
        aux = {"d_loss": loss, "gp": gp, "wasserstein": -w}
        if self.has_attr_d:
            attr_loss, _, gp_a = critic_loss(self.attribute_discriminator, real[:2], fake[:2],
                                             alphas[:, 1], self.attribute_gp_weight,
                                             per_example=True)
            aux.update(attr_d_loss=attr_loss, attr_gp=gp_a)
            loss = loss + attr_loss
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
            cond = self._sample_attributes(rows)  # the released table's rows, if any
            fake = [tf.stop_gradient(t)
                    for t in self._forward(*self._noise(rows), attributes=cond)[:3]]
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
        batch = int(round(expected))
        g_loss = self._generator_steps(batch, cond=self._sample_attributes(batch))
        zero = tf.constant(0.0)
        return self._update_metrics(dict(
            d_loss=means["d_loss"], attr_d_loss=means.get("attr_d_loss", zero), g_loss=g_loss,
            gp=means["gp"], attr_gp=means.get("attr_gp", zero),
            wasserstein=means["wasserstein"]))
