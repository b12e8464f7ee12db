"""Training machinery shared by every GAN of the library (layer 3): losses, gradient
penalty, optimizer handling. Written once, used by each model's ``train_step``."""

from .dp import DPConfig, compute_epsilon, dp_gradients, poisson_dataset, poisson_plan
from .losses import (
    critic_loss,
    gain_discriminator_loss,
    gain_generator_loss,
    gradient_penalty,
    interpolate,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from .optim import make_optimizer, minimize, prepare_optimizer

__all__ = [
    "DPConfig",
    "compute_epsilon",
    "critic_loss",
    "dp_gradients",
    "gain_discriminator_loss",
    "gain_generator_loss",
    "poisson_dataset",
    "poisson_plan",
    "gradient_penalty",
    "interpolate",
    "make_optimizer",
    "minimize",
    "prepare_optimizer",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
]
