"""tfgan_ts: GANs for time series on Keras 3 / TensorFlow.

DoppelGANger-style synthesis of sequences with attributes, privacy-preserving release with
DP-SGD, GAN imputation, tabular GANs and an evaluation suite. The model classes are imported
with the package so that ``keras.models.load_model`` finds them after ``import tfgan_ts``.
"""

from . import datasets, evaluation, forecast, masking
from ._version import __version__
from .columns import Binned, Continuous, Discrete, Output
from .estimators import GANImputer, GANOversampler, LSTMForecaster
from .gan.dp import DPConfig
from .models import DoppelGANger, ImputationGAN, TabularGAN
from .runtime import configure_threads
from .sequence_data import SequenceData
from .spec import SequenceSpec
from .tabular_spec import TabularSpec

__all__ = [
    "Binned",
    "Continuous",
    "DPConfig",
    "DoppelGANger",
    "GANImputer",
    "GANOversampler",
    "ImputationGAN",
    "Discrete",
    "LSTMForecaster",
    "Output",
    "SequenceData",
    "SequenceSpec",
    "TabularGAN",
    "TabularSpec",
    "configure_threads",
    "datasets",
    "evaluation",
    "forecast",
    "masking",
    "__version__",
]
