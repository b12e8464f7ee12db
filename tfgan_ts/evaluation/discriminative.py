"""Discriminative score (TimeGAN): can a small recurrent classifier tell synthetic from real?

Keras 3, imported when :func:`discriminative_score` runs (the network is in
:mod:`.classifier`), so the rest of ``tfgan_ts.evaluation`` stays free of TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import train_test_split

from ..auto_normalize import half_from_unit
from ..columns import Continuous
from ..sequence_data import SequenceData
from ._inputs import check_int, check_spec
from .prepared import PreparedFrame, encoded_records

__all__ = ["discriminative_score"]


def _original_units(data: SequenceData, spec) -> tuple[np.ndarray, np.ndarray,
                                                       np.ndarray, np.ndarray]:
    """``data`` back on one scale for all sequences: the per-step values ``[n, T, F]`` and the
    per-sequence values ``[n, S]``, with a flag per channel telling whether it is continuous.

    Continuous columns (features, attributes, the start time of event-time sequences) are in
    the column's original units: an auto-normalized feature is its within-sequence scaled
    value times its sequence's half-range plus its midpoint, the others are the column's
    fitted min-max scaling undone. Unlike ``spec.inverse_transform`` nothing is clipped to the
    fitted range, so a synthetic value outside it stays visible. Discrete and binned columns
    keep the spec's one-hot encoding; the midpoints and half-ranges are not repeated (the
    values carry them). Values after a sequence's end are meaningless (masked later).
    """
    n, T = data.features.shape[:2]
    static, static_continuous = [], []
    a = 0
    for col in spec.attributes:
        block = data.attributes[:, a:a + col.dim]
        a += col.dim
        continuous = isinstance(col, Continuous)
        static.append(col.from_unit(block) if continuous else block)
        static_continuous += [continuous] * col.dim
    derived, d = data.derived_attributes, 0
    if spec.time_start_ is not None:  # derived_outputs(): start time first, then mid/half
        col = spec.time_start_
        static.append(col.from_unit(derived[:, d:d + col.dim]))
        static_continuous += [True] * col.dim
        d += col.dim
    columns = list(spec.features)
    if spec.time_delta_ is not None:
        columns.append(spec.time_delta_)
    steps, step_continuous = [], []
    f = 0
    for col in columns:
        block = data.features[:, :, f:f + col.dim]
        f += col.dim
        if not isinstance(col, Continuous):
            steps.append(block)
            step_continuous += [False] * col.dim
            continue
        if spec.auto_normalize:  # as decode_within_examples, without its clipping
            mid = col.from_unit(derived[:, d])[:, None, None]
            half = half_from_unit(col, derived[:, d + 1])[:, None, None]
            d += 2
            scaled = block.astype(np.float64)
            if col.normalization == "zero_one":
                scaled = 2.0 * scaled - 1.0
            steps.append(mid + scaled * half)
        else:
            steps.append(col.from_unit(block))
        step_continuous.append(True)
    static = np.concatenate(static, axis=1) if static else np.zeros((n, 0))
    steps = np.concatenate(steps, axis=2) if steps else np.zeros((n, T, 0))
    return (steps.astype(np.float64), static.astype(np.float64),
            np.array(step_continuous, bool), np.array(static_continuous, bool))


class _OneScale:
    """Classifier inputs on one scale for all sequences: continuous channels standardised
    with the *real* sequences' mean and standard deviation (over their valid steps), the same
    affine map applied to the synthetic ones; one-hot channels as they are."""

    def __init__(self, data: SequenceData, spec) -> None:
        steps, static, self.step_continuous, self.static_continuous = _original_units(data,
                                                                                      spec)
        valid = steps[_mask(data)]  # [valid steps, F]
        self.step_mean, self.step_std = _moments(valid, self.step_continuous)
        self.static_mean, self.static_std = _moments(static, self.static_continuous)
        self.spec = spec

    def __call__(self, data: SequenceData) -> tuple[np.ndarray, np.ndarray]:
        """Per-step classifier input ``[n, T, F + S]`` (the step's values, then the sequence's
        values repeated along time) as float32, zero after each sequence's end, and the step
        mask ``[n, T]``: True for the ``lengths`` first steps (where the generation flags
        are 1)."""
        steps, static, _, _ = _original_units(data, self.spec)
        steps = ((steps - self.step_mean) / self.step_std).astype(np.float32)
        static = ((static - self.static_mean) / self.static_std).astype(np.float32)
        T = steps.shape[1]
        x = np.concatenate([steps, np.repeat(static[:, None, :], T, axis=1)], axis=2)
        mask = _mask(data)
        x[~mask] = 0.0
        return x, mask


def _mask(data: SequenceData) -> np.ndarray:
    return np.arange(data.max_length)[None, :] < np.asarray(data.lengths)[:, None]


def _moments(values: np.ndarray, continuous: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of the continuous channels of ``values``
    ``[m, channels]`` (0 and 1 for the others, and a standard deviation of 1 where the
    channel is constant)."""
    mean, std = np.zeros(values.shape[1]), np.ones(values.shape[1])
    if len(values) and continuous.any():
        mean[continuous] = values[:, continuous].mean(axis=0)
        spread = values[:, continuous].std(axis=0)
        std[continuous] = np.where(spread > 0, spread, 1.0)
    return mean, std


