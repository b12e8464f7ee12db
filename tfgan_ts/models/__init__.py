"""Models that own a ``train_step`` (layer 4)."""

from .doppelganger import DoppelGANger

__all__ = ["DoppelGANger"]
