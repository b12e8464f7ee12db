"""Networks only (layer 2): Keras layers and models with no training logic."""

from .blocks import MLP, OutputActivation
from .doppelganger import (
    AttributeDiscriminator,
    AttributeGenerator,
    Discriminator,
    FeatureGenerator,
    MinMaxGenerator,
)
from .imputation import (
    BiLSTMImputerGenerator,
    MLPImputerDiscriminator,
    MLPImputerGenerator,
)
from .tabular import TabularDiscriminator, TabularGenerator

__all__ = [
    "MLP",
    "AttributeDiscriminator",
    "AttributeGenerator",
    "BiLSTMImputerGenerator",
    "Discriminator",
    "FeatureGenerator",
    "MLPImputerDiscriminator",
    "MLPImputerGenerator",
    "MinMaxGenerator",
    "OutputActivation",
    "TabularDiscriminator",
    "TabularGenerator",
]
