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
* :mod:`plots` and :func:`report` — figures and a self-contained HTML/JSON report.
"""

from .dependence import (
    attribute_jsd,
    correlation_difference,
    mutual_information_difference,
    mutual_information_matrix,
    pair_histogram_similarity,
    sequence_attributes,
)
from .discriminative import discriminative_score
from .fidelity import histogram_similarity, length_distribution, sequence_lengths, sequence_matrix
from .imputation import imputation_scores
from .privacy import distance_to_closest_record, membership_inference_auc, record_vectors
from .report import Report, report
from .tabular import tabular_fidelity
from .temporal import (
    acf_mse,
    acf_score,
    autocorrelation,
    discretize,
    lagged_mutual_information,
    per_sample_autocorrelation,
    quantile_edges,
    sequential_mutual_information,
    temporal_mi_comparison,
)
from .utility import forecast_utility, train_test_split_sequences

__all__ = [
    "Report",
    "discriminative_score",
    "distance_to_closest_record",
    "forecast_utility",
    "membership_inference_auc",
    "record_vectors",
    "report",
    "train_test_split_sequences",
    "acf_mse",
    "acf_score",
    "attribute_jsd",
    "autocorrelation",
    "correlation_difference",
    "discretize",
    "histogram_similarity",
    "lagged_mutual_information",
    "length_distribution",
    "mutual_information_difference",
    "mutual_information_matrix",
    "pair_histogram_similarity",
    "per_sample_autocorrelation",
    "quantile_edges",
    "sequence_attributes",
    "sequence_lengths",
    "sequence_matrix",
    "sequential_mutual_information",
    "tabular_fidelity",
    "temporal_mi_comparison",
    "imputation_scores",
]
