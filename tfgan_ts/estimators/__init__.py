"""Estimators for people who do not want to hold a GAN (layer 5 of the design).

* :class:`LSTMForecaster` — a small Keras LSTM forecaster over windowed sequences with a
  scikit-learn-like API; the downstream model of
  :func:`tfgan_ts.evaluation.utility.forecast_utility` (train on synthetic, test on real).
* :class:`GANImputer` — GAN imputation of a multivariate series that corrects linear
  interpolation (BiLSTM or MLP generator, GAIN discriminator, or the better of both on
  held-out entries), scikit-learn transformer API.
* :class:`GANOversampler` — minority-class rows from a conditional tabular GAN,
  imbalanced-learn's ``fit_resample`` API.
"""

from .forecaster import LSTMForecaster
from .imputer import GANImputer
from .oversampler import GANOversampler

__all__ = ["GANImputer", "GANOversampler", "LSTMForecaster"]
