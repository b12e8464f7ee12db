"""Generation in batches side by side: batch b always draws from seed (seed, b), so the
output for a seed and batch size does not depend on how many threads ran it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import tensorflow as tf

from ..runtime import available_cores


def generate_batches(fn, n: int, seed: int, batch_size: int, cond=None) -> list[np.ndarray]:
    """Run the traced generation function ``fn(batch, seed_vec[, cond])`` over ``n`` rows in
    batches and concatenate each of its outputs."""

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
        # batches are independent; running them side by side uses every core when each
        # operation runs on one thread
        with ThreadPoolExecutor(workers) as pool:
            outs += list(pool.map(one_batch, range(1, n_batches)))
    else:
        outs += [one_batch(b) for b in range(1, n_batches)]
    return [np.concatenate(parts) for parts in zip(*outs, strict=True)]
