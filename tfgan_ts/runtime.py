"""TensorFlow runtime settings that matter for speed on small CPUs."""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def configure_threads(intra_op: int | None = 1, inter_op: int | None = None) -> dict:
    """Set TensorFlow's CPU thread pools; call it before TensorFlow runs its first operation.

    GANs of the sizes used here (layers of 100–200 units, batches of 100) run thousands of
    small operations per step. TensorFlow's default splits each operation over all cores,
    and the hand-over costs more than it saves; one thread per operation
    (``intra_op=1``) with as many operations side by side as there are cores (``inter_op``,
    default: the cores this process may use) trains DoppelGANger about 1.4× faster on a
    2-core CPU (``benchmarks/RESULTS.md``). Larger models on many cores may prefer the
    defaults. The same is reached without code by starting Python with
    ``TF_NUM_INTRAOP_THREADS=1``.

    Returns the settings now in force. Raises ValueError if TensorFlow is running already
    with other settings (they are fixed for the life of the process).
    """
    inter_op = available_cores() if inter_op is None else inter_op
    for name, value in (("intra_op", intra_op), ("inter_op", inter_op)):
        if value is not None and (not isinstance(value, (int, np.integer)) or value < 1):
            raise ValueError(f"{name} must be a positive integer or None, got {value!r}")
    try:
        if intra_op is not None:
            tf.config.threading.set_intra_op_parallelism_threads(int(intra_op))
        tf.config.threading.set_inter_op_parallelism_threads(int(inter_op))
    except RuntimeError as err:
        raise ValueError(
            f"TensorFlow's thread pools are fixed once it has run an operation ({err}); call "
            "tg.configure_threads() first thing after importing tfgan_ts, or start Python "
            "with TF_NUM_INTRAOP_THREADS=1") from err
    return thread_settings()


def thread_settings() -> dict:
    """TensorFlow's intra- and inter-op thread settings (0 means its default: all cores)."""
    return {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads()}


def multi_worker(strategy) -> bool:
    """Whether ``strategy`` is a MultiWorkerMirroredStrategy over several workers (the test
    Keras itself makes before it reduces the logs of a step)."""
    return (isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            and strategy.extended._in_multi_worker_mode())  # noqa: SLF001 (as Keras does)
