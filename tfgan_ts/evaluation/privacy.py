"""Privacy of synthetic sequences: distance to closest record and membership inference.

Pure numpy / scikit-learn (no TensorFlow). Every sequence becomes one vector
(:func:`record_vectors`) in the encoding of a fitted :class:`~tfgan_ts.SequenceSpec`, and
distances are Euclidean distances between those vectors. Each set may be a DataFrame, a
:class:`~tfgan_ts.evaluation.PreparedFrame` (which keeps its encoding for the next measure) or
a SequenceData of the spec.

* :func:`distance_to_closest_record` — how close each synthetic sequence lies to the training
  sequences, compared with real holdout sequences (SDMetrics' DCROverfittingProtection) and
  with random sequences (SDMetrics' DCRBaselineProtection);
* :func:`membership_inference_auc` — how well an attacker holding the synthetic data can tell
  training sequences from holdout sequences by their distance to the synthetic data.

The holdout set must be real data of the same population that was **not** used to train the
generator (nor to tune it). Use a split made before training, e.g. ``train, holdout =
sklearn.model_selection.train_test_split(ids)`` on the example ids. With a holdout that the
generator saw, every holdout-based number here is meaningless.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

from ..sequence_data import SequenceData
from ._inputs import check_spec
from .prepared import encoded_records

__all__ = [
    "distance_to_closest_record",
    "membership_inference_auc",
    "record_vectors",
]


def record_vectors(df, spec) -> np.ndarray:
    """One vector per sequence, for distances between sequences: ``[n_examples, d]`` float64.

    The sequences are encoded with the fitted ``spec`` (``spec.transform(df)``), so every
    number is on the spec's scale, and laid out as::

        [ attributes (A) | derived attributes (D) | features of step 0 (F) ... of step T-1 (F)
          | generation flags (T) ]                  d = A + D + T*F + T

    * attributes and discrete features are one-hot; continuous values are scaled to [0, 1]
      (or [-1, 1]) by the ranges the spec was fitted on — values outside the fitted range are
      not clipped, they fall outside [0, 1];
    * with ``auto_normalize`` (the default) a continuous feature is scaled *within its own
      sequence* and the sequence's midpoint and half-range are derived attributes: the
      feature block then carries the shape and the derived attributes the level and spread;
    * steps after a sequence's end are zeros and its generation flags are 0 there, so a
      difference in length is a difference in the vector (1 per differing flag, plus the
      feature values of the extra steps);
    * the time column is implicit (a shared grid) or, for event-time data, an inter-arrival
      feature plus a start-time derived attribute.

    Every dimension weighs the same in a Euclidean distance: two different categories of one
    discrete column are ``sqrt(2)`` apart, a continuous value moves the distance by at most 1
    (its scaled range), and a long sequence's feature steps outweigh its few attributes.
    Sequences that encode identically — e.g. raw values in the same bin of a ``Binned``
    column, or equal after float32 rounding — are at distance 0.

    Args:
        df: long- or wide-format DataFrame the spec can encode (or a SequenceData made by
            this spec).
        spec: a fitted :class:`tfgan_ts.SequenceSpec`, the same for every set compared.
    """
    return encoded_records(df, spec, "df")[1].copy()


# --------------------------------------------------------------------------- distances


def _nearest(reference: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Exact Euclidean distance from each query row to its closest reference row.

    scikit-learn's brute-force search ranks candidates with the ``|x|^2 - 2 x.y + |y|^2``
    expansion, which leaves errors of about 1e-7 near zero (a copy would not be at exactly
    0). The few best candidates are therefore re-measured directly as ``sqrt(sum((x-y)^2))``,
    so copies are at 0.0 and equal distances compare equal.
    """
    k = min(4, len(reference))
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(reference)
    idx = nn.kneighbors(query, return_distance=False)
    out = np.empty(len(query))
    step = max(1, 2_000_000 // (k * query.shape[1] or 1))  # bound the [rows, k, d] buffer
    for start in range(0, len(query), step):
        rows = slice(start, start + step)
        diff = query[rows, None, :] - reference[idx[rows]]
        out[rows] = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)).min(axis=1)
    return out


