"""A check shared by the tests of local seeding: a call leaves the global generators as it
found them."""

import random

import numpy as np
import tensorflow as tf


def assert_global_generators_untouched(run):
    """``run()`` must leave NumPy's and Python's global generators as it found them, and
    TensorFlow's global seed stream must go on as if ``run()`` had not been called."""
    tf.random.set_seed(11)
    expected_tf = tf.random.uniform([3]).numpy()
    np.random.seed(11)
    random.seed(11)
    np_before, py_before = np.random.get_state(), random.getstate()
    tf.random.set_seed(11)
    run()
    np_after = np.random.get_state()
    assert np_after[0] == np_before[0]
    np.testing.assert_array_equal(np_after[1], np_before[1])
    assert np_after[2:] == np_before[2:]
    assert random.getstate() == py_before
    np.testing.assert_array_equal(tf.random.uniform([3]).numpy(), expected_tf)
