"""What a private run promises and rests on: the configuration (mechanism, unit of privacy,
public attributes), the assumptions the report lists, and the default delta."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

NEIGHBOURING = "add or remove one training example (one whole sequence)"
MECHANISMS = ("dp-sgd", "embedding")
# names of the one-shot Gaussian releases in a ledger
EMBEDDING = "embedding"
HISTOGRAM = "attribute histogram"

# Each Poisson sample is padded to a fixed ``max_batch``. A sample larger than that is
# truncated at random; the chance of it per step is kept below this figure and the total

ASSUMPTIONS = (
    "the number of training units n is treated as public (it sets q = batch_size / n, and "
    "the embedding's mean is its noisy sum divided by n)",
    "dp-sgd: every discriminator step draws a fresh Poisson sample; samples larger than "
    "max_batch are truncated and the probability of that is added to delta",
    "dp-sgd: only the discriminators read real data; embedding: only the one noisy release "
    "of the mean embedding does; the generator's training and generation are post-processing",
    "DP noise and sampling come from generators seeded by the operating system (not from "
    "seed=, not cryptographic generators)",
    "dp-sgd: the training logs (d_loss, gp, wasserstein) are computed from real data without "
    "noise and are not covered: do not publish them (the embedding's log reads only the "
    "release)",
    "hyper-parameter tuning on the same data is not accounted for",
)


@dataclasses.dataclass
class DPConfig:
    """How to train privately, and what the guarantee protects.

    Args:
        mechanism: ``"dp-sgd"``: the critics train with DP-SGD (per-example clipping, noise
            at every step); ``"embedding"``: the mean of a random-feature embedding of the
            training sequences is released once with the Gaussian mechanism and the generator
            is trained to match it for as long as wanted (DP-MERF, Harder et al. 2021): the
            budget is spent once, which holds up at small epsilon.
        unit: the column of the training frame that names the unit of privacy (a person, an
            account, a counter-day); every sequence must belong to one unit. None: each
            sequence is its own unit. ``"embedding"`` bounds a unit's contribution by
            averaging its sequences' embeddings; ``"dp-sgd"`` needs one sequence per unit.
        public_attributes: attributes declared public (e.g. calendar facts): their joint
            table is taken from the data as it is, NOT covered by epsilon, and stated in the
            report. ``True``: every attribute.
        attribute_share: the share of the budget (of 1/σ², the Gaussian mechanisms'
            currency) spent on the noisy histograms of the attributes that are not public.
        embedding_features: random Fourier frequencies of the ``"embedding"`` mechanism.
        l2_norm_clip: C, the bound on each example's gradient norm (all critics jointly).
        noise_multiplier: σ; noise N(0, (σ·C)²) per coordinate of the summed gradient.
        target_epsilon: instead of σ, the epsilon the planned run should spend; σ is
            calibrated with the accountant before training.
        delta: δ of the guarantee; default ``1/n`` rounded down to a power of ten, or 1e-5,
            whichever is smaller.
        accountant: ``"rdp"`` (Rényi DP, Mironov 2017), ``"pld"`` (privacy loss
            distributions, tighter and slower) or ``"auto"``: PLD for ``"embedding"`` (exact
            for its few Gaussian releases), RDP for ``"dp-sgd"``.
        allow_data_derived_schema: proceed although bounds/categories were fitted from the
            data; the guarantee then excludes them and the model and report say so.
    """

    l2_norm_clip: float = 1.0
    noise_multiplier: float | None = None
    target_epsilon: float | None = None
    delta: float | None = None
    accountant: str = "auto"
    allow_data_derived_schema: bool = False
    mechanism: str = "dp-sgd"
    unit: str | None = None
    public_attributes: tuple | bool = ()
    attribute_share: float = 0.1
    embedding_features: int = 1000

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
        if self.accountant not in ("auto", "rdp", "pld"):
            raise ValueError(f"accountant must be 'auto', 'rdp' or 'pld', got "
                             f"{self.accountant!r}")
        for name in ("l2_norm_clip", "noise_multiplier", "target_epsilon", "delta"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, float(value))
        self.allow_data_derived_schema = bool(self.allow_data_derived_schema)
        if self.mechanism not in MECHANISMS:
            raise ValueError(f"mechanism must be one of {MECHANISMS}, got {self.mechanism!r}")
        if self.accountant == "auto":
            self.accountant = "pld" if self.mechanism == "embedding" else "rdp"
        if self.unit is not None and not (isinstance(self.unit, str) and self.unit):
            raise ValueError(f"unit must be a column name (or None: one sequence per unit), "
                             f"got {self.unit!r}")
        if not isinstance(self.public_attributes, bool):
            names = ([self.public_attributes] if isinstance(self.public_attributes, str)
                     else list(self.public_attributes))
            if not all(isinstance(a, str) for a in names):
                raise ValueError("public_attributes must be attribute names (or True: all), "
                                 f"got {self.public_attributes!r}")
            self.public_attributes = tuple(names)
        if not (_positive(self.attribute_share) and self.attribute_share < 1):
            raise ValueError(f"attribute_share must be in (0, 1), got {self.attribute_share!r}")
        self.attribute_share = float(self.attribute_share)
        if (not isinstance(self.embedding_features, (int, np.integer))
                or isinstance(self.embedding_features, bool) or self.embedding_features < 1):
            raise ValueError("embedding_features must be a positive integer, got "
                             f"{self.embedding_features!r}")
        self.embedding_features = int(self.embedding_features)

    def public(self, spec) -> list[str]:
        """The spec's attributes declared public (ValueError for a name it lacks)."""
        names = [c.name for c in spec.attributes]
        if self.public_attributes is True:
            return names
        if self.public_attributes is False:
            return []
        unknown = [a for a in self.public_attributes if a not in names]
        if unknown:
            raise ValueError(f"public_attributes names {unknown}, which are not attributes of "
                             f"the spec ({names})")
        return [a for a in names if a in self.public_attributes]

    def resolve_delta(self, n: int) -> float:
        return self.delta if self.delta is not None else default_delta(n)

    def get_config(self) -> dict:
        config = dataclasses.asdict(self)
        if not isinstance(self.public_attributes, bool):
            config["public_attributes"] = list(self.public_attributes)
        return config

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
