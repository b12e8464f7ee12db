"""Evaluation of generated sequences against real ones.

Pure numpy / pandas / scipy (no TensorFlow), so metrics can be computed on any generator's
output:

* :func:`autocorrelation`, :func:`per_sample_autocorrelation`, :func:`acf_mse`,
  :func:`acf_score` — temporal fidelity (DoppelGANger's averaged per-sample ACF);
* :func:`histogram_similarity` — 1 − total variation distance of one column's distribution;
* :func:`length_distribution` — Wasserstein and Kolmogorov–Smirnov on sequence lengths;
* :func:`sequence_matrix`, :func:`sequence_lengths` — a long DataFrame's column as a
  NaN-padded ``[n_examples, T]`` array, and the lengths, ordered as a SequenceSpec orders them.
"""

from .fidelity import histogram_similarity, length_distribution, sequence_lengths, sequence_matrix
from .temporal import acf_mse, acf_score, autocorrelation, per_sample_autocorrelation

__all__ = [
    "acf_mse",
    "acf_score",
    "autocorrelation",
    "histogram_similarity",
    "length_distribution",
    "per_sample_autocorrelation",
    "sequence_lengths",
    "sequence_matrix",
]