def _random_records(train: SequenceData, spec, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random sequences in the layout of :func:`record_vectors`, drawn as SDMetrics'
    DCRBaselineProtection draws its random rows: every column independently, continuous
    values uniform within the training range, discrete values uniform among the categories
    seen in training, the length uniform among the integers from the shortest to the longest
    training sequence; steps after the end are zeros."""
    lengths = train.lengths
    length = rng.integers(lengths.min(), lengths.max() + 1, size=n)
    T = train.max_length

    def draw(block_values: np.ndarray, outputs, size) -> np.ndarray:
        out, offset = [], 0
        for o in outputs:
            cols = block_values[:, offset:offset + o.dim]
            offset += o.dim
            if o.activation == "softmax":
                seen = np.unique(np.argmax(cols, axis=1))
                pick = rng.choice(seen, size=size)
                out.append(np.eye(o.dim)[pick])
            else:
                low, high = cols.min(axis=0), cols.max(axis=0)
                out.append(rng.uniform(low, high, size=(size, o.dim)))
        return np.concatenate(out, axis=1) if out else np.zeros((size, 0))

    attrs = draw(train.attributes.astype(np.float64), spec.attribute_outputs(), n)
    derived = draw(train.derived_attributes.astype(np.float64), spec.derived_outputs(), n)
    valid = train.gen_flags.astype(bool)
    steps = train.features.astype(np.float64)[valid]  # every valid step of every sequence
    feats = draw(steps, spec.feature_outputs(), n * T).reshape(n, T, -1)
    flags = (np.arange(T)[None, :] < length[:, None]).astype(np.float64)
    feats *= flags[:, :, None]
    return np.concatenate([attrs, derived, feats.reshape(n, -1), flags], axis=1)


def distance_to_closest_record(
    synthetic, train, holdout=None, spec=None, seed=None
) -> dict:
    """Distance to closest record (DCR) of synthetic sequences, with SDMetrics' two scores.

    For every synthetic sequence: the Euclidean distance between its :func:`record_vectors`
    vector and the closest training vector (``dcr_train``) and, when ``holdout`` is given,
    the closest holdout vector (``dcr_holdout``). Small distances to training sequences mean
    the generator may reproduce real sequences; whether they are *too* small is judged
    against the holdout (real sequences the generator never saw) and against random data.

    Returned keys (floats unless stated):

    * ``n_synthetic``, ``n_train`` (ints); ``dcr_train`` (ndarray ``[n_synthetic]``);
      ``median_dcr_train`` and ``p5_dcr_train`` (its median and 5th percentile, numpy's
      linear interpolation); ``share_identical_to_train`` — fraction of synthetic sequences
      at distance exactly 0 from a training sequence (identical once encoded).
    * ``baseline_protection`` — SDMetrics' DCRBaselineProtection:
      ``min(median(dcr_train) / median(dcr_random), 1)``, where ``dcr_random`` is the DCR to
      the training set of ``n_synthetic`` random sequences (drawn as SDMetrics draws random
      rows: each encoded column independently, continuous values uniform within the training
      range, categories uniform among those seen in training, lengths uniform between the
      shortest and longest training sequence). 1 = synthetic sequences lie as far from the
      training data as random ones; 0 = they sit on training sequences. NaN when the random
      median is 0 (as SDMetrics). ``median_dcr_random`` is that median. Real data lie much
      closer to each other than uniform noise does, so even a generator that never saw the
      training set scores well below 1 (about 0.5 for a fresh sample of the same
      distribution in our tests): compare it between generators, not against 1.
    * only when ``holdout`` is given: ``n_holdout``; ``dcr_holdout`` (ndarray); its
      ``median_dcr_holdout`` and ``p5_dcr_holdout``; ``n_compared``;
      ``share_closer_to_train`` — fraction of synthetic sequences strictly closer to the
      training set than to the holdout, ties counting half (0.5 = the generator treats
      training and unseen sequences alike; 1 = every synthetic sequence hugs the training
      data); ``share_strictly_closer_to_train`` (ties counting 0) and ``share_ties``;
      ``overfitting_protection`` — SDMetrics' DCROverfittingProtection,
      ``min(2 * (1 - share_strictly_closer_to_train), 1)``: 1 when at most half of the
      synthetic sequences are strictly closer to the training data, falling linearly to 0
      when all are.

    How these follow SDMetrics (``sdmetrics/single_table/privacy/dcr_overfitting_protection.py``
    and ``dcr_baseline_protection.py``, docs at docs.sdv.dev/sdmetrics, privacy metrics):
    DCROverfittingProtection counts a synthetic row as closer to training only when its
    training DCR is strictly smaller than its holdout DCR (``dcr_real < dcr_holdout``), so a
    tie counts as *not* closer, and scores ``min(2 * (1 - that share), 1)``; we implement that
    exactly as ``overfitting_protection``. ``share_closer_to_train`` (ties half) is the
    symmetric share — with many ties, e.g. discrete-only data, it is the one to read, and it
    is higher than SDMetrics' share (SDMetrics gives every tie to the holdout side).
    DCRBaselineProtection is ``min(median synthetic DCR / median random DCR, 1)`` with as
    many random rows as synthetic ones, NaN when the random median is 0; we do the same.
    Differences from SDMetrics: (1) SDMetrics' distance between two rows is the mean over
    columns of ``|a - b| / range`` (capped at 1) for numbers and 0/1 for categories; here
    it is the Euclidean distance between whole encoded sequences, so the DCR values (not the
    construction of the scores) differ from SDMetrics' numbers on the same table. (2)
    SDMetrics compares the training and holdout DCRs whatever the sizes of the two sets (it
    only warns when the holdout is less than half the training set). A larger set has closer
    nearest neighbours, so with unequal sizes a generator that never saw either set would
    still look "closer to train" (or to holdout). Here, when the sizes differ, the larger of
    the two is subsampled (seeded, without replacement) to the size of the smaller,
    ``n_compared``, for ``share_*`` and ``overfitting_protection`` only — so 0.5 stays the
    no-leak level; ``dcr_train``/``dcr_holdout`` and their medians always use the full sets.

    Args:
        synthetic: generated sequences (DataFrame in the spec's format, PreparedFrame or
            SequenceData).
        train: the real sequences the generator was trained on.
        holdout: real sequences of the same population that the generator was NOT trained
            (or tuned) on; ideally as many as ``train``. None to skip the holdout numbers.
        spec: the fitted :class:`tfgan_ts.SequenceSpec` encoding all three (required).
        seed: seed of the random baseline sequences and of the size-balancing subsample.
    """
    check_spec(spec)
    syn = encoded_records(synthetic, spec, "synthetic")[1]
    train_data, tr = encoded_records(train, spec, "train")
    rng = np.random.default_rng(seed)

    dcr_train = _nearest(tr, syn)
    random_records = _random_records(train_data, spec, len(syn), rng)
    dcr_random = _nearest(tr, random_records)
    median_train = float(np.median(dcr_train))
    median_random = float(np.median(dcr_random))
    baseline = float("nan") if median_random == 0.0 else min(median_train / median_random, 1.0)
    out = {
        "n_synthetic": int(len(syn)),
        "n_train": int(len(tr)),
        "dcr_train": dcr_train,
        "median_dcr_train": median_train,
        "p5_dcr_train": float(np.percentile(dcr_train, 5)),
        "share_identical_to_train": float(np.mean(dcr_train == 0.0)),
        "baseline_protection": float(baseline),
        "median_dcr_random": median_random,
    }
    if holdout is None:
        return out

    ho = encoded_records(holdout, spec, "holdout")[1]
    dcr_holdout = _nearest(ho, syn)
    n_compared = min(len(tr), len(ho))
    cmp_train, cmp_holdout = dcr_train, dcr_holdout
    if len(tr) > n_compared:
        keep = rng.choice(len(tr), size=n_compared, replace=False)
        cmp_train = _nearest(tr[keep], syn)
    elif len(ho) > n_compared:
        keep = rng.choice(len(ho), size=n_compared, replace=False)
        cmp_holdout = _nearest(ho[keep], syn)
    strictly = float(np.mean(cmp_train < cmp_holdout))
    ties = float(np.mean(cmp_train == cmp_holdout))
    out.update(
        {
            "n_holdout": int(len(ho)),
            "dcr_holdout": dcr_holdout,
            "median_dcr_holdout": float(np.median(dcr_holdout)),
            "p5_dcr_holdout": float(np.percentile(dcr_holdout, 5)),
            "n_compared": int(n_compared),
            "share_closer_to_train": strictly + 0.5 * ties,
            "share_strictly_closer_to_train": strictly,
            "share_ties": ties,
            "overfitting_protection": min(2.0 * (1.0 - strictly), 1.0),
        }
    )
    return out


# --------------------------------------------------------------------------- membership


def membership_inference_auc(train, holdout, synthetic, spec) -> dict:
    """AUC of a distance-threshold membership-inference attack on the synthetic data.

    The attacker holds the synthetic sequences and a real sequence, and guesses that the
    real sequence was in the training set when a synthetic sequence lies close to it. Every
    real sequence is scored by ``-(Euclidean distance from its record_vectors vector to the
    closest synthetic vector)``; training sequences are members (label 1), holdout sequences
    non-members (label 0); ``auc = sklearn.metrics.roc_auc_score(labels, scores)``.

    The AUC is the probability that a random member lies closer to the synthetic data than a
    random non-member (ties count half): 0.5 = distances reveal nothing about membership,
    1.0 = every member is closer than every non-member (e.g. the synthetic data contain
    copies of the training sequences). Values below 0.5 mean non-members are closer, which
    is chance or a holdout that is not from the same population as the training data. The
    AUC does not depend on the ratio of members to non-members, so the two sets need not be
    balanced; its precision is limited by the smaller of them (under no leak its standard
    error is about ``sqrt((n_members + n_non_members + 1) / (12 n_members n_non_members))``).
    This attacker is one simple attack: an AUC near 0.5 does not rule out stronger ones.

    Returns ``{"auc", "n_members", "n_non_members", "distance_members",
    "distance_non_members"}`` — the last two are the distances (ndarrays) the scores negate.

    Args:
        train: the real sequences the generator was trained on (members).
        holdout: real sequences of the same population NOT used to train or tune the
            generator (non-members). Required.
        synthetic: the generated sequences the attacker holds.
        spec: the fitted :class:`tfgan_ts.SequenceSpec` encoding all three.
    """
    check_spec(spec)
    if holdout is None:
        raise ValueError(
            "membership_inference_auc needs holdout: real sequences the generator was not "
            "trained on (non-members); split them off before training"
        )
    members = encoded_records(train, spec, "train")[1]
    non_members = encoded_records(holdout, spec, "holdout")[1]
    syn = encoded_records(synthetic, spec, "synthetic")[1]
    d_members = _nearest(syn, members)
    d_non = _nearest(syn, non_members)
    labels = np.concatenate([np.ones(len(d_members)), np.zeros(len(d_non))])
    scores = -np.concatenate([d_members, d_non])
    return {
        "auc": float(roc_auc_score(labels, scores)),
        "n_members": int(len(d_members)),
        "n_non_members": int(len(d_non)),
        "distance_members": d_members,
        "distance_non_members": d_non,
    }
