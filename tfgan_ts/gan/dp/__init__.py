"""Differentially private critic training (DP-SGD), shared by every GAN of the library.

Only the critics read real data, so only their updates are privatized: per-example gradients
(vectorized), each clipped to ``l2_norm_clip`` over the joint parameter vector of all critics,
summed, Gaussian noise N(0, (σ·C)²) added, divided by the expected batch size. Batches are
Poisson samples (each example in with probability q), padded to a fixed size with a mask;
epsilon comes from Google's ``dp-accounting`` (RDP or PLD) over the composed events. A model
keeps its bookkeeping in one :class:`PrivacyLedger`.

Modules: ``config`` (DPConfig, assumptions), ``plan`` (the Poisson plan), ``sampling`` (its
tf.data pipeline), ``step`` (the private gradient), ``accounting`` (epsilon, σ calibration),
``ledger`` (a model's bookkeeping).
"""

from ..._lazy import lazy_attributes

# name -> module: loaded on first use, so that planning and accounting (config, plan,
# accounting, ledger) work without TensorFlow; sampling and step import it
_WHERE = {
    "Segment": "accounting",
    "calibrate_noise_multiplier": "accounting",
    "compute_epsilon": "accounting",
    "make_accountant": "accounting",
    "overflow_delta": "accounting",
    "sampled_gaussian_event": "accounting",
    "ASSUMPTIONS": "config",
    "NEIGHBOURING": "config",
    "DPConfig": "config",
    "default_delta": "config",
    "PrivacyLedger": "ledger",
    "PrivacySpent": "ledger",
    "RunPlan": "ledger",
    "OVERFLOW_PER_STEP": "plan",
    "PoissonPlan": "plan",
    "poisson_plan": "plan",
    "poisson_dataset": "sampling",
    "poisson_indices": "sampling",
    "shared_seed": "sampling",
    "clip_factors": "step",
    "dp_gradients": "step",
    "included_rows": "step",
    "noise_generator": "step",
    "noised_sum": "step",
    "per_example_gradients": "step",
}


__getattr__, __dir__ = lazy_attributes(__name__, _WHERE, globals())

__all__ = [
    "ASSUMPTIONS",
    "DPConfig",
    "NEIGHBOURING",
    "OVERFLOW_PER_STEP",
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
    "shared_seed",
]
