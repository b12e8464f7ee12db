"""Differentially private critic training (DP-SGD), shared by every GAN of the library.

Only the critics read real data, so only their updates are privatized: per-example gradients
(vectorized), each clipped to ``l2_norm_clip`` over the joint parameter vector of all critics,
summed, Gaussian noise N(0, (σ·C)²) added, divided by the expected batch size. Batches are
Poisson samples (each example in with probability q), padded to a fixed size with a mask;
epsilon comes from Google's ``dp-accounting`` (RDP or PLD) over the composed events.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import secrets

import dp_accounting
import numpy as np
import tensorflow as tf
from scipy import stats

NEIGHBOURING = "add or remove one training example (one whole sequence)"

# Each Poisson sample is padded to a fixed ``max_batch``. A sample larger than that is
# truncated at random; the chance of it per step is kept below this figure and the total
# over the steps taken is charged to delta (truncated Poisson sampling).
OVERFLOW_PER_STEP = 1e-11

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


# ---------------------------------------------------------------------- sampling ------
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


def poisson_indices(seed, n: int, q: float, max_batch: int):
    """One Poisson sample as fixed-size (indices, mask): each example is in with probability
    q; included examples come first in random order (a random subset of them if more than
    ``max_batch``), the padding rows have mask 0."""
    seed = tf.cast(seed, tf.int64)
    u = tf.random.stateless_uniform([n], seed=seed * [1, 2])
    order = tf.random.stateless_uniform([n], seed=seed * [1, 2] + [0, 1])
    score = tf.where(u < q, order, 2.0)
    _, idx = tf.math.top_k(-score, k=max_batch)
    mask = tf.cast(tf.gather(score, idx) < 2.0, tf.float32)
    return idx, mask


def poisson_dataset(arrays: dict, plan: PoissonPlan, rounds: int = 1, steps=None,
                    seed=None) -> tf.data.Dataset:
    """Batches of ``plan.max_batch`` rows for ``steps`` steps (default: one epoch), each row
    holding ``rounds`` independent Poisson samples: arrays [max_batch, rounds, ...] and
    ``"mask"`` [max_batch, rounds]. The samples change every epoch. ``seed=None`` draws the
    seed from the operating system."""
    tensors = {k: tf.constant(v) for k, v in arrays.items()}
    n, q, cap = plan.n, plan.sampling_probability, plan.max_batch
    steps = plan.steps_per_epoch if steps is None else int(steps)
    if seed is None:
        seed = secrets.randbits(62)

    def sample(r):
        parts = [poisson_indices(tf.stack([r, tf.constant(j, tf.int64)]), n, q, cap)
                 for j in range(rounds)]
        idx = tf.stack([p[0] for p in parts], axis=1)  # [cap, rounds]
        out = {k: tf.gather(t, idx) for k, t in tensors.items()}
        out["mask"] = tf.stack([p[1] for p in parts], axis=1)
        return out

    ds = tf.data.Dataset.random(seed=int(seed), rerandomize_each_iteration=True)
    ds = ds.take(steps).map(sample).unbatch().batch(cap, drop_remainder=True)
    return ds.prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------------- the step ------
def included_rows(tensors, mask):
    """Only the rows of a padded Poisson sample with mask 1 (a dynamic batch size): the
    per-example gradients then cost nothing for padding. Not for XLA (static shapes)."""
    keep = tf.where(tf.cast(mask, tf.float32) > 0)[:, 0]
    # an empty sample keeps one padding row (mask 0): the noise is still added, and
    # vectorized_map over zero rows does not give gradients of the right shape
    keep = tf.cond(tf.size(keep) > 0, lambda: keep, lambda: tf.zeros([1], tf.int64))
    return [tf.gather(t, keep) for t in tensors], tf.gather(mask, keep)


def per_example_gradients(loss_fn, inputs, variables):
    """Gradient of each example's loss, vectorized over the batch (``tf.vectorized_map``).

    ``loss_fn(inputs)`` returns ``(loss [batch], aux)`` where ``aux`` is a dict of
    [batch] tensors; examples must not interact (no batch statistics). Returns (list of
    [batch, *variable.shape] float32 tensors, loss [batch], aux)."""
    def one(example):
        example = tf.nest.map_structure(lambda t: tf.expand_dims(t, 0), example)
        with tf.GradientTape() as tape:
            loss, aux = loss_fn(example)
            total = tf.reduce_sum(tf.cast(loss, tf.float32))
        grads = tape.gradient(total, variables,
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return ([tf.cast(g, tf.float32) for g in grads], tf.reshape(loss, []),
                {k: tf.reshape(tf.cast(v, tf.float32), []) for k, v in aux.items()})

    return tf.vectorized_map(one, inputs)


def clip_factors(grads, l2_norm_clip: float):
    """min(1, C / ‖g_i‖) per example, the norm over all variables jointly; also the norms."""
    batch = tf.shape(grads[0])[0]
    squared = tf.add_n([tf.reduce_sum(tf.reshape(tf.square(g), [batch, -1]), axis=1)
                        for g in grads])
    norms = tf.sqrt(squared)
    return tf.minimum(1.0, l2_norm_clip / tf.maximum(norms, 1e-12)), norms


def noised_sum(grads, factors, noise_stddev: float, expected_batch_size: float, generator):
    """(Σ_i factor_i·g_i + N(0, stddev²)) / expected batch size, per variable.

    Under a distribution strategy each replica adds stddev/√replicas of independent noise,
    so the summed gradient carries exactly ``noise_stddev``."""
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    std = noise_stddev / math.sqrt(replicas)
    out = []
    for g in grads:
        total = tf.tensordot(factors, g, axes=1)
        noise = generator.normal(tf.shape(total), stddev=std, dtype=tf.float32)
        out.append((total + noise) / expected_batch_size)
    return out


def dp_gradients(loss_fn, inputs, mask, variables, l2_norm_clip: float,
                 noise_multiplier: float, expected_batch_size: float, generator):
    """The DP-SGD gradient for ``variables``: per-example gradients of ``loss_fn`` clipped to
    ``l2_norm_clip`` (padding rows, ``mask`` 0, count zero), summed, noised with std
    σ·C, divided by the expected batch size. Returns (gradients, masked mean of loss and
    of each aux entry, per-example norms before clipping)."""
    grads, loss, aux = per_example_gradients(loss_fn, inputs, variables)
    factors, norms = clip_factors(grads, l2_norm_clip)
    mask = tf.cast(mask, tf.float32)
    noisy = noised_sum(grads, factors * mask, noise_multiplier * l2_norm_clip,
                       expected_batch_size, generator)
    count = tf.maximum(tf.reduce_sum(mask), 1.0)
    means = {"loss": tf.reduce_sum(loss * mask) / count}
    means.update({k: tf.reduce_sum(v * mask) / count for k, v in aux.items()})
    return noisy, means, norms


def noise_generator():
    """A Philox generator seeded from the operating system; create it inside the model's
    distribution strategy scope so every replica draws its own stream."""
    return tf.random.Generator.from_seed(secrets.randbits(62))


# ---------------------------------------------------------------------- accounting ----
def sampled_gaussian_event(sampling_probability: float, noise_multiplier: float,
                           steps: int) -> dp_accounting.DpEvent:
    """``steps`` compositions of the Poisson-subsampled Gaussian mechanism."""
    return dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(
            sampling_probability, dp_accounting.GaussianDpEvent(noise_multiplier)),
        int(steps))


def make_accountant(name: str) -> dp_accounting.PrivacyAccountant:
    if name == "rdp":
        return dp_accounting.rdp.RdpAccountant()
    if name == "pld":
        return dp_accounting.pld.PLDAccountant()
    raise ValueError(f"accountant must be 'rdp' or 'pld', got {name!r}")


@dataclasses.dataclass
class Segment:
    """Discriminator steps taken with one sampling rate and noise level."""

    sampling_probability: float
    noise_multiplier: float
    overflow_probability: float
    steps: int = 0

    def event(self):
        return sampled_gaussian_event(self.sampling_probability, self.noise_multiplier,
                                      self.steps)


def overflow_delta(segments) -> float:
    """Total probability that some step truncated its Poisson sample (union bound)."""
    return float(sum(s.steps * s.overflow_probability for s in segments))


def compute_epsilon(segments, delta: float, accountant: str = "rdp") -> float:
    """Epsilon of the composed segments at ``delta`` (of which the truncation probability
    is set aside first)."""
    segments = [s for s in segments if s.steps > 0]
    if not segments:
        return 0.0
    remaining = delta - overflow_delta(segments)
    if remaining <= delta / 2:
        raise ValueError(
            f"the batch-truncation probability ({overflow_delta(segments):.2e}) uses up more "
            f"than half of delta={delta:g}; choose a larger delta or fewer steps")
    acc = make_accountant(accountant)
    with _quiet_absl():  # the RDP accountant evaluates its orders at compose time
        acc.compose(dp_accounting.ComposedDpEvent([s.event() for s in segments]))
        return float(acc.get_epsilon(remaining))


@contextlib.contextmanager
def _quiet_absl():
    """RDP drops the orders whose series fail to converge at small σ and large q, warning
    at every call; epsilon is a minimum over orders, so the bound stays valid (if looser)."""
    logger = logging.getLogger("absl")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def calibrate_noise_multiplier(target_epsilon: float, delta: float, plan: PoissonPlan,
                               steps: int, accountant: str = "rdp", spent=()) -> float:
    """The smallest σ with which ``steps`` more discriminator steps under ``plan`` (after the
    ``spent`` segments) end at ``target_epsilon``."""
    spent = [s for s in spent if s.steps > 0]
    if spent and compute_epsilon(spent, delta, accountant) >= target_epsilon:
        raise ValueError(f"target_epsilon={target_epsilon:g} is already spent by earlier "
                         "training; raise it or train a fresh model")
    planned = Segment(plan.sampling_probability, 1.0, plan.overflow_probability, int(steps))
    remaining = delta - overflow_delta([*spent, planned])
    if remaining <= delta / 2:
        raise ValueError(
            f"the batch-truncation probability uses up more than half of delta={delta:g}; "
            "choose a larger delta or fewer steps")

    def event(sigma):
        return dp_accounting.ComposedDpEvent(
            [s.event() for s in spent]
            + [sampled_gaussian_event(plan.sampling_probability, sigma, steps)])

    def solve(name, bracket):
        with _quiet_absl():
            return float(dp_accounting.calibrate_dp_mechanism(
                lambda: make_accountant(name), event, target_epsilon, remaining, bracket,
                tol=1e-4))

    sigma = solve("rdp", dp_accounting.LowerEndpointAndGuess(1e-2, 1.0))
    if accountant == "rdp":
        return sigma
    # PLD is tighter than RDP (its σ is smaller) but very slow at tiny σ: bracket below RDP's
    for low in (0.6, 0.3, 0.1):
        try:
            return solve("pld", dp_accounting.ExplicitBracketInterval(low * sigma, sigma))
        except ValueError:
            continue
    return sigma

