"""What an imputer knows around each gap, in NumPy: the linear interpolation of each column
(the prior a learned imputer corrects), the steps since / until the nearest observation, and
artificial gaps shaped like the user's own (for training and for validation).

All arrays are ``[rows, columns]`` in time order; ``observed`` is bool.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GapSampler", "gap_context", "interpolation", "run_lengths"]


def interpolation(values: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Each column linearly interpolated over its observed entries in row order, held constant
    before the first and after the last (as ``DataFrame.interpolate(limit_direction="both")``);
    a column with no observation gives 0."""
    rows = np.arange(len(values))
    out = np.zeros(values.shape, dtype=np.float64)
    for j in range(values.shape[1]):
        seen = observed[:, j]
        if seen.any():
            out[:, j] = np.interp(rows, rows[seen], values[seen, j])
    return out


def _since(observed: np.ndarray) -> np.ndarray:
    """Steps since the last observation of each column (0 where observed; rows before the
    first observation count from a virtual one just before the series)."""
    rows = np.arange(len(observed))[:, None]
    last = np.maximum.accumulate(np.where(observed, rows, -1), axis=0)
    return (rows - last).astype(np.float64)


def gap_context(values: np.ndarray, observed: np.ndarray, scale: float):
    """(interpolation, distances): the prior ``[rows, columns]`` and ``[rows, 2 * columns]``
    steps since the last and until the next observation, each as ``d / (d + scale)`` in
    [0, 1) — 0 on an observed entry, near 1 deep inside a long gap."""
    prior = interpolation(values, observed)
    since = _since(observed)
    until = _since(observed[::-1])[::-1]
    distances = np.concatenate([since, until], axis=1)
    return prior, distances / (distances + float(scale))


def run_lengths(missing: np.ndarray) -> np.ndarray:
    """Lengths of the runs of consecutive True in each column of ``missing``, pooled."""
    padded = np.zeros((missing.shape[0] + 2, missing.shape[1]), dtype=np.int8)
    padded[1:-1] = missing
    edges = np.diff(padded, axis=0)
    out = []
    for j in range(missing.shape[1]):
        out.append(np.flatnonzero(edges[:, j] == -1) - np.flatnonzero(edges[:, j] == 1))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


class GapSampler:
    """Hides observed entries in runs whose lengths are drawn from the gap runs seen in the
    data (isolated entries if the data has scattered gaps, outages if it has outages; a mix of
    single entries and runs of mean 24 rows when the data has no gap at all).

    Args:
        missing: ``[rows, columns]`` bool, the user's gaps.
        rate: share of each column's observed entries one draw hides.
    """

    def __init__(self, missing: np.ndarray, rate: float):
        lengths = run_lengths(np.asarray(missing, bool))
        if len(lengths) == 0:  # no gap to learn from: half scattered, half 24-row outages
            lengths = np.r_[np.ones(24, np.int64), np.full(1, 24)]
        self.lengths = np.sort(lengths)
        # a missing entry sits in a run with probability proportional to the run's length
        self.weights = self.lengths / self.lengths.sum()
        self.rate = float(rate)

    @property
    def typical_length(self) -> float:
        """Mean gap length a missing entry sits in (weighted by entries)."""
        return float(np.sum(self.lengths * self.weights))

    def quantile_length(self, q: float) -> int:
        """The ``q`` quantile of the gap length a missing entry sits in."""
        cum = np.cumsum(self.weights)
        return int(self.lengths[min(int(np.searchsorted(cum, q)), len(cum) - 1)])

    def draw(self, observed: np.ndarray, rng: np.random.Generator,
             rate: float | None = None) -> np.ndarray:
        """``[rows, columns]`` bool: observed entries to hide, about ``rate`` (default: the
        sampler's) of each column's. Runs start at random rows, with lengths drawn from the
        user's gap runs (so their length distribution is the user's), cut at the end of the
        series; where runs overlap, fewer entries are hidden."""
        rows, cols = observed.shape
        rate = self.rate if rate is None else float(rate)
        hide = np.zeros_like(observed, dtype=bool)
        counts = np.maximum(1, np.round(rate * observed.sum(axis=0) / self.lengths.mean()))
        for j in range(cols):
            k = int(counts[j])  # runs to start in column j
            starts = rng.integers(0, rows, size=k)
            lengths = self.lengths[rng.integers(0, len(self.lengths), size=k)]
            # mark each run with a +1/-1 difference array, then a cumulative sum
            marks = np.zeros(rows + 1, dtype=np.int64)
            np.add.at(marks, starts, 1)
            np.add.at(marks, np.minimum(starts + lengths, rows), -1)
            hide[:, j] = np.cumsum(marks[:-1]) > 0
        return hide & observed
