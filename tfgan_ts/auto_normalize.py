"""Per-example auto-normalization of a continuous feature (DoppelGANger).

Each example's values are scaled within the example's own range, and the example's midpoint
and half-range are kept (in the column's normalization) as two derived attributes. The
generator then learns the shape of a sequence apart from its level and spread.
"""

from __future__ import annotations

import numpy as np

from .columns import Continuous


def half_to_unit(col: Continuous, half: np.ndarray) -> np.ndarray:
    """A half-range (0 .. half the column's width) → the column's normalization."""
    u = half / (col.scale / 2.0)
    return u if col.normalization == "zero_one" else 2.0 * u - 1.0


def half_from_unit(col: Continuous, e: np.ndarray) -> np.ndarray:
    """Inverse of :func:`half_to_unit`; negative half-ranges become 0."""
    e = np.asarray(e, dtype=np.float64)
    u = e if col.normalization == "zero_one" else (e + 1.0) / 2.0
    return np.maximum(u, 0.0) * (col.scale / 2.0)


def encode_within_examples(
    col: Continuous, x: np.ndarray, ex: np.ndarray, pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale finite values within each example.

    Args:
        col: the fitted column (its range scales the midpoint and half-range).
        x: float64 value of each row, rows grouped by example in example order.
        ex: example index of each row.
        pos: step of each row (0 at an example's first row).

    Returns:
        The scaled values ``[rows, 1]`` (a constant example scales to the middle) and the
        encoded midpoint and half-range ``[n, 1]`` of every example, all float32.
    """
    starts = np.flatnonzero(pos == 0)
    low, high = np.minimum.reduceat(x, starts), np.maximum.reduceat(x, starts)
    mid, half = (high + low) / 2.0, (high - low) / 2.0
    safe = np.where(half > 0, half, 1.0)
    s = (x - mid[ex]) / safe[ex]
    s = np.where(half[ex] > 0, s, 0.0)
    if col.normalization == "zero_one":
        s = (s + 1.0) / 2.0
    mid_enc = col.to_unit(mid)[:, None].astype(np.float32)
    half_enc = half_to_unit(col, half)[:, None].astype(np.float32)
    return s[:, None].astype(np.float32), mid_enc, half_enc


def decode_within_examples(
    col: Continuous, scaled: np.ndarray, mid_enc: np.ndarray, half_enc: np.ndarray,
    ex: np.ndarray
) -> np.ndarray:
    """Inverse of :func:`encode_within_examples`: float64 values of each row.

    Args:
        col: the fitted column.
        scaled: the scaled value of each row.
        mid_enc: encoded midpoint of each example.
        half_enc: encoded half-range of each example.
        ex: example index of each row.
    """
    mid, half = col.from_unit(mid_enc), half_from_unit(col, half_enc)
    s = np.asarray(scaled).astype(np.float64)
    s = 2.0 * s - 1.0 if col.normalization == "zero_one" else s
    x = mid[ex] + s * half[ex]
    # midpoint ± half-range of a generated example can overshoot the column's range (real
    # data cannot): generated values stay within [min, max]
    return np.clip(x, col.min_, col.max_)
