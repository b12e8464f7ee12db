"""Input pipelines of DoppelGANger: real sequences in the form the feature generator emits,
shuffled fixed-size batches, and Poisson-sampled batches for DP-SGD."""

from __future__ import annotations

import warnings

import numpy as np
import tensorflow as tf

from ..gan import dp as dpsgd
from ..sequence_data import SequenceData


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


def training_arrays(data: SequenceData, variable_length: bool) -> dict:
    """The three arrays a critic compares with generated ones."""
    return {"attributes": data.attributes, "derived_attributes": data.derived_attributes,
            "features": real_steps(data, variable_length)}


def fixed_size_batches(data: SequenceData, variable_length: bool, batch_size, shuffle: bool,
                     seed) -> tf.data.Dataset:
    """Fixed-size batches (the last partial batch of each pass left out; with shuffling a
    different one each epoch)."""
    n = len(data)
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if batch_size > n:
        warnings.warn(f"batch_size={batch_size} is larger than the {n} training sequences; "
                      f"using batch_size={n}", stacklevel=3)
        batch_size = n
    ds = tf.data.Dataset.from_tensor_slices(training_arrays(data, variable_length))
    if shuffle:
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    return without_autotune(ds.batch(batch_size, drop_remainder=True).prefetch(2))


def file_batches(spec, source, variable_length: bool, batch_size: int, shuffle: bool, seed,
                 chunk_rows: int, shuffle_buffer: int, steps: int) -> tf.data.Dataset:
    """Fixed-size batches read from a Parquet file or data set folder (or a CSV) a chunk of
    ``chunk_rows`` rows at a time, encoded by the fitted ``spec`` on the fly: memory holds a
    chunk and the shuffle buffer (``shuffle_buffer`` sequences), not the data set. Each
    epoch reads the files again, in order; shuffling mixes sequences within the buffer.
    ``steps``: the batches in one pass (the sequences counted beforehand // batch_size)."""
    from ..frame_chunks import iter_rows, whole_examples

    def encoded():
        for chunk in whole_examples(iter_rows(source, chunk_rows), spec.example_id):
            yield training_arrays(spec.transform(chunk), variable_length)

    width = spec.feature_dim + (2 if variable_length else 0)
    signature = {
        "attributes": tf.TensorSpec((None, spec.attribute_dim), tf.float32),
        "derived_attributes": tf.TensorSpec((None, spec.derived_dim), tf.float32),
        "features": tf.TensorSpec((None, spec.max_length_, width), tf.float32),
    }
    ds = tf.data.Dataset.from_generator(encoded, output_signature=signature).unbatch()
    if shuffle:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=True)
    ds = ds.apply(tf.data.experimental.assert_cardinality(steps))  # batches per epoch
    return without_autotune(ds.prefetch(2))


def poisson_batches(data: SequenceData, variable_length: bool, plan: dpsgd.PoissonPlan,
                    rounds: int, seed=None) -> tf.data.Dataset:
    """One epoch of Poisson-sampled padded batches, ``rounds`` samples per element
    (``seed``: see ``dpsgd.poisson_dataset``)."""
    ds = dpsgd.poisson_dataset(training_arrays(data, variable_length), plan, rounds=rounds,
                               seed=seed)
    ds = without_autotune(ds)
    return ds.apply(tf.data.experimental.assert_cardinality(plan.steps_per_epoch))


def poisson_shape(dataset: tf.data.Dataset) -> tuple[int, int] | None:
    """(padded batch size, samples per element) of a Poisson-sampled dataset, read off its
    element spec (which survives ``.map()`` and the like); None for other datasets."""
    spec = dataset.element_spec
    if not isinstance(spec, dict) or "mask" not in spec or spec["mask"].shape.rank != 2:
        return None
    rows, rounds = spec["mask"].shape
    return rows, rounds
