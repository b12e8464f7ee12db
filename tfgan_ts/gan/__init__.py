"""Training machinery shared by every GAN of the library (layer 3): losses, gradient
penalty, optimizer handling, DP-SGD (``gan.dp``). Written once, used by each model's
``train_step``. Names load on first use, so ``gan.dp``'s planning needs no TensorFlow."""

import importlib

_WHERE = {
    "DPConfig": "dp",
    "compute_epsilon": "dp",
    "dp_gradients": "dp",
    "poisson_dataset": "dp",
    "poisson_plan": "dp",
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


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = sorted(_WHERE)
