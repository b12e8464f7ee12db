"""DoppelGANger's one-shot private mechanism (``DPConfig(mechanism="embedding")``, after
DP-MERF, Harder et al., AISTATS 2021): every training sequence is mapped on one global scale
to random Fourier features times its encoded attributes (norm 1), each unit's mean of those is
summed, the sum is released once with Gaussian noise, and the generator is trained to match
the noisy mean for as long as wanted. Only the release reads real data, so the training
costs no further privacy and needs no critic."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from ..columns import Continuous
from ..gan import dp as dpsgd
from ..gan import minimize, update_average
from ..gan.dp.config import EMBEDDING
from ..seeding import network_seeds

# kernel widths relative to √(d/6), the typical distance of two points uniform in [0, 1]^d:
# fixed in advance (a width fitted to the data would read the data outside the release)
BANDWIDTHS = (0.125, 0.25, 0.5, 1.0)


class EmbeddingTraining:
    """Mixin of :class:`DoppelGANger` for ``DPConfig(mechanism="embedding")``."""

    @property
    def _uses_embedding(self) -> bool:
        return self.dp is not None and self.dp.mechanism == EMBEDDING

    def _make_embedding_variables(self):
        """The random frequencies (data-independent, saved with the model) and the released
        target (zeros until the release)."""
        d_values, d_shapes = self._embedding_input_dims()
        d_in = d_values + d_shapes
        k = self.dp.embedding_features
        seed = network_seeds(self.weights_seed, 6)[5] if self.weights_seed is not None \
            else dpsgd.shared_seed(self.distribute_strategy)
        rng = np.random.default_rng(seed)
        # block-diagonal: half the frequencies see the values on their global scale, half
        # the auto-normalized shapes (how a sequence moves within its own range)
        k_values = k if not d_shapes else k - k // 2
        freqs = np.zeros((d_in, k))
        for rows, cols in ((slice(0, d_values), slice(0, k_values)),
                           (slice(d_values, d_in), slice(k_values, k))):
            width = cols.stop - cols.start
            dim = rows.stop - rows.start
            if width and dim:
                widths = np.resize(np.asarray(BANDWIDTHS) * math.sqrt(dim / 6.0), width)
                freqs[rows, cols] = rng.normal(size=(dim, width)) / widths
        self.embedding_frequencies = self.add_weight(
            shape=(d_in, k), dtype="float32", trainable=False, name="embedding_frequencies",
            initializer=keras.initializers.Constant(freqs.astype(np.float32)))
        self.embedding_target = self.add_weight(
            shape=(2 * k, max(self.attribute_dim, 1)), dtype="float32", trainable=False,
            initializer="zeros", name="embedding_target")

    def _embedding_input_dims(self) -> tuple[int, int]:
        """Sizes of the two inputs: values (and flags) on the global scale, and the
        auto-normalized shapes."""
        values = self.max_length * (self.feature_dim + int(self.variable_length))
        return values, self.max_length * len(self.spec._auto_features())

    def _embedding_inputs(self, derived, steps, mask):
        """[b, d]: every feature step on its column's [0, 1] scale (auto-normalized ones
        rebuilt from their midpoint and half-range), zero after the end, the generation
        flags when lengths vary; then the auto-normalized steps themselves (the shapes)."""
        spec = self.spec
        autos = spec._auto_features()
        # where each derived output starts: "<column>__mid" and "<column>__half"
        dims = [o.dim for o in spec.derived_outputs()]
        where = dict(zip([o.name for o in spec.derived_outputs()],
                         np.cumsum([0, *dims[:-1]]).tolist(), strict=True))
        cols, shapes, start = [], [], 0
        for col in spec._feature_columns():
            dim = sum(o.dim for o in col.outputs())
            block = steps[..., start:start + dim]
            if any(col is a for a in autos):
                shapes.append(block if col.normalization == "zero_one" else (block + 1) / 2)
                mid = derived[:, where[f"{col.name}__mid"]][:, None, None]
                half = derived[:, where[f"{col.name}__half"]][:, None, None]
                if col.normalization == "zero_one":
                    block = mid + (2.0 * block - 1.0) * half / 2.0
                else:
                    block = (mid + 1.0) / 2.0 + block * (half + 1.0) / 4.0
            elif isinstance(col, Continuous) and col.normalization != "zero_one":
                block = (block + 1.0) / 2.0
            cols.append(block)
            start += dim
        mask = tf.cast(mask, steps.dtype)[..., None]
        values = tf.concat(cols, -1) * mask
        if self.variable_length:
            values = tf.concat([values, mask], -1)
        flat = [tf.reshape(values, [tf.shape(values)[0], -1])]
        if shapes:
            flat.append(tf.reshape(tf.concat(shapes, -1) * mask, [tf.shape(values)[0], -1]))
        return tf.concat(flat, -1)

    def _embedding_sum(self, attributes, derived, steps, mask, weights=None):
        """Σ_i w_i · φ(sequence_i) ⊗ a_i / √(attributes) as a [2k, A] matrix; every term
        has norm 1 (w = 1), so a unit whose weights sum to 1 moves the sum by at most 1."""
        dtype = tf.float32
        x = self._embedding_inputs(tf.cast(derived, dtype), tf.cast(steps, dtype), mask)
        proj = tf.matmul(x, self.embedding_frequencies)
        k = self.dp.embedding_features
        phi = tf.concat([tf.cos(proj), tf.sin(proj)], -1) / math.sqrt(k)
        if self.attribute_dim:
            a = tf.cast(attributes, dtype) / math.sqrt(len(self.spec.attributes))
        else:
            a = tf.ones([tf.shape(x)[0], 1], dtype)
        if weights is not None:
            a = a * tf.cast(weights, dtype)[:, None]
        return tf.matmul(phi, a, transpose_a=True)

    def _release_embedding(self, x, weights, batch_size: int = 2000) -> None:
        """The one release: the weighted sum over the training sequences plus Gaussian noise
        (σ calibrated by the ledger), divided by the number of units. Once per model."""
        if self.ledger.released(EMBEDDING):
            return
        sigma = self.ledger.release_sigma()
        total = np.zeros(self.embedding_target.shape, np.float64)
        for i in range(0, len(x), batch_size):
            part = slice(i, i + batch_size)
            total += self._embedding_sum(x.attributes[part], x.derived_attributes[part],
                                         x.features[part], x.gen_flags[part],
                                         weights[part]).numpy()
        rng = np.random.default_rng(dpsgd.shared_seed(self.distribute_strategy, 128))
        noisy = total + rng.normal(0.0, sigma, total.shape)
        self.embedding_target.assign((noisy / self.ledger.n).astype(np.float32))
        self.ledger.record_release(EMBEDDING, sigma)

    def _embedding_train_step(self, data):  # noqa: ARG002 (no real data after the release)
        """One generator step towards the released mean embedding."""
        batch = self._embedding_batch
        cond = self._sample_attributes(batch)

        def loss():
            attr, derived, steps, mask = self._forward(*self._noise(batch), attributes=cond)
            mean = self._embedding_sum(attr, derived, steps, mask) / float(batch)
            return tf.reduce_sum(tf.square(mean - self.embedding_target))

        distance = minimize(self.generator_optimizer, loss, self.generator_variables)
        if self.generator_average:
            update_average(self._generator_averages, self.generator_variables,
                           self.generator_average)
        return self._update_metrics({"embedding_distance": distance})

    def _embedding_fit(self, x, epochs, batch_size, callbacks, verbose, fit, **kwargs):
        """Release once, then ``epochs`` × ⌈n / batch_size⌉ generator steps of
        ``batch_size`` generated sequences."""
        if isinstance(x, tf.data.Dataset):
            raise ValueError("DPConfig(mechanism='embedding') reads the data once, in fit: "
                             "pass the DataFrame or SequenceData, not a dataset")
        data = self._training_data(x)
        self._ensure_ready()
        self._release_embedding(data, self._unit_weights)
        self._set_attribute_pool()
        self._embedding_batch = int(batch_size)
        steps = max(1, math.ceil(len(data) / batch_size))
        dataset = tf.data.Dataset.from_tensors(tf.zeros([1])).repeat(steps)
        self.train_function = None
        return fit(dataset, epochs=epochs, callbacks=callbacks, verbose=verbose, **kwargs)
