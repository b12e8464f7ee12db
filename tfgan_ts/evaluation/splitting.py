"""Splitting a frame of sequences into train and test by whole sequences (the holdout of
:func:`~tfgan_ts.evaluation.forecast_utility` and of the privacy measures).

Pure numpy / pandas; no TensorFlow.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["train_test_split_sequences"]


def train_test_split_sequences(
    df: pd.DataFrame, spec, test_size=0.2, seed=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a frame of sequences into train and test by whole sequences (example ids).

    Every row of an example goes to the same side, so no sequence is split in two (the holdout
    :func:`forecast_utility` needs). Rows keep their order and index within each side. Works on
    long frames (several rows per example) and wide frames (one row per example) alike: only
    ``spec.example_id`` is read.

    Args:
        df: DataFrame with the ``spec.example_id`` column.
        spec: a :class:`tfgan_ts.SequenceSpec` (need not be fitted).
        test_size: share of examples in the test set (0 < test_size < 1, rounded up to whole
            examples, as scikit-learn does) or a number of examples (int >= 1).
        seed: seed of the random choice of test examples (``numpy.random.default_rng``).

    Returns:
        ``(train_df, test_df)``, both non-empty.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if spec.example_id not in df.columns:
        raise ValueError(
            f"example id column {spec.example_id!r} missing from the DataFrame (it has "
            f"{list(df.columns)[:20]})"
        )
    ids = df[spec.example_id]
    if ids.isna().any():
        raise ValueError(
            f"column {spec.example_id!r} (example id) has {int(ids.isna().sum())} missing "
            "value(s); every row needs the id of its sequence"
        )
    codes, uniques = pd.factorize(ids, sort=False)
    n = len(uniques)
    if isinstance(test_size, (bool, np.bool_)):
        raise ValueError(f"test_size must be a share in (0, 1) or a count, got {test_size!r}")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
        if not 1 <= n_test < n:
            raise ValueError(
                f"test_size={n_test} examples leaves no train or no test example: the frame "
                f"has {n} example(s); pass 1..{n - 1} or a share"
            )
    elif isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        n_test = math.ceil(float(test_size) * n)
        if not 1 <= n_test < n:
            raise ValueError(
                f"test_size={test_size} of {n} example(s) gives {n_test} test example(s), which "
                "leaves no train example; more examples are needed to split"
            )
    else:
        raise ValueError(
            f"test_size must be a share in (0, 1) or a number of examples, got {test_size!r}"
        )
    chosen = np.random.default_rng(seed).permutation(n)[:n_test]
    is_test = np.zeros(n, dtype=bool)
    is_test[chosen] = True
    mask = is_test[codes]
    return df.loc[~mask], df.loc[mask]
