"""DoppelGANger's generation: arrays, DataFrames, chunks, and files far larger than memory.

Every path runs the same batches: batch ``b`` draws its noise from ``(seed, b)`` and its
decoding (the within-bin draws of Binned columns) from ``(seed + 1, b)``, and its examples
are numbered from ``b * batch_size``. So ``generate``, ``generate_chunks`` and
``generate_to`` give the same rows for the same seed and batch size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf

from ..frame_chunks import ChunkWriter, Written, count_rows, iter_rows
from ..sequence_data import SequenceData
from .base import check_positive_int
from .sequence_generation import generate_batches, iter_batches


class SequenceGeneration:
    """Generation methods of :class:`tfgan_ts.DoppelGANger` (a mixin)."""

    def _generation_plan(self, n, attributes, seed, batch_size):
        """Checked arguments as (traced function, n, seed, per-batch attribute rows or
        None). ``attributes``: a DataFrame, or a Parquet/CSV file or Parquet folder read a
        batch at a time."""
        if not self._networks_ready or not self.built:
            raise ValueError("the model is not trained yet: call model.fit(...) first")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        conds = None
        if attributes is not None:
            if not self.attribute_dim:
                raise ValueError("this spec has no attributes to condition on")
            if isinstance(attributes, (str, Path)):
                rows = count_rows(attributes)
                names = [c.name for c in self.spec.attributes]
                conds = (self.spec.transform_attributes(chunk)
                         for chunk in iter_rows(attributes, batch_size, columns=names))
            elif isinstance(attributes, pd.DataFrame):
                cond = self.spec.transform_attributes(attributes)
                rows = len(cond)
                conds = (cond[s:s + batch_size] for s in range(0, rows, batch_size))
            else:
                raise ValueError("attributes must be a DataFrame, or the path of a Parquet "
                                 f"or CSV file, got {type(attributes).__name__}")
            if n is not None and n != rows:
                raise ValueError(f"n={n} but {rows} attribute rows were given; pass one")
            n = rows
        if n is None or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"n must be a positive integer (number of sequences), got {n!r}")
        seed = self._generation_seed(seed)
        if conds is None and self.attribute_source in ("empirical", "released") \
                and self.attribute_dim:
            if self.attribute_table is None:
                raise ValueError(f"attribute_source={self.attribute_source!r} draws from the "
                                 "attribute table made in fit; fit on a DataFrame, "
                                 "SequenceData or a dataset from model.make_dataset first")
            index = self.attribute_table.draw(int(n), seed=[seed, 1])
            rows_of = self.attribute_table.rows
            conds = (rows_of[index[s:s + batch_size]] for s in range(0, int(n), batch_size))
        fn = self._cached_function(conds is not None, lambda: tf.function(
            self._generation_pass, reduce_retracing=True))
        return fn, int(n), seed, conds

    def _generation_pass(self, batch, seed_vec, cond=None):
        """One generator pass from stateless noise (traced once per kind of call)."""
        z = self._noise(batch, seed=seed_vec)
        out = self._forward(*z, attributes=cond)
        return [tf.cast(t, tf.float32) for t in out]

    def _sequence_data(self, attr, derived, steps, mask) -> SequenceData:
        return SequenceData(
            attributes=attr.astype(np.float32),
            derived_attributes=derived.astype(np.float32),
            features=steps[..., :self.feature_dim].astype(np.float32),
            gen_flags=mask,
            lengths=mask.sum(axis=1).astype(np.int64),
        )

    def generate_arrays(self, n: int | None = None, attributes=None, seed=None,
                        batch_size: int = 1000) -> SequenceData:
        """Generate ``n`` sequences, or one per row of ``attributes`` (conditional
        generation: a DataFrame or a Parquet/CSV file), as a SequenceData. The same seed and
        batch_size give the same sequences."""
        fn, n, seed, conds = self._generation_plan(n, attributes, seed, batch_size)
        cond = None if conds is None else np.concatenate(list(conds))
        return self._sequence_data(*generate_batches(fn, n, seed, batch_size, cond))

    def generate_chunks(self, n: int | None = None, attributes=None, seed=None,
                        batch_size: int = 1000, format: str | None = None,
                        ) -> Iterator[pd.DataFrame]:
        """Generate sequences a batch at a time: DataFrames of ``batch_size`` sequences in
        the training data's format, example ids counting on from one chunk to the next.
        Memory stays that of a few batches however many sequences are asked for; the
        chunks together equal ``generate(...)`` with the same arguments. The arguments are
        checked at once, before the first chunk is asked for."""
        return self._decoded(self._generation_plan(n, attributes, seed, batch_size),
                             batch_size, format)

    def _decoded(self, plan, batch_size: int, format) -> Iterator[pd.DataFrame]:
        fn, n, seed, conds = plan

        def decode(b, outs):
            return self.spec.inverse_transform(self._sequence_data(*outs), format=format,
                                               seed=[seed + 1, b], first_id=b * batch_size)

        yield from iter_batches(fn, n, seed, batch_size, conds, finish=decode)

    def generate(self, n: int | None = None, attributes=None, seed=None, batch_size: int = 1000,
                 format: str | None = None) -> pd.DataFrame:
        """Generate sequences as a DataFrame in the training data's format (long or wide),
        with example ids 0..n-1, generated lengths and timestamps. ``attributes``: one row
        per wanted sequence (a DataFrame, or a Parquet/CSV file) for conditional generation.
        For more sequences than fit in memory use :meth:`generate_to`."""
        frames = list(self.generate_chunks(n, attributes, seed, batch_size, format))
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    def generate_to(self, path, n: int | None = None, attributes=None, seed=None,
                    batch_size: int = 1000, format: str | None = None,
                    sequences_per_file: int = 100_000, verbose="auto") -> Written:
        """Generate sequences straight to disk, a batch at a time, in bounded memory.

        Args:
            path: a folder (new or empty) for a Parquet data set of part files
                (``part-00000.parquet``, ...; ``pd.read_parquet(path)`` reads it whole),
                a ``.parquet`` file (a row group per batch) or a ``.csv`` file.
            n, attributes, seed, batch_size, format: as :meth:`generate`, whose rows and
                dtypes these are for the same arguments; ``attributes`` may be a Parquet
                file or folder larger than memory, read a batch at a time.
            sequences_per_file: at most this many sequences per part file (whole batches).
            verbose: ``"auto"``/1 draws a progress bar over the sequences, 0 is silent.
        Returns:
            ``Written(path, sequences, rows, files)``.
        """
        import keras

        writer = ChunkWriter(path)  # checks the path before any work
        plan = self._generation_plan(n, attributes, seed, batch_size)
        n = plan[1]
        check_positive_int("sequences_per_file", sequences_per_file)
        per_file = max(1, int(sequences_per_file) // batch_size)
        bar = keras.utils.Progbar(n, unit_name="sequence") if verbose else None
        try:
            for b, chunk in enumerate(self._decoded(plan, batch_size, format)):
                if b and b % per_file == 0:
                    writer.next_file()
                writer.write(chunk)
                if bar is not None:
                    bar.update(min(n, (b + 1) * batch_size))
        finally:
            writer.close()
        return Written(str(path), n, writer.rows, writer.files)
