"""tfgan_ts: GANs for time series on Keras 3 / TensorFlow.

DoppelGANger-style synthesis of sequences with attributes, privacy-preserving release with
DP-SGD, GAN imputation, tabular GANs and an evaluation suite. Importing the package is light:
TensorFlow is loaded only when a model is used.
"""

from . import datasets
from ._version import __version__
from .columns import Binned, Continuous, Discrete, Output
from .sequence_data import SequenceData
from .spec import SequenceSpec

__all__ = [
    "Binned",
    "Continuous",
    "Discrete",
    "Output",
    "SequenceData",
    "SequenceSpec",
    "datasets",
    "__version__",
]
