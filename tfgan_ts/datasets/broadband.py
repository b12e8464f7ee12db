"""FCC Measuring Broadband America sequences, as preprocessed for the DoppelGANger paper."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._files import read_bundled_csv

if TYPE_CHECKING:
    from ..spec import SequenceSpec

FCC_FILE = "fcc_mba_doppelganger.csv.xz"
FILES = (FCC_FILE,)

SEQ_LEN = 56
ATTRIBUTES = ("isp", "technology", "state")


@functools.lru_cache(maxsize=1)
def _fcc_raw() -> pd.DataFrame:
    return read_bundled_csv(FCC_FILE)


def fcc_mba() -> pd.DataFrame:
    """FCC Measuring Broadband America sequences, as preprocessed for DoppelGANger.

    This copy comes from the ydata-synthetic example data. The shipped file
    has no id column: its 33,600 rows are 600 consecutive blocks of 56 rows,
    and each block is one sequence. No cleaning: ``state`` is kept verbatim,
    so it has a few inconsistent spellings (e.g. ``IA`` and ``Ia``, ``SC`` and
    ``sc``).

    Returns:
        33,600 rows. ``example_id`` (row // 56) and ``step`` (row % 56) come
        first (int64), then the shipped columns unchanged: the features
        ``traffic_byte_counter`` and ``ping_loss_rate`` (float64; already
        normalised to [0, 1], not raw measurements) and the attributes
        ``isp``, ``technology`` and ``state`` (str). ``attrs`` holds
        ``n_examples`` and ``seq_len``.

    Raises:
        ValueError: If the row count is not a multiple of 56 or an attribute
            changes within a block, i.e. if the block structure does not hold.
    """
    df = _fcc_raw().copy()
    n = len(df)
    if n % SEQ_LEN:
        raise ValueError(f"fcc_mba: {n} rows is not a multiple of {SEQ_LEN}")
    n_examples = n // SEQ_LEN
    for col in ATTRIBUTES:
        block = df[col].to_numpy().reshape(n_examples, SEQ_LEN)
        varying = (block != block[:, :1]).any(axis=1)
        if varying.any():
            raise ValueError(
                f"fcc_mba: attribute {col!r} is not constant within "
                f"{int(varying.sum())} blocks of {SEQ_LEN} rows"
            )
    rows = np.arange(n, dtype=np.int64)
    df.insert(0, "example_id", rows // SEQ_LEN)
    df.insert(1, "step", rows % SEQ_LEN)
    df.attrs.update({"n_examples": int(n_examples), "seq_len": SEQ_LEN})
    return df


def fcc_mba_spec() -> SequenceSpec:
    """Spec for :func:`fcc_mba`: the DoppelGANger paper's MBA setup."""
    from ..columns import Continuous, Discrete
    from ..spec import SequenceSpec

    return SequenceSpec(
        example_id="example_id", time="step",
        attributes=[Discrete(name) for name in ATTRIBUTES],
        features=[Continuous("traffic_byte_counter"), Continuous("ping_loss_rate")])
