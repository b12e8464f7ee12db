"""tfgan_ts: GANs for time series on Keras 3 / TensorFlow.

DoppelGANger-style synthesis of sequences with attributes, privacy-preserving release with
DP-SGD, GAN imputation, tabular GANs and an evaluation suite. Importing the package is light:
TensorFlow is loaded only when a model is used.
"""

from . import datasets, evaluation
from ._version import __version__
from .columns import Binned, Continuous, Discrete, Output
from .sequence_data import SequenceData
from .spec import SequenceSpec

_LAZY = {"DoppelGANger": ".models"}


def __getattr__(name):
    """Model classes import TensorFlow; load them on first use only."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tfgan_ts' has no attribute {name!r}")


__all__ = [
    "Binned",
    "DoppelGANger",
    "Continuous",
    "Discrete",
    "Output",
    "SequenceData",
    "SequenceSpec",
    "datasets",
    "evaluation",
    "__version__",
]
