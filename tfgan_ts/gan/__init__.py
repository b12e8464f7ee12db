"""Training machinery shared by every GAN of the library (layer 3): losses, gradient
penalty, optimizer handling, DP-SGD (``gan.dp``). Written once, used by each model's
``train_step``. Names load on first use, so ``gan.dp``'s planning needs no TensorFlow."""

from .._lazy import lazy_attributes

_WHERE = {
    "DPConfig": "dp",
    "compute_epsilon": "dp",
    "dp_gradients": "dp",
    "poisson_dataset": "dp",
    "poisson_plan": "dp",
    "assign_average": "averaging",
    "average_variables": "averaging",
    "update_average": "averaging",
    "critic_loss": "losses",
    "gain_discriminator_loss": "losses",
    "gain_generator_loss": "losses",
    "gradient_penalty": "losses",
    "interpolate": "losses",
    "wasserstein_critic_loss": "losses",
    "wasserstein_generator_loss": "losses",
    "make_optimizer": "optim",
    "minimize": "optim",
    "prepare_optimizer": "optim",
}


__getattr__, __dir__ = lazy_attributes(__name__, _WHERE, globals())

__all__ = sorted(_WHERE)
