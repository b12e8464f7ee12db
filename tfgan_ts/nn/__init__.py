"""Networks only (layer 2): Keras layers and models with no training logic."""

from .blocks import MLP, OutputActivation
from .doppelganger import (
    AttributeDiscriminator,
    AttributeGenerator,
    Discriminator,
    FeatureGenerator,
    MinMaxGenerator,
)

__all__ = [
    "MLP",
    "AttributeDiscriminator",
    "AttributeGenerator",
    "Discriminator",
    "FeatureGenerator",
    "MinMaxGenerator",
    "OutputActivation",
]
