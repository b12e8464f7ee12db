"""CTGAN's training-by-sampling and the condition vectors of generation: a condition
column is chosen uniformly, its category with probability ∝ log(1 + count), and the real
rows are drawn from that category, so rare categories are learnt."""

from __future__ import annotations

import secrets

import numpy as np
import tensorflow as tf


def sampler_tables(codes: list[np.ndarray], sizes: list[int]):
    """Row indices grouped by condition category, as flat arrays (start, count per
    category) plus the log-frequency sampling logits of each condition column."""
    order, starts, counts = [], [], []
    logits = np.full((len(sizes), max(sizes)), -np.inf, np.float32)
    offset = 0
    for j, column_codes in enumerate(codes):
        for k in range(sizes[j]):
            rows = np.flatnonzero(column_codes == k)
            starts.append(offset)
            counts.append(len(rows))
            order.append(rows)
            offset += len(rows)
        weight = np.log1p(np.bincount(column_codes, minlength=sizes[j]).astype(float))
        with np.errstate(divide="ignore"):
            logits[j, :sizes[j]] = np.log(weight / weight.sum())
    return (np.concatenate(order).astype(np.int64), np.array(starts, np.int64),
            np.array(counts, np.int64), logits)


def training_by_sampling(encoded: np.ndarray, codes: list[np.ndarray], sizes: list[int],
                         batch_size: int, pac: int, same_condition_packs: bool,
                         seed, prior=None) -> tf.data.Dataset:
    """An endless stream of dicts: ``real`` rows, their condition vectors ``cond`` and the
    generator's condition vectors ``g_cond`` (one condition per pack of ``pac`` rows when
    ``same_condition_packs``, else one per row). ``seed=None``: from the operating system.
    ``prior=(pool, starts, counts)`` (see :func:`.tabular_prior.prior_pools`) adds ``prior``
    and ``g_prior``: a pool row of each row's category for ``cond`` and ``g_cond``."""
    encoded = tf.constant(encoded)
    if prior is not None:
        pool, p_starts, p_counts = (tf.constant(a) for a in prior)

    def within(starts, counts, category, seed_pair):
        """One index per row of the batch, uniform within its category's slice
        (``starts[category]`` .. + ``counts[category]``) of a table grouped by category."""
        u = tf.random.stateless_uniform([batch_size], seed_pair)
        pick = tf.cast(u * tf.cast(tf.gather(counts, category), tf.float32), tf.int64)
        return tf.gather(starts, category) + pick

    def prior_rows(category, seed_pair):
        """One pool row per row of the batch, of its flat category (pool 0 without
        conditions)."""
        if category is None:
            category = tf.zeros([batch_size], tf.int64)
        return tf.gather(pool, within(p_starts, p_counts, category, seed_pair))

    n = int(encoded.shape[0])
    cond_dim, n_cols = int(sum(sizes)), len(sizes)
    if n_cols:
        order, starts, counts, logits = (tf.constant(a) for a in sampler_tables(codes, sizes))
        col_offsets = tf.constant(np.concatenate([[0], np.cumsum(sizes)[:-1]]), tf.int64)
    packs = batch_size // pac

    def draw_conditions(seeds):
        """One condition (column uniform, category ∝ log(1 + count)) per row, or per pack
        repeated over its rows."""
        m = packs if same_condition_packs else batch_size
        col = tf.random.stateless_uniform([m], seeds[0], maxval=n_cols, dtype=tf.int64)
        cat = tf.random.stateless_categorical(tf.gather(logits, col), 1, seeds[1])[:, 0]
        drawn = tf.gather(col_offsets, col) + cat
        return tf.repeat(drawn, pac) if same_condition_packs else drawn

    base = tf.constant(int(seed) if seed is not None else secrets.randbits(62), tf.int64)

    def sample(step):
        seeds = tf.random.experimental.stateless_split(tf.stack([base, step]), 6)
        p_seeds = tf.random.experimental.stateless_split(seeds[5], 2)  # seeds[5]: unused else
        if not n_cols:
            rows = tf.random.stateless_uniform([batch_size], seeds[0], maxval=n,
                                               dtype=tf.int64)
            empty = tf.zeros([batch_size, 0])
            out = {"real": tf.gather(encoded, rows), "cond": empty, "g_cond": empty}
            if prior is not None:
                out["prior"] = prior_rows(None, p_seeds[0])
                out["g_prior"] = prior_rows(None, p_seeds[1])
            return out
        category = draw_conditions(seeds[:2])
        rows = tf.gather(order, within(starts, counts, category, seeds[2]))
        g_category = draw_conditions(seeds[3:5])
        out = {"real": tf.gather(encoded, rows),
               "cond": tf.one_hot(category, cond_dim),
               "g_cond": tf.one_hot(g_category, cond_dim)}
        if prior is not None:
            out["prior"] = prior_rows(category, p_seeds[0])
            out["g_prior"] = prior_rows(g_category, p_seeds[1])
        return out

    # endless: fit takes steps_per_epoch, so the iterator is not rebuilt every epoch. Step k
    # draws from the stateless seed (seed, k) alone: unlike an op seed of tf.data, it does
    # not mix in TensorFlow's global seed, so the stream is the model's own
    ds = tf.data.Dataset.counter().map(sample, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def condition_vectors(m: int, codes, rng: np.random.Generator, sizes: list[int],
                      counts: list[list[int]]) -> np.ndarray:
    """[m, condition dim] for generation: the rarest requested (column, category) code for
    every row, or (none requested) a column chosen uniformly and its category by training
    frequency."""
    cond = np.zeros((m, int(sum(sizes))), np.float32)
    if not sizes:
        return cond
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
    if codes:
        j, code = min(codes, key=lambda jc: counts[jc[0]][jc[1]] / sum(counts[jc[0]]))
        cond[:, offsets[j] + code] = 1.0
        return cond
    cols = rng.integers(len(sizes), size=m)
    for j in range(len(sizes)):
        rows = np.flatnonzero(cols == j)
        p = np.asarray(counts[j], float)
        cats = rng.choice(len(p), size=len(rows), p=p / p.sum())
        cond[rows, offsets[j] + cats] = 1.0
    return cond
