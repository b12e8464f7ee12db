"""Models that own a ``train_step`` (layer 4)."""

from .doppelganger import DoppelGANger
from .imputation import ImputationGAN

__all__ = ["DoppelGANger", "ImputationGAN"]
