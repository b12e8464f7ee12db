"""Distributions of per-sequence attributes: one row per sequence, and the Jensen–Shannon
divergence of one column.

Pure numpy / pandas / scipy; no TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon

from ._inputs import as_column, binned_codes, category_codes, floats, is_discrete
from .prepared import PreparedFrame, prepare

__all__ = ["attribute_jsd", "sequence_attributes"]


def attribute_jsd(real, synthetic, bins=20, discrete: bool | None = None) -> float:
    """Jensen–Shannon divergence (base 2) between the distributions of one column, in [0, 1].

    ``p`` and ``q`` are the real and synthetic frequencies over shared cells: for continuous
    values, bins on edges ``np.histogram_bin_edges(concat(real, synthetic), bins)``; for
    discrete values (categorical, bool, string/object, or any dtype with ``discrete=True``),
    the union of the categories seen on either side. Missing values are a cell of their own.
    With ``m = (p + q) / 2``::

        JSD = (KL(p || m) + KL(q || m)) / 2,   KL(p || m) = sum_i p_i log2(p_i / m_i)

    0 means the same histogram, 1 disjoint supports. ``scipy.spatial.distance.jensenshannon(p,
    q, base=2)`` returns the Jensen–Shannon *distance*, the square root of this divergence; it
    is squared here.

    Args:
        real, synthetic: 1-D array-likes or Series (lengths may differ); for attributes of
            sequences take one value per sequence (:func:`sequence_attributes`).
        bins: number of bins or any ``np.histogram_bin_edges`` rule (continuous only).
        discrete: force discrete (True) or continuous (False) handling; default: from dtype.
    """
    func = "attribute_jsd"
    a = as_column(real, "real", "attribute_jsd")
    b = as_column(synthetic, "synthetic", "attribute_jsd")
    if len(a) == 0 or len(b) == 0:
        raise ValueError(
            f"{func} needs values on both sides, got {len(a)} real and {len(b)} synthetic"
        )
    if discrete is None:
        discrete = is_discrete(a) or is_discrete(b)
    if discrete:
        ca, cb = category_codes([a, b])
    else:
        x, y = floats(a, "real", func), floats(b, "synthetic", func)
        both = np.concatenate([x[~np.isnan(x)], y[~np.isnan(y)]])
        edges = np.histogram_bin_edges(both, bins=bins) if both.size else None
        ca, cb = binned_codes([x, y], edges)
    k = int(max(ca.max(), cb.max())) + 1
    p = np.bincount(ca, minlength=k) / len(ca)
    q = np.bincount(cb, minlength=k) / len(cb)
    d = float(jensenshannon(p, q, base=2)) ** 2
    return float(min(max(d, 0.0), 1.0))


def sequence_attributes(df: pd.DataFrame | PreparedFrame, spec) -> pd.DataFrame:
    """The attribute columns of a long-format frame, one row per example.

    Rows are the first row of each example in the spec's order (``spec.sequence_order``:
    examples by first appearance of ``spec.example_id``, steps by ``spec.time``), so row ``i``
    is the example of row ``i`` of :func:`~tfgan_ts.evaluation.sequence_matrix`. Columns are
    the spec's attributes in spec order, with their dtypes; the index is ``0..n-1``. Use it to
    compare attribute distributions once per sequence rather than once per step (which would
    weight long sequences more). ``spec`` need not be fitted. A spec without attributes gives
    a frame with no columns.

    Raises ValueError when an attribute column is missing or varies within an example
    (attributes hold one value per sequence).
    """
    if not isinstance(df, (pd.DataFrame, PreparedFrame)):
        raise ValueError(
            f"sequence_attributes: expected a pandas DataFrame, got {type(df).__name__}"
        )
    return prepare(df, spec).attributes.copy()
