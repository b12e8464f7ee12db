"""tfgan_ts: GANs for time series on Keras 3 / TensorFlow.

DoppelGANger-style synthesis of sequences with attributes, privacy-preserving release with
DP-SGD, GAN imputation, tabular GANs and an evaluation suite.

``import tfgan_ts`` loads no TensorFlow: the public names below are imported on first use
(PEP 562), so specs, columns and the bundled data sets work without it. The model classes
still reach Keras' registry whenever Keras is loaded, so ``keras.models.load_model`` finds
them after ``import tfgan_ts`` (see :mod:`tfgan_ts._keras_hook`).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from ._keras_hook import register_when_keras_loads
from ._version import __version__

if TYPE_CHECKING:  # what the lazy names are, for type checkers and IDEs
    from . import datasets, evaluation, forecast, masking
    from .columns import Binned, Continuous, Discrete, Output
    from .copula import GaussianCopula
    from .estimators import GANImputer, GANOversampler, LSTMForecaster
    from .gan.dp import DPConfig
    from .models import DoppelGANger, ImputationGAN, TabularGAN
    from .running_total import RunningTotal
    from .runtime import configure_threads
    from .sequence_data import SequenceData
    from .spec import SequenceSpec
    from .tabular_spec import TabularSpec

# public name -> the module that defines it (a submodule of its own when the name is absent)
_LAZY = {
    "datasets": ".datasets",
    "evaluation": ".evaluation",
    "forecast": ".forecast",
    "masking": ".masking",
    "Binned": ".columns",
    "Continuous": ".columns",
    "Discrete": ".columns",
    "Output": ".columns",
    "GaussianCopula": ".copula",
    "GANImputer": ".estimators",
    "GANOversampler": ".estimators",
    "LSTMForecaster": ".estimators",
    "DPConfig": ".gan.dp",
    "DoppelGANger": ".models",
    "ImputationGAN": ".models",
    "TabularGAN": ".models",
    "RunningTotal": ".running_total",
    "configure_threads": ".runtime",
    "SequenceData": ".sequence_data",
    "SequenceSpec": ".spec",
    "TabularSpec": ".tabular_spec",
}

__all__ = [
    "Binned",
    "Continuous",
    "DPConfig",
    "DoppelGANger",
    "GANImputer",
    "GANOversampler",
    "GaussianCopula",
    "ImputationGAN",
    "Discrete",
    "LSTMForecaster",
    "Output",
    "RunningTotal",
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


def __getattr__(name: str):
    """Import a public name on first use and keep it (later look-ups skip this).

    A subpackage or module that is not public API (``tg.nn``, ``tg.runtime``, ...) is
    imported too, as ``import tfgan_ts`` once did for all of them.
    """
    module = _LAZY.get(name)
    if module is None:
        if name.startswith("__") or importlib.util.find_spec(f"{__name__}.{name}") is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module = f".{name}"
    if module == f".{name}":
        value = importlib.import_module(module, __name__)
    else:
        value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


register_when_keras_loads()
