"""Evaluation of generated sequences against real ones, from any generator's output
(long-format DataFrames that share a fitted SequenceSpec):

* :func:`autocorrelation`, :func:`per_sample_autocorrelation`, :func:`acf_mse`,
  :func:`acf_score` — temporal fidelity (DoppelGANger's averaged per-sample ACF);
* :func:`histogram_similarity` — 1 − total variation distance of one column's distribution;
* :func:`length_distribution` — Wasserstein and Kolmogorov–Smirnov on sequence lengths;
* :func:`sequence_matrix`, :func:`sequence_lengths` — a long DataFrame's column as a
  NaN-padded ``[n_examples, T]`` array, and the lengths, ordered as a SequenceSpec orders them;
* :func:`pair_histogram_similarity`, :func:`mutual_information_matrix`,
  :func:`mutual_information_difference`, :func:`correlation_difference` — dependence between
  columns (2-D histograms, normalized mutual information, Pearson correlation);
* :func:`attribute_jsd`, :func:`sequence_attributes` — Jensen–Shannon divergence of one
  column, and the attributes of a long frame as one row per sequence;
* :func:`lagged_mutual_information`, :func:`sequential_mutual_information`,
  :func:`temporal_mi_comparison`, :func:`discretize`, :func:`quantile_edges` — temporal
  dependence of discrete (or binned) features, the counterpart of the ACF;
* :func:`tabular_fidelity` — a synthetic table against a real one: per-column similarity
  (1 − KS or 1 − TVD), correlation and mutual-information differences;
* :func:`discriminative_score` — TimeGAN's post-hoc GRU classifier, |accuracy − 0.5|;
* :func:`forecast_utility`, :func:`train_test_split_sequences` — train-on-synthetic vs
  train-on-real forecasting with :class:`tfgan_ts.LSTMForecaster`;
* :func:`distance_to_closest_record`, :func:`membership_inference_auc`,
  :func:`record_vectors` — privacy;
* :mod:`plots` and :func:`report` — figures and a self-contained HTML/JSON report;
* :class:`PreparedFrame`, :func:`prepare` — a long frame read once for a spec (its order and
  the arrays the measures need), accepted by every function above that takes a long frame.

``import tfgan_ts.evaluation`` loads no TensorFlow: :func:`discriminative_score` and
:func:`forecast_utility`, which train Keras models, and :mod:`plots` (matplotlib) are imported
on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .attributes import attribute_jsd, sequence_attributes
from .binning import discretize, quantile_edges
from .dependence import (
    correlation_difference,
    mutual_information_difference,
    mutual_information_matrix,
    pair_histogram_similarity,
)
from .fidelity import histogram_similarity, length_distribution, sequence_lengths, sequence_matrix
from .imputation import imputation_scores
from .prepared import PreparedFrame, prepare
from .privacy import distance_to_closest_record, membership_inference_auc, record_vectors
from .realism import detection_accuracy, marginal_checks, roughness
from .report import Report, report
from .splitting import train_test_split_sequences
from .tabular import tabular_fidelity
from .temporal import acf_mse, acf_score, autocorrelation, per_sample_autocorrelation
from .temporal_mi import (
    lagged_mutual_information,
    sequential_mutual_information,
    temporal_mi_comparison,
)

if TYPE_CHECKING:  # the lazy names, for type checkers
    from . import plots
    from .discriminative import discriminative_score
    from .utility import forecast_utility

# name -> module imported on first use (they import TensorFlow or matplotlib)
_LAZY = {
    "discriminative_score": ".discriminative",
    "forecast_utility": ".utility",
    "plots": ".plots",
}

__all__ = [
    "PreparedFrame",
    "Report",
    "acf_mse",
    "acf_score",
    "attribute_jsd",
    "autocorrelation",
    "correlation_difference",
    "detection_accuracy",
    "discretize",
    "discriminative_score",
    "distance_to_closest_record",
    "forecast_utility",
    "histogram_similarity",
    "imputation_scores",
    "lagged_mutual_information",
    "length_distribution",
    "marginal_checks",
    "membership_inference_auc",
    "mutual_information_difference",
    "mutual_information_matrix",
    "pair_histogram_similarity",
    "per_sample_autocorrelation",
    "plots",
    "prepare",
    "quantile_edges",
    "record_vectors",
    "report",
    "roughness",
    "sequence_attributes",
    "sequence_lengths",
    "sequence_matrix",
    "sequential_mutual_information",
    "tabular_fidelity",
    "temporal_mi_comparison",
    "train_test_split_sequences",
]


def __getattr__(name: str):
    """Import a lazy name on first use and keep it (later look-ups skip this)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = importlib.import_module(module, __name__)
    value = loaded if name == "plots" else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