def _chance_score(n_test: int) -> float:
    """E|K/n - 1/2| for K ~ Binomial(n, 1/2): the expected score of a coin-flipping
    classifier on ``n`` held-out sequences."""
    k = np.arange(n_test + 1)
    return float(np.sum(stats.binom.pmf(k, n_test, 0.5) * np.abs(k / n_test - 0.5)))


def discriminative_score(
    real: pd.DataFrame | PreparedFrame | SequenceData,
    synthetic: pd.DataFrame | PreparedFrame | SequenceData,
    spec,
    repeats: int = 5,
    test_size: float = 0.3,
    units: int | None = None,
    epochs: int = 200,
    batch_size: int = 64,
    seed: int | None = None,
    learning_rate: float = 0.01,
    patience: int = 10,
    validation_size: float = 0.2,
) -> dict:
    """TimeGAN's discriminative score: ``|held-out accuracy - 0.5|`` of a post-hoc GRU
    classifier trained to tell real sequences (label 1) from synthetic ones (label 0).

    0 = the classifier does no better than chance (real and synthetic look alike to it);
    0.5 = it separates them perfectly. This is the definition of Yoon, Jarrett & van der
    Schaar, "Time-series Generative Adversarial Networks" (NeurIPS 2019), and of their code
    (``metrics/discriminative_metrics.py``: ``discriminative_score = np.abs(0.5 - acc)``).
    Other libraries report different numbers under similar names, so do not compare across
    them: tsgm's discriminative metric returns the raw accuracy (0.5 = alike, 1 = separable)
    and SDMetrics' detection metrics are documented as "one minus the average ROC AUC" but
    compute ``1 - mean(2 * max(AUC, 0.5) - 1)`` (1 = alike, 0 = separable). We return
    ``|acc - 0.5|`` because it is the published TimeGAN number, it is 0 for the ideal, and
    an accuracy far *below* 0.5 is as much a sign of a difference as one far above it (a
    classifier that is always wrong separates the two sets perfectly once its answer is
    flipped). The raw accuracies are returned too.

    Procedure, repeated ``repeats`` times with fresh randomness:

    1. Both sets are put on **one scale for all sequences**. Each continuous feature is
       taken in its original units and standardised with the *real* sequences' mean and
       standard deviation (over their valid steps); the synthetic ones go through the same
       affine map. Discrete (and binned) features are one-hot, as the spec encodes them.
       Each step's input is the step's values followed by the sequence's attributes
       (one-hot, or standardised like the features when continuous; with the start time of
       event-time sequences), repeated at every step. This is *not* the spec's encoding
       (``spec.transform``): with auto-normalization that scales every sequence within its
       own range and keeps the level and spread only as two derived numbers per sequence,
       and a classifier reading it was blind to differences in level that any detector on
       the raw values sees at once (TimeGAN min-max scales every feature over the whole data
       set, one scale for all sequences, as here). Steps after a sequence's end
       (``lengths``, where the generation flags are 0) are masked: the GRU stops updating
       there, so its final state is its state after the last real step. Lengths therefore
       stay visible to the classifier (through how many steps it reads) while the padding
       values do not matter. (TimeGAN's data were fixed-length and its published classifier
       reads every step; for those the two agree.)
    2. Classes are balanced: the larger set is subsampled without replacement (seeded) to the
       size of the smaller, ``n_per_class``; a new subsample is drawn in every repeat.
    3. A stratified split (``sklearn.model_selection.train_test_split``, ``test_size``) holds
       out ``n_test`` sequences, half real and half synthetic (up to rounding). A second
       stratified split sets aside ``validation_size`` of the rest (at least 2 sequences)
       for early stopping; the classifier trains on the remainder.
    4. A fresh ``GRU(units) -> Dense(1, sigmoid)`` is trained with Adam
       (``learning_rate``) on binary cross-entropy in shuffled batches of ``batch_size``
       until its validation loss has not improved for ``patience`` epochs (at most
       ``epochs``); the weights of its best validation epoch are kept. (TimeGAN trains a
       fixed 2000 batches; a fixed budget left ours underfitted on long sequences.)
    5. Held-out accuracy = share of held-out sequences whose predicted probability of "real"
       is on the right side of 0.5 (``> 0.5`` means real, as in TimeGAN); score =
       ``|accuracy - 0.5|``.

    Returns a dict:

    * ``score`` — mean of the per-repeat scores; ``std`` — their standard deviation
      (population, ``ddof=0``); ``scores`` and ``accuracies`` — per-repeat lists (held-out);
      ``train_accuracies`` — accuracy on the sequences each repeat's classifier trained on
      (its training split without the validation part); ``epochs_trained`` — epochs each
      repeat ran (its weights are those of epoch ``epochs_trained - patience`` when it
      stopped early; ``epochs_trained == epochs`` means it hit the cap still improving);
    * ``n_real``, ``n_synthetic`` — sequences given; ``n_per_class`` — used per class;
      ``n_test`` — held-out sequences per repeat; ``units`` — GRU width used;
    * ``chance_score`` — the expected score of a classifier that guesses by a fair coin on
      ``n_test`` sequences (``E|K/n_test - 1/2|``, ``K ~ Binomial(n_test, 1/2)``). Because the
      score is an absolute value, noise alone makes it positive: scores near
      ``chance_score`` are indistinguishable from chance at this test-set size.

    Reading it: the score is only as strong as the classifier. A small GRU may fail to learn
    a difference — then the score is low although the data differ; ``train_accuracies`` near
    0.5 show such underfitting. Treat a low score as "this classifier could not tell", not as
    proof of realism. A held-out accuracy below 0.5 by much more than ``chance_score``
    usually means synthetic sequences are near-copies of real ones (a held-out real
    sequence's synthetic twin was in the training split with the opposite label); check
    :func:`distance_to_closest_record`.

    Args:
        real: real sequences (DataFrame the spec can encode, its PreparedFrame, or a
            SequenceData of this spec).
        synthetic: generated sequences, same form.
        spec: the fitted :class:`tfgan_ts.SequenceSpec` for both.
        repeats: number of independent subsample/split/initialisation/training rounds.
        test_size: held-out fraction of the ``2 * n_per_class`` sequences, in (0, 1).
        units: GRU width; default ``max(8, min(64, C // 2))`` with ``C`` the per-step input
            width (values + attributes) — TimeGAN uses ``C // 2``; the floor keeps few-feature
            data learnable and the cap keeps it cheap on CPU.
        epochs: most epochs a classifier trains (early stopping usually ends it sooner).
        batch_size: sequences per training batch.
        learning_rate: Adam's step size. TimeGAN uses Keras' default 1e-3; on the bundled
            traffic weeks that needed about twice the epochs of 1e-2 for no better score, and
            early stopping keeps the best epoch either way.
        patience: epochs without a lower validation loss before training stops.
        validation_size: fraction of each training split set aside for early stopping, in
            (0, 1).
        seed: integer seed for the subsamples, splits, weights and batch order, all drawn
            from it locally (NumPy's global state, Python's ``random`` and TensorFlow's global
            seed are neither read nor changed), so the same seed gives the same score. None:
            a fresh seed from Python's ``random``.
    """
    check_spec(spec)
    check_int("repeats", repeats, 1)
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    check_int("patience", patience, 0)
    if units is not None:
        check_int("units", units, 1)
    if seed is not None:
        check_int("seed", seed, 0)
    test_size = _fraction("test_size", test_size)
    validation_size = _fraction("validation_size", validation_size)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (float, int)) or not (
        np.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")

    real_data = encoded_records(real, spec, "real")[0]
    syn_data = encoded_records(synthetic, spec, "synthetic")[0]
    one_scale = _OneScale(real_data, spec)
    x_real, m_real = one_scale(real_data)
    x_syn, m_syn = one_scale(syn_data)
    n_real, n_syn = len(x_real), len(x_syn)
    n_per_class = min(n_real, n_syn)
    total = 2 * n_per_class
    n_test = int(np.ceil(test_size * total))  # sklearn's rounding for a float test_size
    n_val = max(2, int(np.ceil(validation_size * (total - n_test))))
    n_fit = total - n_test - n_val
    if n_test < 2 or n_fit < 2:
        raise ValueError(
            f"too few sequences for a stratified split: {n_real} real and {n_syn} synthetic "
            f"give {n_per_class} per class, and test_size={test_size} with "
            f"validation_size={validation_size} leaves {n_fit} for training, {n_val} for "
            f"validation and {n_test} for testing (each needs >= 2, one per class); use more "
            "sequences (dozens per class at least for a meaningful score)"
        )
    width = x_real.shape[2]
    if units is None:
        units = max(8, min(64, width // 2))
    # every sequence full length: the mask would change nothing, so the GRU reads all steps
    masked = not (m_real.all() and m_syn.all())

    from ..seeding import draw_seed
    from .classifier import SequenceClassifier

    seed = draw_seed(seed)
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.ones(n_per_class), np.zeros(n_per_class)]).astype(np.float32)
    steps_per_epoch = int(np.ceil(n_fit / batch_size))
    classifier = SequenceClassifier(x_real.shape[1], width, units, learning_rate, masked, seed,
                                    steps_per_epoch)

    scores, accuracies, train_accuracies, epochs_trained = [], [], [], []
    for r in range(repeats):
        pick_r = rng.choice(n_real, size=n_per_class, replace=False)
        pick_s = rng.choice(n_syn, size=n_per_class, replace=False)
        x = np.concatenate([x_real[pick_r], x_syn[pick_s]])
        m = np.concatenate([m_real[pick_r], m_syn[pick_s]])
        idx_train, idx_test = train_test_split(
            np.arange(total),
            test_size=test_size,
            stratify=labels,
            random_state=int(rng.integers(2**31 - 1)),
        )
        idx_fit, idx_val = train_test_split(
            idx_train,
            test_size=n_val,
            stratify=labels[idx_train],
            random_state=int(rng.integers(2**31 - 1)),
        )
        fit = (x[idx_fit], m[idx_fit], labels[idx_fit])
        validation = (x[idx_val], m[idx_val], labels[idx_val])
        test = (x[idx_test], m[idx_test], labels[idx_test])
        del x, m  # the three splits are copies: free the pool before the network trains
        ran = classifier.train(r, fit, validation, epochs, batch_size, patience)
        acc = classifier.accuracy(*test)
        accuracies.append(acc)
        train_accuracies.append(classifier.accuracy(*fit))
        epochs_trained.append(ran)
        scores.append(abs(acc - 0.5))

    return {
        "score": float(np.mean(scores)),
        "std": float(np.std(scores)),
        "scores": [float(s) for s in scores],
        "accuracies": [float(a) for a in accuracies],
        "train_accuracies": [float(a) for a in train_accuracies],
        "epochs_trained": [int(e) for e in epochs_trained],
        "n_real": int(n_real),
        "n_synthetic": int(n_syn),
        "n_per_class": int(n_per_class),
        "n_test": int(n_test),
        "units": int(units),
        "chance_score": _chance_score(n_test),
    }


def _fraction(name: str, value) -> float:
    """``value`` as a float; ValueError unless it is a number strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, (float, int)) or not (
        0.0 < float(value) < 1.0
    ):
        raise ValueError(f"{name} must be a fraction strictly between 0 and 1, got {value!r}")
    return float(value)
