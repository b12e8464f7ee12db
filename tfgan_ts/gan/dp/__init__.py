"""Differentially private critic training (DP-SGD), shared by every GAN of the library.

Only the critics read real data, so only their updates are privatized: per-example gradients
(vectorized), each clipped to ``l2_norm_clip`` over the joint parameter vector of all critics,
summed, Gaussian noise N(0, (σ·C)²) added, divided by the expected batch size. Batches are
Poisson samples (each example in with probability q), padded to a fixed size with a mask;
epsilon comes from Google's ``dp-accounting`` (RDP or PLD) over the composed events. A model
keeps its bookkeeping in one :class:`PrivacyLedger`.

Modules: ``config`` (DPConfig, assumptions), ``sampling`` (Poisson plan and dataset),
``step`` (the private gradient), ``accounting`` (epsilon, σ calibration), ``ledger``.
"""

from .accounting import (
    Segment,
    calibrate_noise_multiplier,
    compute_epsilon,
    make_accountant,
    overflow_delta,
    sampled_gaussian_event,
)
from .config import ASSUMPTIONS, NEIGHBOURING, DPConfig, default_delta
from .ledger import EpsilonLogger, PrivacyLedger, PrivacySpent, RunPlan
from .sampling import (
    OVERFLOW_PER_STEP,
    PoissonPlan,
    poisson_dataset,
    poisson_indices,
    poisson_plan,
)
from .step import (
    clip_factors,
    dp_gradients,
    included_rows,
    noise_generator,
    noised_sum,
    per_example_gradients,
)

__all__ = [
    "ASSUMPTIONS",
    "NEIGHBOURING",
    "OVERFLOW_PER_STEP",
    "DPConfig",
    "EpsilonLogger",
    "PoissonPlan",
    "PrivacyLedger",
    "PrivacySpent",
    "RunPlan",
    "Segment",
    "calibrate_noise_multiplier",
    "clip_factors",
    "compute_epsilon",
    "default_delta",
    "dp_gradients",
    "included_rows",
    "make_accountant",
    "noise_generator",
    "noised_sum",
    "overflow_delta",
    "per_example_gradients",
    "poisson_dataset",
    "poisson_indices",
    "poisson_plan",
    "sampled_gaussian_event",
]
