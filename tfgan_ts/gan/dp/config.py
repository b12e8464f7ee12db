"""What a DP-SGD run promises and rests on: the configuration, the unit of privacy, the
assumptions the report lists, and the default delta."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

NEIGHBOURING = "add or remove one training example (one whole sequence)"

# Each Poisson sample is padded to a fixed ``max_batch``. A sample larger than that is
# truncated at random; the chance of it per step is kept below this figure and the total

ASSUMPTIONS = (
    "unit of privacy: one training example (a whole sequence); a person with several "
    "sequences (e.g. overlapping windows of one sensor) is protected with a weaker, "
    "group-privacy guarantee",
    "the number of training examples n is treated as public (it sets q = batch_size / n)",
    "every discriminator step draws a fresh Poisson sample; samples larger than max_batch are "
    "truncated and the probability of that is added to delta",
    "only the discriminators read real data; the generator update and generation are "
    "post-processing",
    "DP noise and sampling use TensorFlow's Philox generator seeded from the operating system "
    "(not from seed=, not a cryptographic generator)",
    "training logs (d_loss, gp, wasserstein) are computed from real data without noise and "
    "are not covered: do not publish them",
    "hyper-parameter tuning on the same data is not accounted for",
)


@dataclasses.dataclass
class DPConfig:
    """How to train the critics with DP-SGD.

    Args:
        l2_norm_clip: C, the bound on each example's gradient norm (all critics jointly).
        noise_multiplier: σ; noise N(0, (σ·C)²) per coordinate of the summed gradient.
        target_epsilon: instead of σ, the epsilon the planned run should spend; σ is
            calibrated with the accountant before training.
        delta: δ of the guarantee; default ``1/n`` rounded down to a power of ten, or 1e-5,
            whichever is smaller.
        accountant: ``"rdp"`` (Rényi DP, Mironov 2017) or ``"pld"`` (privacy loss
            distributions, tighter and slower).
        allow_data_derived_schema: proceed although bounds/categories were fitted from the
            data; the guarantee then excludes them and the model and report say so.
    """

    l2_norm_clip: float = 1.0
    noise_multiplier: float | None = None
    target_epsilon: float | None = None
    delta: float | None = None
    accountant: str = "rdp"
    allow_data_derived_schema: bool = False

    def __post_init__(self):
        if not _positive(self.l2_norm_clip):
            raise ValueError(f"l2_norm_clip must be a positive number, got {self.l2_norm_clip!r}")
        if (self.noise_multiplier is None) == (self.target_epsilon is None):
            raise ValueError(
                "set exactly one of noise_multiplier (σ) or target_epsilon (σ is then "
                f"calibrated); got noise_multiplier={self.noise_multiplier!r}, "
                f"target_epsilon={self.target_epsilon!r}")
        if self.noise_multiplier is not None and not _positive(self.noise_multiplier):
            raise ValueError("noise_multiplier must be a positive number (σ = 0 gives no "
                             f"privacy), got {self.noise_multiplier!r}")
        if self.target_epsilon is not None and not _positive(self.target_epsilon):
            raise ValueError(f"target_epsilon must be a positive number, got "
                             f"{self.target_epsilon!r}")
        if self.delta is not None and not (_positive(self.delta) and self.delta < 1):
            raise ValueError(f"delta must be in (0, 1), got {self.delta!r}")
        if self.accountant not in ("rdp", "pld"):
            raise ValueError(f"accountant must be 'rdp' or 'pld', got {self.accountant!r}")
        for name in ("l2_norm_clip", "noise_multiplier", "target_epsilon", "delta"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, float(value))
        self.allow_data_derived_schema = bool(self.allow_data_derived_schema)

    def resolve_delta(self, n: int) -> float:
        return self.delta if self.delta is not None else default_delta(n)

    def get_config(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_config(cls, config) -> DPConfig:
        if isinstance(config, cls):
            return config
        if not isinstance(config, dict):
            raise ValueError(f"dp must be a tg.DPConfig or a dict of its fields, got "
                             f"{type(config).__name__}")
        return cls(**config)


def _positive(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) \
        and math.isfinite(x) and x > 0


def default_delta(n: int) -> float:
    """1/n rounded down to a power of ten, or 1e-5, whichever is smaller."""
    if n < 1:
        raise ValueError(f"the number of training examples must be >= 1, got {n}")
    return min(10.0 ** -math.ceil(math.log10(n)), 1e-5) if n > 1 else 1e-5
