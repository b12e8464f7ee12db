"""The privacy ledger: one object per model that plans a DP run (δ, σ, the Poisson plan),
checks that the schema is public, records the (q, σ, steps) segments and the one-shot
Gaussian releases actually spent and turns them into epsilon and a report. Every private GAN
holds one; the CLI asks it what a run will cost before training (no TensorFlow needed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

from .accounting import (
    Segment,
    calibrate_noise_multiplier,
    compute_epsilon,
    gaussian_sigma,
    overflow_delta,
    release,
)
from .config import ASSUMPTIONS, NEIGHBOURING, DPConfig
from .plan import PoissonPlan, poisson_plan


class PrivacySpent(NamedTuple):
    """(epsilon, delta) of the differential-privacy guarantee for the steps taken."""

    epsilon: float
    delta: float

    def __repr__(self) -> str:
        return f"PrivacySpent(epsilon={self.epsilon:.4g}, delta={self.delta:.3g})"


class RunPlan(NamedTuple):
    """What one DP training run will do: its sampling, σ, δ and number of critic steps."""

    sampling: PoissonPlan
    noise_multiplier: float
    delta: float
    steps: int


class PrivacyLedger:
    """DP bookkeeping of one model.

    Args:
        config: the :class:`DPConfig` of the model.
        state: the saved ledger (``get_state()``), to continue after loading a model.
        counter: returns the critic steps taken under DP so far (the model keeps that count
            in a variable saved with its weights, so it survives checkpoints).
    """

    def __init__(self, config: DPConfig, state: dict | None = None,
                 counter: Callable[[], int] | None = None):
        self.config = DPConfig.from_config(config)
        state = dict(state or {})
        self.segments = [Segment(**seg) for seg in state.get("segments", [])]
        self.delta = state.get("delta")
        self.n = state.get("n")
        self.schema_excluded = list(state.get("schema_excluded", []))
        self.public = list(state.get("public", []))  # attributes taken as they are
        self.counter = counter or (lambda: 0)
        self._open: tuple[Segment, int] | None = None  # the segment fit is spending now
        self.plan_made: PoissonPlan | None = None  # of the last dataset made for this model

    # ------------------------------------------------------------------ planning -----
    @staticmethod
    def schema_leaks(spec) -> list[str]:
        """The schema facts a fitted spec read off the data (bounds, categories, length,
        time grid), which DP-SGD does not cover."""
        return list(spec.data_derived_schema())

    def check_schema(self, spec) -> list[str]:
        """The schema facts the spec read off the data; ValueError unless the config
        allows them (the guarantee then excludes them)."""
        leaks = self.schema_leaks(spec)
        if leaks and not self.config.allow_data_derived_schema:
            raise ValueError(
                "DP-SGD protects the training steps, not facts that the spec read off the "
                f"data: {leaks}. Declare them from public knowledge (Continuous(name, "
                "bounds=(low, high)), Discrete(name, categories=[...]), "
                "SequenceSpec(max_length=...); Binned edges are always fitted, use Continuous "
                "with bounds), or pass DPConfig(allow_data_derived_schema=True) to train with "
                "a guarantee that excludes them")
        return list(leaks)

    def sampling_plan(self, n: int, batch_size: int, multiple_of: int = 1) -> PoissonPlan:
        """The Poisson plan of a dataset of ``n`` examples; remembered for the next fit."""
        self.plan_made = poisson_plan(n, batch_size, multiple_of=multiple_of)
        return self.plan_made

    def plan_run(self, plan: PoissonPlan, epochs: int, rounds: int) -> RunPlan:
        """σ (given, or calibrated so that the run ends at the target epsilon after what is
        already spent), δ and the critic steps of ``epochs`` epochs. Changes nothing."""
        delta = self.delta if self.delta is not None else self.config.resolve_delta(plan.n)
        steps = int(epochs) * plan.steps_per_epoch * int(rounds)
        if self.config.noise_multiplier is not None:
            sigma = self.config.noise_multiplier
        else:
            sigma = calibrate_noise_multiplier(self.config.target_epsilon, delta, plan, steps,
                                               self.config.accountant, spent=self.segments)
        return RunPlan(plan, float(sigma), float(delta), steps)

    def preview(self, n: int, batch_size: int, epochs: int, rounds: int = 1) -> dict:
        """The facts of a planned run on ``n`` examples (nothing is trained or recorded):
        sampling, σ, δ, critic steps, truncation share of δ and the epsilon it ends at."""
        plan = poisson_plan(n, batch_size)
        run = self.plan_run(plan, epochs, rounds)
        planned = Segment(plan.sampling_probability, run.noise_multiplier,
                          plan.overflow_probability, run.steps)
        spent = [*(s for s in self.segments if s.steps), planned]
        return {
            "n": plan.n, "batch_size": plan.batch_size,
            "sampling_probability": plan.sampling_probability, "max_batch": plan.max_batch,
            "overflow_probability": plan.overflow_probability,
            "steps_per_epoch": plan.steps_per_epoch, "discriminator_steps": run.steps,
            "noise_multiplier": run.noise_multiplier, "delta": run.delta,
            "truncation_delta": overflow_delta([planned]),
            "accountant": self.config.accountant,
            "epsilon": compute_epsilon(spent, run.delta, self.config.accountant),
        }

    # ------------------------------------------------------------------ spending -----
    def prepare(self, spec, n: int) -> None:
        """Check the schema and fix n, δ and the public attributes (on the first run)."""
        self.schema_excluded = self.check_schema(spec)
        self.public = self.config.public(spec)
        self.start(n)

    def start(self, n: int) -> None:
        """Fix n (units) and δ on the first run; later runs keep them."""
        if self.n is None:
            self.n = int(n)
            self.delta = self.config.resolve_delta(int(n))

    def released(self, mechanism: str) -> bool:
        """Whether a one-shot release of this name was made already."""
        return any(s.mechanism == mechanism for s in self.segments)

    def release_sigma(self, share: float = 1.0) -> float:
        """σ of a one-shot Gaussian release of sensitivity 1 that spends ``share`` of the
        budget (in 1/σ², which Gaussian mechanisms add up in): the given noise_multiplier
        / √share, or with a target epsilon the σ that a single release spending the whole
        target would have / √share; ``share`` 1 calibrates to what is left of the target."""
        if self.delta is None:
            raise ValueError("call prepare(spec, n) or start(n) before planning a release")
        if self.config.noise_multiplier is not None:
            return self.config.noise_multiplier / share ** 0.5
        if share < 1:
            whole = gaussian_sigma(self.config.target_epsilon, self.delta,
                                   self.config.accountant)
            return whole / share ** 0.5
        return gaussian_sigma(self.config.target_epsilon, self.delta, self.config.accountant,
                              spent=self.segments)

    def record_release(self, mechanism: str, noise_multiplier: float) -> None:
        """Record a one-shot Gaussian release (it is spent once it is computed)."""
        self.segments.append(release(mechanism, noise_multiplier))

    def begin(self, spec, plan: PoissonPlan, epochs: int, rounds: int) -> RunPlan:
        """Check the schema, fix δ (on the first run) and σ, open a segment."""
        self.prepare(spec, plan.n)
        self.close()
        run = self.plan_run(plan, epochs, rounds)
        segment = Segment(plan.sampling_probability, run.noise_multiplier,
                          plan.overflow_probability)
        self._open = (segment, self.counter())
        return run

    def close(self) -> None:
        """Record the steps of the open segment (if any)."""
        if self._open is not None:
            segment, start = self._open
            segment.steps = self.counter() - start
            if segment.steps:
                self.segments.append(segment)
            self._open = None

    def all_segments(self) -> list[Segment]:
        """Every segment, the open one with its steps so far."""
        segments = list(self.segments)
        if self._open is not None:
            segment, start = self._open
            segments.append(dataclasses.replace(segment, steps=self.counter() - start))
        return segments

    def spent(self) -> PrivacySpent:
        """(epsilon, delta) for the critic steps taken; (0, δ) before training."""
        if self.delta is None:
            delta = self.config.delta if self.config.delta is not None else 1e-5
            return PrivacySpent(0.0, delta)
        eps = compute_epsilon(self.all_segments(), self.delta, self.config.accountant)
        return PrivacySpent(eps, self.delta)

    def report(self) -> dict:
        """What the guarantee says and rests on, for the report and the CLI."""
        spent = self.spent()
        ledger = [s for s in self.all_segments() if s.steps]
        sgd = [s for s in ledger if s.mechanism == "dp-sgd"]
        sigmas = sorted({round(s.noise_multiplier, 6) for s in sgd})
        qs = sorted({round(s.sampling_probability, 6) for s in sgd})
        schema = ("declared in the spec (covered)" if not self.schema_excluded else
                  "NOT covered, fitted from the data: " + ", ".join(self.schema_excluded))
        unit = self.config.unit
        facts = {
            "epsilon": spent.epsilon,
            "delta": spent.delta,
            "unit": (f"one value of column {unit!r} (all of its sequences)" if unit else
                     "one training sequence"),
            "mechanism": self.config.mechanism,
            "accountant": {"rdp": "RDP (dp-accounting)", "pld": "PLD (dp-accounting)"}[
                self.config.accountant],
            "neighbouring": (f"add or remove one unit (every sequence of one {unit!r})"
                             if unit else NEIGHBOURING),
        }
        for name in dict.fromkeys(s.mechanism for s in ledger):
            part = [s for s in ledger if s.mechanism == name]
            facts[f"epsilon of {name} alone"] = compute_epsilon(part, spent.delta,
                                                                self.config.accountant)
            if name != "dp-sgd":
                facts[f"noise multiplier of {name}"] = part[0].noise_multiplier
        if sgd:
            facts.update({
                "noise_multiplier": sigmas[0] if len(sigmas) == 1 else sigmas,
                "l2_norm_clip": self.config.l2_norm_clip,
                "sampling_probability": qs[0] if len(qs) == 1 else qs,
                "discriminator_steps": int(sum(s.steps for s in sgd)),
                "truncation_delta": overflow_delta(sgd),
            })
        facts["public, NOT covered"] = (
            "attributes " + ", ".join(self.public) + " (taken from the data as they are)"
            if self.public else "nothing")
        facts["schema"] = schema
        facts["assumptions"] = "; ".join(ASSUMPTIONS)
        return facts

    def get_state(self) -> dict:
        """JSON-able state saved in the model's config."""
        return {"segments": [dataclasses.asdict(s) for s in self.all_segments() if s.steps],
                "delta": self.delta, "n": self.n,
                "schema_excluded": list(self.schema_excluded), "public": list(self.public)}
