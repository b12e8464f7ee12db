"""Models that own a ``train_step`` (layer 4)."""

from .doppelganger import DoppelGANger
from .imputation import ImputationGAN
from .tabular import TabularGAN

__all__ = ["DoppelGANger", "ImputationGAN", "TabularGAN"]
