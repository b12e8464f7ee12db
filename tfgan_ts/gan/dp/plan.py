"""The Poisson plan of DP-SGD: each example joins a step's batch with probability
q = batch_size / n; batches are padded to a fixed size whose overflow is charged to delta.
No TensorFlow here, so a run can be planned before TensorFlow starts."""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

# Each Poisson sample is padded to a fixed ``max_batch``. A sample larger than that is
# truncated at random; the chance of it per step is kept below this figure and the total
# over the steps taken is charged to delta (truncated Poisson sampling).
OVERFLOW_PER_STEP = 1e-11


@dataclasses.dataclass(frozen=True)
class PoissonPlan:
    """Poisson sampling of ``n`` examples at rate ``q = batch_size / n``, padded to
    ``max_batch`` rows; ``overflow_probability`` is P(sample > max_batch) per step."""

    n: int
    batch_size: int
    sampling_probability: float
    max_batch: int
    overflow_probability: float

    @property
    def steps_per_epoch(self) -> int:
        """Generator steps that see n examples in expectation."""
        return max(1, round(self.n / self.batch_size))


def poisson_plan(n: int, batch_size: int, multiple_of: int = 1) -> PoissonPlan:
    """The padded size: the smallest multiple of ``multiple_of`` (replicas) whose overflow
    probability is at most ``OVERFLOW_PER_STEP`` (capped at n, where it is 0)."""
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} is larger than the {n} training sequences; "
                         "with Poisson sampling the expected batch must be at most n")
    q = batch_size / n
    cap = max(int(stats.binom.isf(OVERFLOW_PER_STEP, n, q)) - 1, batch_size)
    while cap < n and stats.binom.sf(cap, n, q) > OVERFLOW_PER_STEP:
        cap += 1  # P(sample size > cap) is what truncates
    cap = -(-cap // multiple_of) * multiple_of
    overflow = float(stats.binom.sf(cap, n, q)) if cap < n else 0.0
    return PoissonPlan(int(n), int(batch_size), q, cap, overflow)
