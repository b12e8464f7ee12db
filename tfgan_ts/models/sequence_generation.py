"""Generation in batches side by side: batch b always draws from seed (seed, b), so the
output for a seed and batch size does not depend on how many threads ran it, nor on whether
the batches are gathered in memory or streamed to disk one by one."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import tensorflow as tf

from ..runtime import available_cores


def iter_batches(fn, n: int, seed: int, batch_size: int,
                 conds: Iterable[np.ndarray] | None = None, finish=None) -> Iterator:
    """Run the traced generation function ``fn(batch, seed_vec[, cond])`` over ``n`` rows in
    batches and yield each batch's outputs in order. ``conds`` yields the attribute rows of
    each batch in turn (read lazily, so a condition file need not fit in memory);
    ``finish(b, outputs)``, when given, runs on the same thread as the batch (decoding side
    by side) and its result is yielded instead. At most a few batches are in flight, so
    memory stays bounded however large ``n`` is."""
    n_batches = -(-n // batch_size)
    cond_iter = iter(conds) if conds is not None else None

    def submit(pool, b):
        m = min(batch_size, n - b * batch_size)
        args = [tf.constant(m, tf.int32), tf.constant([int(seed), b], tf.int64)]
        if cond_iter is not None:
            args.append(tf.constant(next(cond_iter)))
        def run():
            outs = [t.numpy() for t in fn(*args)]
            return outs if finish is None else finish(b, outs)

        return pool.submit(run)

    workers = max(1, min(n_batches - 1, available_cores()))
    # batches are independent; running them side by side uses every core when each operation
    # runs on one thread. The first batch runs alone: it traces the function once.
    with ThreadPoolExecutor(workers) as pool:
        yield submit(pool, 0).result()
        pending = deque()
        next_b = 1
        while next_b < n_batches or pending:
            while next_b < n_batches and len(pending) < workers + 1:
                pending.append(submit(pool, next_b))
                next_b += 1
            yield pending.popleft().result()


def generate_batches(fn, n: int, seed: int, batch_size: int, cond=None) -> list[np.ndarray]:
    """:func:`iter_batches` gathered: each output concatenated over the batches (``cond``:
    all attribute rows as one array, or None)."""
    conds = None if cond is None else (cond[s:s + batch_size] for s in range(0, n, batch_size))
    outs = list(iter_batches(fn, n, seed, batch_size, conds))
    return [np.concatenate(parts) for parts in zip(*outs, strict=True)]
