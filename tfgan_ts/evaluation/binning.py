"""Cutting continuous values into integer codes on shared bin edges, for the
mutual-information measures (:mod:`.temporal_mi`, :mod:`.dependence`).

Pure numpy; no TensorFlow.
"""

from __future__ import annotations

import numpy as np

from ._inputs import bin_index, check_bins, check_edges

__all__ = ["discretize", "quantile_edges"]


def quantile_edges(*arrays, bins: int = 10) -> np.ndarray:
    """Bin edges at the quantiles ``0, 1/bins, ..., 1`` of the finite values of all ``arrays``
    pooled (NaN ignored), with repeated edges merged — so heavily tied data gets fewer bins.

    Pass the real and the synthetic values together to get edges shared by both sides, then
    :func:`discretize` each side with them. Raises ValueError when no array holds a finite
    value.
    """
    bins = check_bins(bins)
    if not arrays:
        raise ValueError("quantile_edges needs at least one array of values")
    parts = []
    for a in arrays:
        v = np.asarray(a, dtype=np.float64).ravel()
        if np.isinf(v).any():
            raise ValueError("quantile_edges: infinite values cannot be binned")
        parts.append(v[~np.isnan(v)])
    pooled = np.concatenate(parts)
    if pooled.size == 0:
        raise ValueError("quantile_edges: no finite values to compute quantiles from")
    return np.unique(np.quantile(pooled, np.linspace(0.0, 1.0, bins + 1)))


def discretize(values, edges=None, bins: int = 10) -> np.ndarray:
    """Cut continuous values (e.g. a NaN-padded ``[n, T]`` matrix) into integer codes.

    Code ``i`` means ``edges[i] <= value < edges[i+1]`` (the last bin also holds the top
    edge); values outside ``[edges[0], edges[-1]]`` go to the first or last bin; NaN becomes
    ``-1`` (padding / missing, skipped by the mutual-information functions). The output has
    the shape of ``values``.

    Args:
        values: array of numbers, NaN for padding.
        edges: sorted bin edges. For a real-vs-synthetic comparison use edges shared by both
            sides — ``edges = quantile_edges(real, synthetic, bins=10)`` — because mutual
            information grows with the number of occupied bins.
        bins: number of quantile bins when ``edges`` is None (edges then come from
            ``values`` alone, via :func:`quantile_edges`).
    """
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "discretize takes numbers; discrete values are already symbols — turn them into "
            "codes with pd.factorize"
        ) from None
    if np.isinf(x).any():
        raise ValueError(f"discretize: {int(np.isinf(x).sum())} infinite value(s) cannot be binned")
    codes = np.full(x.shape, -1, dtype=np.int64)
    ok = ~np.isnan(x)
    if not ok.any():
        if edges is not None:
            check_edges(edges)
        return codes
    e = quantile_edges(x, bins=bins) if edges is None else check_edges(edges)
    codes[ok] = bin_index(x[ok], e)
    return codes
