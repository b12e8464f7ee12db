"""Accounting with Google's dp-accounting: the segments of steps taken at one (q, σ) and the
one-shot Gaussian releases (noisy histograms, the noisy mean embedding), their epsilon (RDP or
PLD) composed, and σ calibrated to a target epsilon."""

from __future__ import annotations

import contextlib
import dataclasses
import logging

import dp_accounting

from .plan import PoissonPlan


def sampled_gaussian_event(sampling_probability: float, noise_multiplier: float,
                           steps: int) -> dp_accounting.DpEvent:
    """``steps`` compositions of the Poisson-subsampled Gaussian mechanism."""
    return dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(
            sampling_probability, dp_accounting.GaussianDpEvent(noise_multiplier)),
        int(steps))


# PLD grid for one-shot Gaussian releases: 1e-3 gives the same epsilon as the default 1e-4
# to 5 digits at ε 1-20 and is 10× faster (measured); still a pessimistic, valid bound.
# DP-SGD's thousands of compositions keep the default grid.
RELEASE_PLD_INTERVAL = 1e-3


def make_accountant(name: str, releases_only: bool = False) -> dp_accounting.PrivacyAccountant:
    """The accountant ``name``; ``releases_only``: every event is a one-shot release."""
    if name == "rdp":
        return dp_accounting.rdp.RdpAccountant()
    if name == "pld":
        if releases_only:
            return dp_accounting.pld.PLDAccountant(
                value_discretization_interval=RELEASE_PLD_INTERVAL)
        return dp_accounting.pld.PLDAccountant()
    raise ValueError(f"accountant must be 'rdp' or 'pld', got {name!r}")


@dataclasses.dataclass
class Segment:
    """Discriminator steps taken with one sampling rate and noise level (``mechanism``
    "dp-sgd"), or a one-shot Gaussian release of a sum with L2 sensitivity 1 (any other
    ``mechanism`` name, e.g. "embedding", "attribute histogram"; q = 1, steps = 1)."""

    sampling_probability: float
    noise_multiplier: float
    overflow_probability: float
    steps: int = 0
    mechanism: str = "dp-sgd"

    def event(self):
        if self.mechanism != "dp-sgd":
            return dp_accounting.SelfComposedDpEvent(
                dp_accounting.GaussianDpEvent(self.noise_multiplier), int(self.steps))
        return sampled_gaussian_event(self.sampling_probability, self.noise_multiplier,
                                      self.steps)


def release(mechanism: str, noise_multiplier: float) -> Segment:
    """The segment of one Gaussian release (noise std = σ × the L2 sensitivity)."""
    return Segment(1.0, float(noise_multiplier), 0.0, 1, mechanism)


def gaussian_sigma(target_epsilon: float, delta: float, accountant: str = "rdp",
                   spent=()) -> float:
    """The σ of one more Gaussian release (sensitivity 1) that ends at ``target_epsilon``
    after the ``spent`` segments."""
    spent = _unspent_checked(spent, target_epsilon, delta, accountant)
    remaining = delta - overflow_delta(spent)

    def event(sigma):
        return dp_accounting.ComposedDpEvent(
            [s.event() for s in spent] + [dp_accounting.GaussianDpEvent(sigma)])

    releases = all(s.mechanism != "dp-sgd" for s in spent)
    return _solve_sigma(event, target_epsilon, remaining, accountant, lowest=1e-3, tol=1e-5,
                        releases_only=releases)


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
    acc = make_accountant(accountant, all(s.mechanism != "dp-sgd" for s in segments))
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
    spent = _unspent_checked(spent, target_epsilon, delta, accountant)
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

    return _solve_sigma(event, target_epsilon, remaining, accountant, lowest=1e-2, tol=1e-4)


def _unspent_checked(spent, target_epsilon: float, delta: float, accountant: str) -> list:
    """The segments with steps; ValueError if they alone reach ``target_epsilon``."""
    spent = [s for s in spent if s.steps > 0]
    if spent and compute_epsilon(spent, delta, accountant) >= target_epsilon:
        raise ValueError(f"target_epsilon={target_epsilon:g} is already spent by earlier "
                         "training or releases; raise it or train a fresh model")
    return spent


def _solve_sigma(event, target_epsilon: float, delta: float, accountant: str, lowest: float,
                 tol: float, releases_only: bool = False) -> float:
    """The smallest σ whose ``event(σ)`` ends at ``target_epsilon``: RDP first; PLD is
    tighter (smaller σ) but its grid explodes at tiny σ, so it is bracketed below RDP's."""
    def solve(name, bracket):
        with _quiet_absl():
            return float(dp_accounting.calibrate_dp_mechanism(
                lambda: make_accountant(name, releases_only), event, target_epsilon, delta,
                bracket, tol=tol))

    sigma = solve("rdp", dp_accounting.LowerEndpointAndGuess(lowest, 1.0))
    if accountant == "rdp":
        return sigma
    for low in (0.6, 0.3, 0.1):
        try:
            return solve("pld", dp_accounting.ExplicitBracketInterval(low * sigma, sigma))
        except ValueError:
            continue
    return sigma
