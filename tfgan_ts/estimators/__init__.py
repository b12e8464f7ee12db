"""Estimators for people who do not want to hold a GAN (layer 5 of the design).

* :class:`LSTMForecaster` — a small Keras LSTM forecaster over windowed sequences with a
  scikit-learn-like API; the downstream model of
  :func:`tfgan_ts.evaluation.utility.forecast_utility` (train on synthetic, test on real).
"""

from .forecaster import LSTMForecaster

__all__ = ["LSTMForecaster"]
