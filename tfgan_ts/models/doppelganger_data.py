"""DoppelGANger's training data: a DataFrame or SequenceData checked and encoded, the units
of privacy and the released attribute table of a private run, and the batches fit reads."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from ..frame_chunks import iter_rows, whole_examples
from ..gan import dp as dpsgd
from ..gan.dp.config import HISTOGRAM
from ..privacy_unit import one_sequence_per_unit, unit_codes, unit_weights
from ..sequence_data import SequenceData
from .attribute_table import AttributeTable, released_table
from .base import check_positive_int
from .sequence_pipeline import file_batches, fixed_size_batches, poisson_batches


class SequenceTraining:
    """Mixin of :class:`DoppelGANger`: what ``fit`` and ``make_dataset`` train on."""

    def make_dataset(self, x, batch_size: int = 100, shuffle: bool = True, seed=None,
                     chunk_rows: int = 1_000_000, shuffle_buffer: int = 10_000):
        """A ``tf.data.Dataset`` of training batches from a DataFrame or SequenceData (fits the
        spec on a DataFrame if it is not fitted yet). Batches have a fixed size (the last
        partial batch of each pass is left out; with shuffling, a different one each epoch).

        ``x`` may also be the path of a Parquet file, a folder of Parquet files or a CSV,
        for data larger than memory: read ``chunk_rows`` rows at a time and encoded on the
        fly every epoch, shuffled within ``shuffle_buffer`` sequences (the spec, if not
        fitted, and the attribute table are made in one pass over the files first).

        With ``dp``: Poisson-sampled batches instead (each example in with probability
        batch_size / n at every discriminator step, padded to a fixed size with a mask);
        ``shuffle`` does not apply and ``seed`` is refused, as the sampling must stay secret.
        """
        if isinstance(x, (str, Path)):
            return self._file_dataset(x, batch_size, shuffle, seed, chunk_rows,
                                      shuffle_buffer)
        x = self._training_data(x)
        if self.dp is None:
            return fixed_size_batches(x, self.variable_length, batch_size, shuffle,
                                      seed if seed is not None else self.seed)
        if self.dp.mechanism == "embedding":
            raise ValueError("DPConfig(mechanism='embedding') reads the data once, in fit: "
                             "pass the DataFrame or SequenceData to fit, not a dataset")
        if seed is not None:
            raise ValueError("with dp the Poisson sampling is seeded from the operating "
                             "system: a known seed would void the amplification by "
                             "sampling that the accountant assumes; drop seed=")
        if not self._gan_compiled:
            self._ensure_ready()
        replicas = self.distribute_strategy.num_replicas_in_sync
        plan = self.ledger.sampling_plan(len(x), batch_size, multiple_of=replicas)
        return poisson_batches(x, self.variable_length, plan, self.d_rounds,
                               seed=dpsgd.shared_seed(self.distribute_strategy))

    def _file_dataset(self, source, batch_size, shuffle, seed, chunk_rows, shuffle_buffer):
        """Batches read from files (see :meth:`make_dataset`)."""
        if self.dp is not None:
            raise ValueError("training with dp samples each sequence with a known "
                             "probability at every step (Poisson), which needs the data in "
                             "memory: pass a DataFrame or SequenceData, not files")
        for name, value in (("batch_size", batch_size), ("chunk_rows", chunk_rows),
                            ("shuffle_buffer", shuffle_buffer)):
            check_positive_int(name, value)
        if not self.spec.fitted_:
            self.spec.fit(source, chunk_rows=chunk_rows)
        if not self._networks_ready:
            self._make_networks()
        # one pass over the id and attribute columns: how many sequences (so Keras knows
        # the steps of an epoch) and, for empirical attributes, their combinations
        spec = self.spec
        names = [spec.example_id] + [c.name for c in spec.attributes]
        tables, n = [], 0
        for chunk in whole_examples(iter_rows(source, chunk_rows, columns=names),
                                    spec.example_id):
            firsts = chunk.drop_duplicates(spec.example_id)
            n += len(firsts)
            if self.attribute_source == "empirical" and self.attribute_dim:
                tables.append(AttributeTable.from_encoded(spec.transform_attributes(firsts)))
        if n < batch_size:
            raise ValueError(f"batch_size={batch_size} is larger than the {n} sequences in "
                             f"{str(source)!r}; lower batch_size")
        if tables:
            self.attribute_table = AttributeTable.merged(tables)
        return file_batches(spec, source, self.variable_length, batch_size, shuffle,
                            seed if seed is not None else self.seed, chunk_rows,
                            shuffle_buffer, n // batch_size)

    def _training_data(self, x) -> SequenceData:
        """``x`` as a checked SequenceData (the spec fitted on a DataFrame if need be); under
        DP also its units (``self._unit_weights``) and the released attribute table."""
        frame = x if isinstance(x, pd.DataFrame) else None
        if frame is not None:
            if not self.spec.fitted_:
                self.spec.fit(frame)
            x = self.spec.transform(frame)
        if not isinstance(x, SequenceData):
            raise ValueError(
                "fit takes a long/wide DataFrame, a tg.SequenceData or a tf.data.Dataset "
                f"from model.make_dataset; got {type(x).__name__}")
        if not self._networks_ready:
            self._make_networks()
        self.spec.check_layout(x)
        if len(x) == 0:
            raise ValueError("there are no sequences to train on")
        if self.dp is not None:
            self._private_units(frame, x)
        elif self.attribute_source == "empirical" and self.attribute_dim:
            self.attribute_table = AttributeTable.from_encoded(x.attributes)
        return x

    def _private_units(self, frame, x: SequenceData) -> None:
        """The units of the training sequences (checked), the ledger's n and δ, and the
        attribute table released once (public attributes as they are, noisy histograms of
        the others)."""
        unit = self.dp.unit
        if unit is not None and frame is None:
            raise ValueError(f"DPConfig(unit={unit!r}) reads the unit column from the "
                             "training DataFrame: pass the DataFrame, not a SequenceData")
        if frame is None:
            codes = np.arange(len(x), dtype=np.int64)
        else:
            codes = unit_codes(frame, self.spec.example_id, unit, x.example_ids)
        if self.dp.mechanism == "dp-sgd":
            one_sequence_per_unit(codes, unit)
        self._unit_weights = unit_weights(codes)
        self.ledger.prepare(self.spec, int(codes.max()) + 1)
        if self.attribute_source != "released":
            return
        private = [c.name for c in self.spec.attributes if c.name not in self.ledger.public]
        if self.attribute_table is not None and (not private or self.ledger.released(HISTOGRAM)):
            return  # released already: a second fit reuses it at no further cost
        sigma = self.ledger.release_sigma(self.dp.attribute_share) if private else None
        rng = np.random.default_rng(dpsgd.shared_seed(self.distribute_strategy, 128))
        self.attribute_table = released_table(self.spec, x.attributes, self._unit_weights,
                                              self.ledger.public, sigma, rng)
        if private:
            self.ledger.record_release(HISTOGRAM, sigma)

    def _set_attribute_pool(self):
        """Rows of the released table that training draws its conditioning attributes from
        (None unless attributes are released)."""
        self._attribute_pool = (
            tf.constant(self.attribute_table.pool(seed=self.seed or 0))
            if self.attribute_table is not None and self.attribute_source == "released"
            else None)

    def _sample_attributes(self, batch):
        """``batch`` rows of the released attribute table (None without attributes)."""
        if self._attribute_pool is None:
            return None
        idx = keras.random.randint((batch,), 0, int(self._attribute_pool.shape[0]),
                                   seed=self.seed_generator)
        return tf.gather(self._attribute_pool, idx)
